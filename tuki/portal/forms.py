"""Forms of Online Support Services. Every choice is read through the contact's scope."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import forms
from django.utils.translation import get_language, gettext, gettext_lazy

from tuki.accounts.models import BusinessUnit, Contact, User
from tuki.agreements.models import Agreement, Priority
from tuki.core.durations import format_minutes
from tuki.core.forms import MultipleFileField, OnDemandModelChoiceField, OnDemandModelMultipleChoiceField
from tuki.core.scoping import visible_to
from tuki.environments.models import Environment
from tuki.tickets import forms as tickets_forms
from tuki.tickets.forms import TicketForm, submission_key_field
from tuki.tickets.lifecycle import CUSTOMER_ACTIONS
from tuki.tickets.models import Kind, State
from tuki.tickets.services import ticket_transition

# What each priority means to the customer, whatever their agreement.
PRIORITY_MEANINGS = {
    Priority.CRITICAL: gettext_lazy("production has stopped"),
    Priority.HIGH: gettext_lazy("work is seriously hampered"),
    Priority.NORMAL: gettext_lazy("a fault or need with a workaround"),
    Priority.LOW: gettext_lazy("a question or small wish"),
}


def priority_choices(agreement: Agreement | None) -> list[tuple[int, str]]:
    """Each priority with what it means under the customer's agreement."""
    targets: dict[int, tuple[int, int]] = {}
    for target in agreement.targets.all() if agreement else ():
        targets.setdefault(target.priority, (target.first_response_minutes, target.resolution_minutes))
    return list(_priority_choices(tuple(sorted(targets.items())), get_language()))


@lru_cache(maxsize=1024)
def _priority_choices(targets: tuple[tuple[int, tuple[int, int]], ...], language: str) -> tuple[tuple[int, str], ...]:
    # The texts depend only on the targets' minutes and the language, and every form of a customer shows the same
    # ones: each process writes them once instead of on every form.
    minutes = dict(targets)
    choices = []
    for value, label in Priority.choices:
        text = f"{label} – {PRIORITY_MEANINGS[Priority(value)]}"
        if value in minutes:
            response, resolution = minutes[value]
            text += " · " + gettext("response %(response)s, resolution %(resolution)s") % {
                "response": format_minutes(response),
                "resolution": format_minutes(resolution),
            }
        choices.append((value, text))
    return tuple(choices)


class NewRequestForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("What happened, where, and what you expected. Markdown is allowed."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Kind.choices, initial=Kind.INCIDENT)
    priority = forms.TypedChoiceField(label=gettext_lazy("Priority"), coerce=int, initial=Priority.NORMAL)
    environment = OnDemandModelChoiceField(
        label=gettext_lazy("Environment"),
        queryset=Environment.objects.none(),
        required=False,
        empty_label=gettext_lazy("Not about one environment"),
    )
    business_unit = OnDemandModelChoiceField(
        label=gettext_lazy("Business unit"),
        queryset=BusinessUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("No business unit"),
    )
    cc = OnDemandModelMultipleChoiceField(
        label=gettext_lazy("Copies to colleagues"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = MultipleFileField(label=gettext_lazy("Attachments"), required=False)
    submission_key = submission_key_field()

    def __init__(self, *args: Any, user: User, agreement: Agreement | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contact = user.contact
        fields: Any = self.fields
        fields["priority"].choices = priority_choices(agreement)
        environments = agreement.environments.all() if agreement else Environment.objects.none()
        fields["environment"].offer(lambda: visible_to(user, environments))
        fields["business_unit"].offer(lambda: visible_to(user, BusinessUnit).filter(is_active=True))
        fields["business_unit"].initial = contact.business_unit_id
        fields["cc"].offer(
            lambda: (
                visible_to(user, Contact)
                .filter(deactivated_at__isnull=True, user__is_active=True)
                .exclude(pk=contact.pk)
                .select_related("user")
            )
        )
        fields["cc"].label_from_instance = lambda c: c.user.full_name


class RequestFilterForm(forms.Form):
    STATUS = [
        ("open", gettext_lazy("Open")),
        ("closed", gettext_lazy("Resolved and closed")),
        ("all", gettext_lazy("All")),
    ]
    status = forms.ChoiceField(label=gettext_lazy("Show"), choices=STATUS, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=[("", gettext_lazy("All")), *Kind.choices], required=False
    )
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"),
        choices=[("", gettext_lazy("All")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)


class ReplyForm(tickets_forms.ReplyForm):
    done = gettext_lazy("Your reply is sent.")


class TransitionForm(TicketForm):
    """The customer's buttons: cancel, reopen, confirm. Whether the request may move now is the lifecycle's call."""

    to = forms.ChoiceField(
        choices=[(state.value, label) for state, label in CUSTOMER_ACTIONS.items()],
        error_messages={
            "required": gettext_lazy("That action is not possible."),
            "invalid_choice": gettext_lazy("That action is not possible."),
        },
    )

    def act(self) -> str:
        ticket = ticket_transition(actor=self.user, ticket=self.ticket, to=self.cleaned_data["to"])
        return str(DONE[State(ticket.state)])


# What the customer's buttons say once done (the same moves as lifecycle.CUSTOMER_ACTIONS).
DONE = {
    State.CANCELLED: gettext_lazy("The request is cancelled."),
    State.REOPENED: gettext_lazy("The request is reopened."),
    State.CLOSED: gettext_lazy("Thank you: the resolution is confirmed and the request is closed."),
}
