"""The audit log on the desk, for the supplier's managers: filter it, page through it, export it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Contact, User
from tuki.agreements.models import Agreement, Priority, SlaTarget
from tuki.audit.models import Action, AuditEntry
from tuki.audit.selectors import audit_entries
from tuki.audit.services import audit_record
from tuki.core.client_address import client_address
from tuki.core.durations import format_minutes
from tuki.core.pages import page_number, page_rows
from tuki.core.permissions import manager_required
from tuki.core.spreadsheets import SafeCsvWriter

PAGE_SIZE = 50
FILTERS = ("action", "actor", "since", "until")
# Where the fields named in the entries' changes are defined, for their labels and the labels of their values.
CHANGED_MODELS = (Agreement, User, Contact)


class AuditFilterForm(forms.Form):
    """The page's filters from its address. A value that is not valid is shown as an error and left out."""

    action = forms.ChoiceField(
        label=gettext_lazy("Action"), choices=[("", gettext_lazy("All")), *Action.choices], required=False
    )
    actor = forms.CharField(label=gettext_lazy("User"), required=False, max_length=254, strip=True)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            del cleaned["until"]
            self.add_error("until", ValidationError(_("The end date is before the start date."), code="order"))
        for name in ("since", "until"):
            # Years beyond these make no timestamp the databases can compare with.
            if cleaned.get(name) and not date(1900, 1, 1) <= cleaned[name] <= date(9998, 12, 31):
                del cleaned[name]
                self.add_error(name, ValidationError(_("Enter a date between 1900 and 9998."), code="range"))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters, as the selector takes them; those not valid are left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in FILTERS if cleaned.get(name) not in (None, "")}


def _entries(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    form = AuditFilterForm(request.GET or None)
    return form, audit_entries(acting_user(request), **form.filters())


def _query(form: AuditFilterForm) -> str:
    """The valid filters as an address, for the pager and the export link."""
    return urlencode({name: str(value) for name, value in form.filters().items()})


def _field(name: str) -> Field[Any, Any] | None:
    for model in CHANGED_MODELS:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return field if isinstance(field, Field) else None
    return None


# The log keeps an SLA target's times in minutes; they read as the admin shows them ("4 h", "1 h 30 min").
TARGET_LABELS: dict[str, str | Promise] = {
    "first_response_minutes": gettext_lazy("Response time"),
    "resolution_minutes": gettext_lazy("Resolution time"),
}


def _label(name: str) -> str:
    """A changed field's name as the admin shows it; an SLA target's with its priority."""
    if name.startswith("sla_target."):
        _prefix, priority, attribute = name.split(".", 2)
        target_field = getattr(SlaTarget, attribute, None)
        label = dict(Priority.choices).get(int(priority), priority) if priority.isdecimal() else priority
        verbose: object = TARGET_LABELS.get(attribute)
        if verbose is None:
            verbose = getattr(getattr(target_field, "field", None), "verbose_name", attribute)
        return f"{capfirst(str(verbose))} ({label})"
    field = _field(name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def _value(name: str, value: object) -> str:
    if value is None or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if name.startswith("sla_target.") and name.endswith("_minutes") and isinstance(value, int):
        return format_minutes(value)
    field = _field(name)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    return str(choices.get(value, value))


def change_lines(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """What changed, ready to read: (field, from, to)."""
    changes = entry.details.get("changes") if isinstance(entry.details, dict) else None
    if not isinstance(changes, dict):
        return []
    return [
        (_label(name), _value(name, c.get("from")), _value(name, c.get("to")))
        for name, c in changes.items()
        if isinstance(c, dict)
    ]


@manager_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form, entries = _entries(request)
    page = page_number(request.GET.get("page", ""), last=10_000)
    rows, has_next = page_rows(entries, page, PAGE_SIZE)
    context = {
        "form": form,
        "rows": [(entry, change_lines(entry)) for entry in rows],
        "page": page,
        "has_next": has_next,
        "query": _query(form),
    }
    return render(request, "desk/audit.html", context)


@manager_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV; taking it out is itself an entry of the log."""
    form, entries = _entries(request)
    user = acting_user(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    writer = SafeCsvWriter(response)
    writer.writerow([_("When"), _("Action"), _("User"), _("Object type"), _("Object"), _("Address"), _("Details")])
    rows = 0
    for entry in entries.iterator():
        rows += 1
        writer.writerow(
            [
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.get_action_display(),
                entry.identifier,
                entry.target_type,
                entry.target_label,
                entry.address or "",
                _details_text(entry.details),
            ]
        )
    filters = {name: str(value) for name, value in form.filters().items()}
    audit_record(
        action=Action.EXPORTED,
        actor=user,
        target_label=_("Audit log"),
        address=client_address(request),
        details={"export": "audit_log", "filters": filters, "rows": rows},
    )
    return response


def _details_text(details: Any) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True) if details else ""
