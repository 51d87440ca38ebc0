"""Forms of the desk's queue and preferences (those of a request's page are in ticket_forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.forms import user_field
from tuki.accounts.models import User
from tuki.accounts.selectors import active_staff
from tuki.agreements.models import Priority
from tuki.core.errors import Refusal
from tuki.core.forms import ActionForm, refusal_text
from tuki.core.scoping import visible_to
from tuki.tickets.models import Kind, State, Ticket
from tuki.tickets.queues import QUEUES, SLA_FILTERS, SORT_LABELS
from tuki.tickets.services import ticket_assign, ticket_transition

ID_MAX = 2**63 - 1  # the largest primary key the databases hold


class _IdOrNone(forms.CharField):
    """A record's id, or "none" for the requests that have none."""

    def clean(self, value: Any) -> str:
        text = str(super().clean(value))
        if text and text != "none" and not (text.isdecimal() and 0 < int(text) <= ID_MAX):
            raise ValidationError(forms.IntegerField.default_error_messages["invalid"], code="invalid")
        return text


class QueueFilterForm(forms.Form):
    """A queue's address: the tab, the filters, the order and the page. A value that is not one of these (a hand-made
    or stale link) is left out, as if it had not been given, rather than reaching the database."""

    queue = forms.ChoiceField(choices=list(QUEUES.items()), required=False)
    organisation = forms.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    state = forms.ChoiceField(choices=State.choices, required=False)
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, required=False)
    kind = forms.ChoiceField(choices=Kind.choices, required=False)
    assignee = _IdOrNone(required=False)
    environment = _IdOrNone(required=False)
    sla = forms.ChoiceField(choices=[(key, key) for key in SLA_FILTERS], required=False)
    q = forms.CharField(required=False, strip=True)
    sort = forms.ChoiceField(choices=list(SORT_LABELS.items()), required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def params(self) -> dict[str, str]:
        """Every field as text ("" for one left out or not valid)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: "" if cleaned.get(name) in (None, "") else str(cleaned[name]) for name in self.fields}


class PreferencesForm(forms.Form):
    language = user_field("language")
    on_duty = user_field("on_duty")
    sla_digest = user_field("sla_digest")


NOTHING_CHOSEN = gettext_lazy("Choose what to do with the selected requests.")


class BulkForm(ActionForm):
    """Assign or move many requests at once; each goes through the same service as one by one."""

    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.none(), error_messages={"required": gettext_lazy("Select at least one request.")}
    )
    action = forms.ChoiceField(
        choices=[("assign", "assign"), ("transition", "transition")],
        error_messages={"required": NOTHING_CHOSEN, "invalid_choice": NOTHING_CHOSEN},
    )
    # One list on the page holds both the agents and the states; which it must be depends on the action.
    value = forms.CharField(required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["tickets"].queryset = visible_to(user, Ticket)  # type: ignore[attr-defined]
        self.failed: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("value", "")
        if data.get("action") == "assign":
            data["assignee"] = active_staff().filter(pk=int(value)).first() if value.isdecimal() else None
            if value and data["assignee"] is None:
                raise ValidationError(NOTHING_CHOSEN)
        elif data.get("action") == "transition" and value not in State.values:
            raise ValidationError(NOTHING_CHOSEN)
        return data

    def act(self) -> str:
        done = 0
        for ticket in self.cleaned_data["tickets"]:
            try:
                if self.cleaned_data["action"] == "assign":
                    ticket_assign(actor=self.user, ticket=ticket, assignee=self.cleaned_data["assignee"])
                else:
                    ticket_transition(actor=self.user, ticket=ticket, to=self.cleaned_data["value"])
                done += 1
            except (Refusal, PermissionDenied, ValidationError) as error:
                # One request's refusal must not stop the others; each is told by its identifier.
                self.failed.append(f"{ticket.identifier}: {refusal_text(error)}")
        return _("%(count)d requests updated.") % {"count": done} if done else ""
