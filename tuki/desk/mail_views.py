"""Inbound mail on the desk: what came in and what became of it; retry, file for a contact, download.

The mail is shown as text only (headers and the parsed plain text, escaped by the templates): the mail's HTML
is never rendered, sanitised or not, and the original comes only as a download that browsers will not sniff.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Contact, User
from tuki.core.errors import Refusal
from tuki.core.forms import CHOOSE, refusal_text
from tuki.core.pages import page_number, page_rows
from tuki.core.permissions import staff_required
from tuki.core.scoping import get_visible_or_404, visible_to
from tuki.desk.phone import callable_contacts
from tuki.mail.intake.desk import (
    inbound_accept,
    inbound_create_request,
    inbound_reject,
    inbound_retry,
    parse_stored,
)
from tuki.mail.models import InboundMessage, InboundStatus

PAGE_SIZE = 50
# The list's tabs, in the order agents look at them; "" is everything.
STATUS_TABS = [
    ("", gettext_lazy("All")),
    (InboundStatus.REFUSED, gettext_lazy("Refused")),
    (InboundStatus.UNVERIFIED, gettext_lazy("Sender not verified")),
    (InboundStatus.QUARANTINED, gettext_lazy("Quarantined")),
    (InboundStatus.OVERSIZED, gettext_lazy("Oversized")),
    (InboundStatus.IGNORED, gettext_lazy("Ignored")),
    (InboundStatus.ACCEPTED, gettext_lazy("Accepted")),
    (InboundStatus.REPLIED, gettext_lazy("Replies")),
    (InboundStatus.REJECTED, gettext_lazy("Rejected")),
]
FILEABLE = (InboundStatus.REFUSED, InboundStatus.IGNORED)


class FileForContactForm(forms.Form):
    requester: forms.ModelChoiceField[Contact] = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        label=gettext_lazy("Named contact person"),
        empty_label=CHOOSE,
        help_text=gettext_lazy("The request is filed for this person; the mail's text and files go into it."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["requester"]
        field.queryset = callable_contacts(user)
        field.label_from_instance = lambda c: f"{c.user.full_name} <{c.user.email}> – {c.organisation.name}"


@staff_required
def inbound_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in InboundStatus.values:
        status = ""
    page = page_number(request.GET.get("page", ""), last=10_000)
    user = acting_user(request)
    records = (
        visible_to(user, InboundMessage)
        .select_related("ticket")
        .only(
            "received_at", "status", "reason", "sender", "sender_name", "subject", "source", "size", "answer", "ticket"
        )
    )
    if status:
        records = records.filter(status=status)
    rows, has_next = page_rows(records.order_by("-received_at", "-pk"), page, PAGE_SIZE)
    counts = dict(visible_to(user, InboundMessage).values_list("status").annotate(count=Count("pk")).order_by())
    tabs = [(value, label, sum(counts.values()) if not value else counts.get(value, 0)) for value, label in STATUS_TABS]
    context = {
        "rows": rows,
        "status": status,
        "tabs": tabs,
        "page": page,
        "has_next": has_next,
    }
    return render(request, "desk/mail/list.html", context)


@staff_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    """Mail from a named contact's address whose sender could not be verified, oldest first: an agent accepts
    (it is filed as if verified) or rejects (kept, nothing filed) each one."""
    page = page_number(request.GET.get("page", ""), last=10_000)
    records = (
        visible_to(acting_user(request), InboundMessage)
        .filter(status=InboundStatus.UNVERIFIED)
        .only("received_at", "status", "reason", "sender", "sender_name", "subject")
    )
    rows, has_next = page_rows(records.order_by("received_at", "pk"), page, PAGE_SIZE)
    context = {"rows": rows, "page": page, "has_next": has_next}
    return render(request, "desk/mail/quarantine.html", context)


@staff_required
@require_POST
def inbound_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    record = get_visible_or_404(user, InboundMessage, pk=pk)
    try:
        record = inbound_accept(actor=user, inbound=record)
    except (Refusal, ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The message was accepted: %(status)s.") % {"status": record.get_status_display()})
    return redirect(_back(request, pk))


@staff_required
@require_POST
def inbound_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    record = get_visible_or_404(user, InboundMessage, pk=pk)
    try:
        inbound_reject(actor=user, inbound=record)
    except (Refusal, ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The message was rejected; it is kept, and nothing was filed."))
    return redirect(_back(request, pk))


def _back(request: HttpRequest, pk: int) -> str:
    """Back to the quarantine list, or to the message when the buttons were pressed there."""
    if request.POST.get("back") == "message":
        return reverse("desk:mail_message", args=[pk])
    return reverse("desk:mail_quarantine")


@staff_required
def inbound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    record = get_visible_or_404(user, InboundMessage.objects.select_related("ticket", "event", "handled_by"), pk=pk)
    form = FileForContactForm(user=user) if _fileable(record) else None
    return _detail(request, record, form)


def _detail(request: HttpRequest, record: InboundMessage, form: FileForContactForm | None) -> HttpResponse:
    parsed = parse_stored(record)
    context = {
        "record": record,
        "parsed": parsed,
        "headers": sorted(parsed.headers.items()) if parsed is not None else [],
        "attachments": [
            {"name": a.name, "content_type": a.content_type, "size": len(a.data), "inline": a.inline}
            for a in (parsed.attachments if parsed is not None else [])
        ],
        "form": form,
        "oversized": record.status == InboundStatus.OVERSIZED,
    }
    return render(request, "desk/mail/detail.html", context)


def _fileable(record: InboundMessage) -> bool:
    return record.status in FILEABLE and record.ticket_id is None


@staff_required
@require_POST
def inbound_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    record = get_visible_or_404(user, InboundMessage, pk=pk)
    try:
        record = inbound_retry(actor=user, inbound=record)
    except (Refusal, ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
        return redirect("desk:mail_message", pk=pk)
    if record.status == InboundStatus.QUARANTINED:
        messages.error(request, _("The message still could not be processed; see the error below."))
    else:
        messages.success(request, _("The message was processed: %(status)s.") % {"status": record.get_status_display()})
    return redirect("desk:mail_message", pk=pk)


@staff_required
@require_POST
def inbound_file_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    record = get_visible_or_404(user, InboundMessage.objects.select_related("ticket", "event", "handled_by"), pk=pk)
    if not _fileable(record):
        messages.error(request, _("Only a refused message can be filed as a request."))
        return redirect("desk:mail_message", pk=pk)
    form = FileForContactForm(request.POST, user=user)
    if form.is_valid():
        try:
            ticket = inbound_create_request(actor=user, inbound=record, requester=form.cleaned_data["requester"])
        except (Refusal, ValidationError, PermissionDenied) as error:
            # On top of the form: the mail's problem, not the chosen person's.
            form.add_error(None, refusal_text(error))
        else:
            messages.success(
                request, _("Request %(identifier)s filed from the mail.") % {"identifier": ticket.identifier}
            )
            return redirect("desk:ticket", identifier=ticket.identifier)
    return _detail(request, record, form)


@staff_required
def inbound_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The original message, byte for byte, as a download that the browser neither shows nor sniffs."""
    record = get_visible_or_404(acting_user(request), InboundMessage, pk=pk)
    if not record.raw:
        raise Http404
    try:
        handle = record.raw.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response: Any = FileResponse(handle, as_attachment=True, filename=f"message-{record.pk}.eml")
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response  # a streaming FileResponse
