from django.urls import path

from tuki.mfa import views

app_name = "mfa"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("", views.devices, name="devices"),
    path("enrol/key/", views.key_register, name="key_register"),
    path("<str:kind>/<int:pk>/remove/", views.device_remove, name="device_remove"),
    path("recovery-codes/", views.codes_regenerate, name="codes_regenerate"),
]
