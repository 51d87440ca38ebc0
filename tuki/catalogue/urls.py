from django.urls import path

from tuki.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("services/", views.service_list, name="list"),
    path("services/<slug:slug>/", views.service_detail, name="detail"),
    path("contact/", views.contact, name="contact"),
]
