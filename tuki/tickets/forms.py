"""The forms both faces put on a request's page: each acts on one request as the person who posted it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from tuki.accounts.models import User
from tuki.core.forms import ActionForm, MultipleFileField
from tuki.tickets.models import Ticket
from tuki.tickets.services import ticket_reply


def submission_key_field() -> forms.CharField:
    """The hidden key that makes a form submitted twice file one request (see ``ticket_create``)."""
    longest = Ticket._meta.get_field("submission_key").max_length
    return forms.CharField(widget=forms.HiddenInput, max_length=longest)


class TicketForm(ActionForm):
    def __init__(self, *args: Any, user: User, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.ticket = ticket
        self.then = ticket  # the request the person sees next


class ReplyForm(TicketForm):
    # Not required and not stripped: the service says what an empty message lacks, and Markdown keeps its indents.
    body = forms.CharField(required=False, strip=False)
    attachments = MultipleFileField(required=False)
    assign_to_me = forms.BooleanField(required=False)  # on the desk's form only; the service ignores a contact's
    done = gettext_lazy("Reply sent.")

    def act(self) -> str:
        data = self.cleaned_data
        ticket_reply(
            actor=self.user,
            ticket=self.ticket,
            body=data["body"],
            files=data["attachments"],
            assign_to_me=data["assign_to_me"],
        )
        return str(self.done)
