from django.urls import path

from tuki.desk import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("requests/<str:identifier>/", views.ticket_detail, name="ticket"),
    path("requests/<str:identifier>/action/", views.ticket_action, name="ticket_action"),
    path("requests/<str:identifier>/files/<int:attachment_id>/", views.attachment, name="attachment"),
]
