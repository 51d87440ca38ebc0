"""What an agent can do on a request's page: the everyday act in one form (:class:`HandleForm`), and the rarer
ones (a call, a merge, a handbook link) one form each. A form checks what was posted and ``act`` calls the
service; it tells the agent what was done. The choices come from where the page's own lists come from, read
through the agent's scope."""

from __future__ import annotations

from typing import Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.models import Contact, User
from tuki.accounts.selectors import active_staff
from tuki.agreements.models import Priority
from tuki.core.durations import format_minutes
from tuki.core.forms import CHOOSE, MinutesField, MultipleFileField
from tuki.core.scoping import visible_to
from tuki.environments.models import Environment
from tuki.handbook.models import Article
from tuki.handbook.services import ticket_link_article, ticket_unlink_article
from tuki.tickets.forms import ReplyForm, TicketForm
from tuki.tickets.models import Kind, State, Ticket
from tuki.tickets.selectors import ticket_get
from tuki.tickets.services import (
    ticket_assign,
    ticket_handle,
    ticket_log_call,
    ticket_merge,
    ticket_note,
    ticket_set_priority,
    ticket_transition,
    ticket_update,
)
from tuki.timesheets.models import WorkKind
from tuki.timesheets.services import time_entry_log


class Step(NamedTuple):
    """A move the desk offers, named as what the agent does, and the button's words when it is chosen."""

    action: Any
    send: Any  # with a reply written
    save: Any  # with a note, or nothing written


# The staff's moves (lifecycle.TRANSITIONS says which are allowed from where), as the request page names them.
STEPS = {
    State.IN_PROGRESS: Step(
        gettext_lazy("Start working on it"),
        gettext_lazy("Send and start working"),
        gettext_lazy("Save and start working"),
    ),
    State.WAITING: Step(
        gettext_lazy("Wait for the customer"),
        gettext_lazy("Send and set waiting"),
        gettext_lazy("Save and set waiting"),
    ),
    State.RESOLVED: Step(gettext_lazy("Resolve"), gettext_lazy("Send and resolve"), gettext_lazy("Save and resolve")),
    State.CANCELLED: Step(
        gettext_lazy("Cancel the request"),
        gettext_lazy("Send and cancel"),
        gettext_lazy("Save and cancel"),
    ),
    State.REOPENED: Step(gettext_lazy("Reopen"), gettext_lazy("Send and reopen"), gettext_lazy("Save and reopen")),
}
KEEP = Step(gettext_lazy("Keep as it is"), gettext_lazy("Send"), gettext_lazy("Save"))


def state_changed(ticket: Ticket) -> str:
    return _("The state is now “%(state)s”.") % {"state": ticket.get_state_display()}


def assignee_changed(ticket: Ticket) -> str:
    if ticket.assignee is None:
        return _("The request is no longer assigned to anyone.")
    return _("Assigned to %(name)s.") % {"name": ticket.assignee.full_name}


def priority_changed(ticket: Ticket) -> str:
    return _("The priority is now “%(priority)s”.") % {"priority": ticket.get_priority_display()}


def kind_changed(ticket: Ticket) -> str:
    return _("The type is now “%(kind)s”.") % {"kind": ticket.get_kind_display()}


def environment_changed(ticket: Ticket) -> str:
    if ticket.environment is None:
        return _("The request is no longer tied to an environment.")
    return _("The environment is now “%(environment)s”.") % {"environment": ticket.environment.name}


def what_changed(before: Ticket, after: Ticket) -> list[str]:
    """The agent's confirmation: a sentence for each thing that differs, in the agent's language."""
    said = []
    if after.state != before.state:
        said.append(state_changed(after))
    if after.assignee_id != before.assignee_id:
        said.append(assignee_changed(after))
    if after.priority != before.priority:
        said.append(priority_changed(after))
    if after.kind != before.kind:
        said.append(kind_changed(after))
    if after.environment_id != before.environment_id:
        said.append(environment_changed(after))
    return said


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
        return state_changed(ticket_transition(actor=self.user, ticket=self.ticket, to=self.cleaned_data["to"]))


class PriorityForm(TicketForm):
    priority = forms.TypedChoiceField(
        choices=Priority.choices, coerce=int, error_messages=_choose(gettext_lazy("Choose a priority."))
    )

    def act(self) -> str:
        return priority_changed(
            ticket_set_priority(actor=self.user, ticket=self.ticket, priority=self.cleaned_data["priority"])
        )


class AssignForm(TicketForm):
    assignee = forms.ModelChoiceField(
        queryset=active_staff(),
        required=False,  # nobody
        empty_label=gettext_lazy("Nobody"),
        error_messages=_choose(gettext_lazy("Requests can be assigned only to the support staff.")),
    )

    def act(self) -> str:
        return assignee_changed(
            ticket_assign(actor=self.user, ticket=self.ticket, assignee=self.cleaned_data["assignee"])
        )


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
        after = ticket_update(actor=self.user, ticket=self.ticket, kind=data["kind"], environment=data["environment"])
        return " ".join(what_changed(self.ticket, after)) or _("Nothing was changed.")


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


class HandleForm(TicketForm):
    """The request page's one submit: a reply or a note, what happens next, and the request's fields.

    Every field is posted as the page shows it (the current values preselected); only what differs changes."""

    body = forms.CharField(required=False, strip=False)  # the service says what an empty message lacks
    attachments = MultipleFileField(required=False)
    audience = forms.ChoiceField(
        choices=[("reply", "reply"), ("note", "note")],
        error_messages=_choose(gettext_lazy("Choose a reply or a note.")),
    )
    # Every state, or none: whether this request may move there now is the lifecycle's to say, in its own words.
    to = forms.ChoiceField(
        choices=[("", ""), *State.choices], required=False, error_messages=_choose(gettext_lazy("Choose a state."))
    )
    assignee = AssignForm.base_fields["assignee"]
    priority = PriorityForm.base_fields["priority"]
    kind = UpdateForm.base_fields["kind"]
    environment = UpdateForm.base_fields["environment"]
    assign_to_me = forms.BooleanField(required=False)  # shown, ticked, on requests nobody has yet
    # The time the act took, logged with it: one submit for the work and its hours.
    time_spent = MinutesField(required=False)
    work_kind = forms.ChoiceField(
        choices=WorkKind.choices, required=False, error_messages=_choose(gettext_lazy("Choose the kind of work."))
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        environments = visible_to(self.user, Environment).filter(organisation_id=self.ticket.organisation_id)
        self.fields["environment"].queryset = environments  # type: ignore[attr-defined]

    def act(self) -> str:
        data = self.cleaned_data
        reply = data["audience"] == "reply"
        assignee: User | None = data["assignee"]
        with transaction.atomic():  # the time is refused with the act, and the act with the time
            after = ticket_handle(
                actor=self.user,
                ticket=self.ticket,
                body=data["body"],
                public=reply,
                files=data["attachments"],
                to=data["to"],
                assignee=assignee,
                priority=data["priority"],
                kind=data["kind"],
                environment=data["environment"],
                assign_to_me=data["assign_to_me"],
            )
            if data["time_spent"]:
                time_entry_log(
                    actor=self.user,
                    ticket=after,
                    day=timezone.localdate(),
                    minutes=data["time_spent"],
                    kind=data["work_kind"] or WorkKind.HELP_DESK,
                )
        said = what_changed(self.ticket, after)
        if data["time_spent"]:
            said.append(_("Time logged: %(time)s.") % {"time": format_minutes(data["time_spent"])})
        if data["body"].strip():
            said.insert(0, _("Reply sent.") if reply else _("Note saved."))
        return " ".join(said) or _("Nothing was changed.")
