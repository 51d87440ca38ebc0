"""The desk's forms of an environment: its details and contacts, a component, an address; and a change's fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tuki.accounts.models import Contact, Role, User
from tuki.agreements.models import Agreement
from tuki.changes.lifecycle import EDITABLE_IN
from tuki.changes.models import Change, ChangeKind
from tuki.core.scoping import visible_to
from tuki.environments.models import ComponentKind, Environment, EnvironmentKind, Lifecycle

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def staff(user: User) -> QuerySet[User]:
    """The supplier's active staff, as the desk user (staff themselves) may list them."""
    return visible_to(user, User).filter(role__in=[Role.AGENT, Role.MANAGER], is_active=True)


class EnvironmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EnvironmentKind.choices)
    lifecycle = forms.ChoiceField(
        label=_("Lifecycle state"),
        choices=Lifecycle.choices,
        help_text=_("A step without a date is dated today."),
    )
    planned_on = forms.DateField(label=_("Planned on"), required=False, widget=DATE)
    build_started_on = forms.DateField(label=_("Build started on"), required=False, widget=DATE)
    in_production_on = forms.DateField(label=_("In production since"), required=False, widget=DATE)
    retired_on = forms.DateField(label=_("Retired on"), required=False, widget=DATE)
    agreement = forms.ModelChoiceField(
        label=_("Agreement"), queryset=Agreement.objects.none(), required=False, empty_label=_("No agreement")
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea({"rows": 3}), required=False)
    customer_contacts = forms.ModelMultipleChoiceField(
        label=_("Customer's technical contacts"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    supplier_contacts = forms.ModelMultipleChoiceField(
        label=_("Supplier's technical contacts"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    CHOICE_LISTS = ("customer_contacts", "supplier_contacts")
    internal_notes = forms.CharField(
        label=_("Internal notes"),
        widget=forms.Textarea({"rows": 3}),
        required=False,
        help_text=_("Never shown to the customer."),
    )
    secrets_location = forms.CharField(
        label=_("Where the secrets are kept"),
        max_length=300,
        required=False,
        help_text=_("Never the secrets themselves: a vault's path, say. Never shown to the customer."),
    )

    def __init__(self, *args: Any, user: User, environment: Environment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_id = environment.organisation_id
        self.fields["agreement"].queryset = visible_to(user, Agreement).filter(organisation_id=organisation_id)  # type: ignore[attr-defined]
        self.fields["customer_contacts"].queryset = (  # type: ignore[attr-defined]
            visible_to(user, Contact)
            .filter(organisation_id=organisation_id, deactivated_at__isnull=True)
            .select_related("user")
        )
        self.fields["supplier_contacts"].queryset = staff(user)  # type: ignore[attr-defined]
        self.fields["customer_contacts"].label_from_instance = lambda contact: contact.user.full_name  # type: ignore[attr-defined]


def environment_initial(environment: Environment, customers: list[Contact], suppliers: list[User]) -> dict[str, Any]:
    fields = ["name", "kind", "lifecycle", "planned_on", "build_started_on", "in_production_on", "retired_on"]
    initial: dict[str, Any] = {field: getattr(environment, field) for field in fields}
    return initial | {
        "agreement": environment.agreement_id,
        "description": environment.description,
        "internal_notes": environment.internal_notes,
        "secrets_location": environment.secrets_location,
        "customer_contacts": [contact.pk for contact in customers],
        "supplier_contacts": [user.pk for user in suppliers],
    }


class ComponentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ComponentKind.choices)
    version = forms.CharField(label=_("Version"), max_length=100, required=False, strip=False)


class AddressForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100, help_text=_("For example “Public site” or “Admin”."))
    address = forms.CharField(label=_("URL or host name"), max_length=300, strip=False)


class ChangeEditForm(forms.Form):
    """The fields of a change that its state still lets change (:data:`tuki.changes.lifecycle.EDITABLE_IN`)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ChangeKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea({"rows": 3}), required=False)
    planned_start = forms.DateTimeField(label=_("Planned start"), required=False, widget=DATETIME)
    planned_end = forms.DateTimeField(label=_("Planned end"), required=False, widget=DATETIME)
    implementer = forms.ModelChoiceField(
        label=_("Implementer"), queryset=User.objects.none(), required=False, empty_label=_("Nobody yet")
    )
    risk = forms.CharField(label=_("Risk"), widget=forms.Textarea({"rows": 2}), required=False)
    impact = forms.CharField(label=_("Impact"), widget=forms.Textarea({"rows": 2}), required=False)
    rollback_plan = forms.CharField(label=_("Rollback plan"), widget=forms.Textarea({"rows": 2}), required=False)
    actual_start = forms.DateTimeField(label=_("Actual start"), required=False, widget=DATETIME)
    actual_end = forms.DateTimeField(label=_("Actual end"), required=False, widget=DATETIME)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea({"rows": 2}), required=False)

    def __init__(self, *args: Any, user: User, change: Change, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {field: getattr(change, field) for field in EDITABLE_IN} | {"implementer": change.implementer_id}
        )
        super().__init__(*args, **kwargs)
        # Only what may still change is offered; the service refuses the rest anyway.
        for name in list(self.fields):
            if change.state not in EDITABLE_IN[name]:
                del self.fields[name]
        if "implementer" in self.fields:
            self.fields["implementer"].queryset = staff(user)  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        """The fields the user changed. A time is shown to the minute: one posted back unchanged is no change,
        though the stored one has seconds (an implementation records the moment it was marked)."""
        found: dict[str, Any] = {}
        for name in self.changed_data:
            value, before = self.cleaned_data[name], self.initial.get(name)
            if isinstance(value, datetime) and isinstance(before, datetime):
                if value == before.replace(second=0, microsecond=0):
                    continue
            found[name] = value
        return found
