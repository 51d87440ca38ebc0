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
from tuki.core.errors import Refusal
from tuki.core.forms import ActionForm, refusal_text
from tuki.core.scoping import visible_to
from tuki.tickets.models import State, Ticket
from tuki.tickets.services import ticket_assign, ticket_transition


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
