"""What an agent can do on a request's page, one form each: the form checks what was posted, ``act`` calls one
service. The choices come from where the page's own lists come from, read through the agent's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.models import Contact
from tuki.accounts.selectors import active_staff
from tuki.agreements.models import Priority
from tuki.core.forms import CHOOSE
from tuki.core.scoping import visible_to
from tuki.environments.models import Environment
from tuki.handbook.models import Article
from tuki.handbook.services import ticket_link_article, ticket_unlink_article
from tuki.tickets.forms import ReplyForm, TicketForm
from tuki.tickets.models import Kind, State, Ticket
from tuki.tickets.selectors import ticket_get
from tuki.tickets.services import (
    ticket_assign,
    ticket_log_call,
    ticket_merge,
    ticket_note,
    ticket_set_priority,
    ticket_transition,
    ticket_update,
)


def _choose(text: Any) -> dict[str, Any]:
    """The same words whether the choice is missing or is not one of those offered."""
    return {"required": text, "invalid_choice": text, "invalid_pk_value": text}


class NoteForm(ReplyForm):
    def act(self) -> str:
        data = self.cleaned_data
        ticket_note(actor=self.user, ticket=self.ticket, body=data["body"], files=data["attachments"])
        return _("Note saved.")


class CallForm(TicketForm):
    caller = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        empty_label=CHOOSE,
        error_messages=_choose(gettext_lazy("Choose who called.")),
    )
    body = forms.CharField(required=False, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        callers = visible_to(self.user, Contact).filter(
            organisation_id=self.ticket.organisation_id, deactivated_at__isnull=True, user__is_active=True
        )
        self.fields["caller"].queryset = callers.select_related("user")  # type: ignore[attr-defined]

    def act(self) -> str:
        data = self.cleaned_data
        ticket_log_call(actor=self.user, ticket=self.ticket, caller=data["caller"], body=data["body"])
        return _("Call logged.")


class TransitionForm(TicketForm):
    # Every state: whether this request may move there now is the lifecycle's to say, in its own words.
    to = forms.ChoiceField(choices=State.choices, error_messages=_choose(gettext_lazy("Choose a state.")))

    def act(self) -> str:
        ticket_transition(actor=self.user, ticket=self.ticket, to=self.cleaned_data["to"])
        return ""


class PriorityForm(TicketForm):
    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, error_messages=_choose(gettext_lazy("Choose a priority."))
    )

    def act(self) -> str:
        ticket_set_priority(actor=self.user, ticket=self.ticket, priority=self.cleaned_data["priority"])
        return ""


class AssignForm(TicketForm):
    assignee = forms.ModelChoiceField(
        queryset=active_staff(),
        required=False,  # nobody
        empty_label=gettext_lazy("Nobody"),
        error_messages=_choose(gettext_lazy("Requests can be assigned only to the support staff.")),
    )

    def act(self) -> str:
        ticket_assign(actor=self.user, ticket=self.ticket, assignee=self.cleaned_data["assignee"])
        return ""


class UpdateForm(TicketForm):
    kind = forms.ChoiceField(choices=Kind.choices, error_messages=_choose(gettext_lazy("Choose a type.")))
    environment = forms.ModelChoiceField(
        queryset=Environment.objects.none(),
        required=False,
        empty_label="–",
        error_messages=_choose(gettext_lazy("Choose one of the customer's environments.")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        environments = visible_to(self.user, Environment).filter(organisation_id=self.ticket.organisation_id)
        self.fields["environment"].queryset = environments  # type: ignore[attr-defined]

    def act(self) -> str:
        data = self.cleaned_data
        ticket_update(actor=self.user, ticket=self.ticket, kind=data["kind"], environment=data["environment"])
        return ""


class MergeForm(TicketForm):
    into = forms.CharField(max_length=40, error_messages={"required": gettext_lazy("No such request.")})

    def clean_into(self) -> Ticket:
        try:
            return ticket_get(self.user, self.cleaned_data["into"])
        except Http404:
            raise ValidationError(_("No such request.")) from None

    def act(self) -> str:
        into = self.cleaned_data["into"]
        ticket_merge(actor=self.user, duplicate=self.ticket, into=into)
        self.then = into
        return _("Merged into %(identifier)s.") % {"identifier": into.identifier}


class LinkArticleForm(TicketForm):
    article = forms.ModelChoiceField(
        queryset=Article.objects.none(),
        empty_label=CHOOSE,
        error_messages=_choose(gettext_lazy("Choose a handbook article.")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = visible_to(self.user, Article)  # type: ignore[attr-defined]

    def act(self) -> str:
        ticket_link_article(actor=self.user, ticket=self.ticket, article=self.cleaned_data["article"])
        return _("Handbook article linked.")


class UnlinkArticleForm(LinkArticleForm):
    def act(self) -> str:
        ticket_unlink_article(actor=self.user, ticket=self.ticket, article=self.cleaned_data["article"])
        return _("Handbook article unlinked.")
