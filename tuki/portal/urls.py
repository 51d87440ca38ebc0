from django.urls import path

from tuki.portal import (
    api_tokens,
    calendar,
    changes,
    estimates,
    integrations,
    profile,
    quota,
    reports,
    requests,
    views,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", views.dashboard, name="dashboard"),
    path("portal/agreement/", views.agreement, name="agreement"),
    path("portal/quota/", quota.quota, name="quota"),
    path("portal/reports/", reports.report_list, name="reports"),
    path("portal/reports/<str:month>/", reports.report_page, name="report"),
    path("portal/reports/<str:month>/report.csv", reports.report_csv, name="report_csv"),
    path("portal/reports/<str:month>/report.xlsx", reports.report_xlsx, name="report_xlsx"),
    path("portal/reports/<str:month>/report.pdf", reports.report_pdf_download, name="report_pdf"),
    path("portal/estimates/<int:estimate_id>/", estimates.estimate_page, name="estimate"),
    path("portal/profile/", profile.profile, name="profile"),
    path("portal/profile/password/", profile.PasswordChange.as_view(), name="password"),
    path("portal/profile/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("portal/profile/api-tokens/<int:pk>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
    path("portal/requests/", requests.request_list, name="requests"),
    path("portal/requests/new/", requests.new_request, name="new_request"),
    path("portal/requests/export.csv", requests.request_export, name="export"),
    path("portal/requests/<str:identifier>/", requests.ticket_detail, name="ticket"),
    path("portal/requests/<str:identifier>/timeline/", requests.ticket_timeline, name="timeline"),
    path("portal/requests/<str:identifier>/reply/", requests.ticket_reply_view, name="ticket_reply"),
    path("portal/requests/<str:identifier>/transition/", requests.ticket_transition_view, name="ticket_transition"),
    path("portal/requests/<str:identifier>/files/<int:attachment_id>/", requests.attachment, name="attachment"),
    path("portal/environments/", changes.environments, name="environments"),
    path("portal/environments/<int:pk>/", changes.environment_detail, name="environment"),
    path("portal/changes/<str:identifier>/", changes.change_detail, name="change"),
    path("portal/changes/<str:identifier>/decide/", changes.change_decide, name="change_decide"),
    path("portal/calendar/", calendar.calendar_link, name="calendar_link"),
    path("portal/integrations/", integrations.webhooks, name="webhooks"),
    path("portal/integrations/<int:pk>/", integrations.webhook, name="webhook"),
    path("portal/calendar/link/", calendar.calendar_link_change, name="calendar_link_change"),
    # Fetched by calendar programs, which cannot log in: the token in the query string is the only key.
    path("portal/calendar/changes.ics", calendar.change_feed, name="change_feed"),
]
