from django.urls import path

from tuki.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", views.dashboard, name="dashboard"),
    path("portal/agreement/", views.agreement, name="agreement"),
    path("portal/requests/<str:identifier>/", views.ticket_detail, name="ticket"),
    path("portal/requests/<str:identifier>/action/", views.ticket_action, name="ticket_action"),
    path("portal/requests/<str:identifier>/files/<int:attachment_id>/", views.attachment, name="attachment"),
]
