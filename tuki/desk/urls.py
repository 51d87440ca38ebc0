from django.urls import path

from tuki.desk import mail_views, phone, ticket_views, views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("bulk/", views.bulk, name="bulk"),
    path("customers/", views.customers, name="customers"),
    path("preferences/", views.preferences, name="preferences"),
    path("phone/", phone.phone_request, name="phone"),
    path("mail/", mail_views.inbound_list, name="mail"),
    path("mail/<int:pk>/", mail_views.inbound_detail, name="mail_message"),
    path("mail/<int:pk>/retry/", mail_views.inbound_retry_view, name="mail_retry"),
    path("mail/<int:pk>/request/", mail_views.inbound_file_request, name="mail_request"),
    path("mail/<int:pk>/raw/", mail_views.inbound_raw, name="mail_raw"),
    path("requests/<str:identifier>/", ticket_views.ticket_detail, name="ticket"),
    path("requests/<str:identifier>/action/", ticket_views.ticket_action, name="ticket_action"),
    path("requests/<str:identifier>/files/<int:attachment_id>/", ticket_views.attachment, name="attachment"),
]
