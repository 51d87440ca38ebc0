from django.urls import URLPattern, path

from tuki.desk import (
    api_tokens,
    audit_views,
    change_calendar,
    change_views,
    environment_views,
    invoicing,
    mail_views,
    phone,
    report_views,
    ticket_forms,
    ticket_views,
    time_views,
    timer_views,
    views,
    webhook_views,
)

app_name = "desk"


def _ticket_action(name: str, form: type[ticket_forms.TicketForm]) -> URLPattern:
    """A button of the request page posts to an address of its own, named ``desk:ticket_<name>``."""
    segment = name.replace("_", "-")
    return path(
        f"requests/<str:identifier>/{segment}/", ticket_views.ticket_action, {"form_class": form}, name=f"ticket_{name}"
    )


urlpatterns = [
    path("", views.home, name="home"),
    path("bulk/", views.bulk, name="bulk"),
    path("customers/", views.customers, name="customers"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("preferences/api-tokens/<int:pk>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("integrations/", webhook_views.webhooks, name="webhooks"),
    path("integrations/<int:pk>/", webhook_views.webhook, name="webhook"),
    path("audit/export/", audit_views.audit_export, name="audit_export"),
    path("phone/", phone.phone_request, name="phone"),
    path("mail/", mail_views.inbound_list, name="mail"),
    path("mail/quarantine/", mail_views.quarantine_list, name="mail_quarantine"),
    path("mail/<int:pk>/accept/", mail_views.inbound_accept_view, name="mail_accept"),
    path("mail/<int:pk>/reject/", mail_views.inbound_reject_view, name="mail_reject"),
    path("mail/<int:pk>/", mail_views.inbound_detail, name="mail_message"),
    path("mail/<int:pk>/retry/", mail_views.inbound_retry_view, name="mail_retry"),
    path("mail/<int:pk>/request/", mail_views.inbound_file_request, name="mail_request"),
    path("mail/<int:pk>/raw/", mail_views.inbound_raw, name="mail_raw"),
    path("requests/<str:identifier>/", ticket_views.ticket_detail, name="ticket"),
    _ticket_action("handle", ticket_forms.HandleForm),
    _ticket_action("reply", ticket_forms.ReplyForm),
    _ticket_action("note", ticket_forms.NoteForm),
    _ticket_action("call", ticket_forms.CallForm),
    _ticket_action("transition", ticket_forms.TransitionForm),
    _ticket_action("priority", ticket_forms.PriorityForm),
    _ticket_action("assign", ticket_forms.AssignForm),
    _ticket_action("update", ticket_forms.UpdateForm),
    _ticket_action("merge", ticket_forms.MergeForm),
    _ticket_action("link_article", ticket_forms.LinkArticleForm),
    _ticket_action("unlink_article", ticket_forms.UnlinkArticleForm),
    path("requests/<str:identifier>/time/", time_views.ticket_time_page, name="ticket_time"),
    path("requests/<str:identifier>/estimate/", time_views.estimate_propose_view, name="estimate_propose"),
    path("requests/<str:identifier>/timer/", timer_views.timer_start_view, name="timer_start"),
    path("timers/<int:pk>/log/", timer_views.timer_log_view, name="timer_log"),
    *(
        path(f"timers/<int:pk>/{move}/", timer_views.timer_move, {"move": move}, name=f"timer_{move}")
        for move in ("pause", "resume", "stop", "discard")
    ),
    path("time/<int:pk>/correct/", time_views.time_entry_correct_view, name="time_correct"),
    path("quota/", time_views.quota_overview, name="quota"),
    path("quota/<int:pk>/close/", time_views.quota_period_close, name="quota_close"),
    path("quota/invoicing.csv", invoicing.invoicing_csv, name="invoicing_csv"),
    path("quota/invoicing.xlsx", invoicing.invoicing_xlsx, name="invoicing_xlsx"),
    path("requests/<str:identifier>/files/<int:attachment_id>/", ticket_views.attachment, name="attachment"),
    path("requests/<str:identifier>/change/new/", change_views.change_new_from_request, name="change_new"),
    path("reports/", report_views.reports_month, name="reports"),
    path("reports/<int:organisation_id>/<str:month>/", report_views.report_page, name="report"),
    path(
        "reports/<int:organisation_id>/<str:month>/report.<str:extension>",
        report_views.report_download,
        name="report_download",
    ),
    path(
        "reports/<int:organisation_id>/<str:month>/regenerate/",
        report_views.report_regenerate,
        name="report_regenerate",
    ),
    path("changes/", change_views.changes, name="changes"),
    path("changes/calendar/", change_calendar.change_calendar, name="change_calendar"),
    path("changes/<str:identifier>/", change_views.change_detail, name="change"),
    path("changes/<str:identifier>/move/", change_views.change_move, name="change_move"),
    path("changes/<str:identifier>/edit/", change_views.change_edit, name="change_edit"),
    path("changes/<str:identifier>/time/", change_views.change_time_log, name="change_time"),
    path("environments/<int:pk>/", environment_views.environment_detail, name="environment"),
]
