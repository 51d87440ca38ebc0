from django.urls import path

from tuki.desk import phone, ticket_views, views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("bulk/", views.bulk, name="bulk"),
    path("customers/", views.customers, name="customers"),
    path("preferences/", views.preferences, name="preferences"),
    path("phone/", phone.phone_request, name="phone"),
    path("requests/<str:identifier>/", ticket_views.ticket_detail, name="ticket"),
    path("requests/<str:identifier>/action/", ticket_views.ticket_action, name="ticket_action"),
    path("requests/<str:identifier>/files/<int:attachment_id>/", ticket_views.attachment, name="attachment"),
]
