"""Phone: an agent logs a call as a new request on behalf of a named contact."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuki.accounts.auth import acting_user
from tuki.accounts.models import Contact, User
from tuki.agreements.models import Agreement, Priority
from tuki.core.errors import Refusal
from tuki.core.forms import CHOOSE, add_refusal
from tuki.core.permissions import staff_required
from tuki.core.scoping import visible_to
from tuki.tickets.forms import submission_key_field
from tuki.tickets.models import Channel, Kind
from tuki.tickets.services import ticket_create


def callable_contacts(user: User) -> QuerySet[Contact]:
    """Active named contacts, among those ``user`` may see, of customers with an agreement in force today."""
    today = timezone.localdate()
    in_force = visible_to(user, Agreement.objects.in_force(today)).filter(organisation=OuterRef("organisation"))
    return (
        visible_to(user, Contact)
        .filter(deactivated_at__isnull=True, user__is_active=True)
        .filter(Exists(in_force))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


class PhoneRequestForm(forms.Form):
    requester = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        label=gettext_lazy("Caller"),
        empty_label=CHOOSE,
        help_text=gettext_lazy("Only named contact persons of customers with an agreement in force."),
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    description = forms.CharField(label=gettext_lazy("What the caller said"), widget=forms.Textarea(attrs={"rows": 6}))
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Kind.choices)
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    submission_key = submission_key_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = callable_contacts(user)  # type: ignore[attr-defined]
        self.fields["requester"].label_from_instance = lambda c: f"{c.user.full_name} – {c.organisation.name}"  # type: ignore[attr-defined]


@staff_required
def phone_request(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = PhoneRequestForm(request.POST or None, user=user, initial={"submission_key": secrets.token_urlsafe(24)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_create(
                actor=user,
                requester=data["requester"],
                subject=data["subject"],
                description=data["description"],
                kind=data["kind"],
                priority=data["priority"],
                channel=Channel.PHONE,
                submission_key=data["submission_key"],
            )
        except (Refusal, ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Phone request %(identifier)s logged.") % {"identifier": ticket.identifier})
            return redirect("desk:ticket", identifier=ticket.identifier)
    return render(request, "desk/phone.html", {"form": form})
