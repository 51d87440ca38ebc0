"""Organisations, their business units and named contacts: the staff see every customer's, a contact their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from tuki.accounts.models import BusinessUnit, Contact, Organisation
from tuki.api.auth import caller
from tuki.api.listing import Window, window
from tuki.api.schemas import errors
from tuki.core.scoping import get_visible_or_404, visible_to

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    business_id: str
    is_active: bool


class BusinessUnitOut(Schema):
    id: int
    organisation: int
    name: str
    cost_centre: str
    is_active: bool


class ContactOut(Schema):
    id: int
    organisation: int
    business_unit: int | None
    name: str
    email: str
    phone: str
    job_title: str
    is_customer_manager: bool
    is_active: bool


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "organisation": contact.organisation_id,
        "business_unit": contact.business_unit_id,
        "name": contact.user.full_name,
        "email": contact.user.email,
        "phone": contact.phone,
        "job_title": contact.job_title,
        "is_customer_manager": contact.is_customer_manager,
        "is_active": contact.is_active,
    }


def _unit(unit: BusinessUnit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "organisation": unit.organisation_id,
        "name": unit.name,
        "cost_centre": unit.cost_centre,
        "is_active": unit.is_active,
    }


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **errors()},
    summary="List organisations",
    description="Every customer for the staff; a contact's own organisation for a contact.",
)
def organisation_list(request: HttpRequest, params: Query[Window]) -> list[Organisation]:
    return window(visible_to(caller(request), Organisation), params)


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **errors(404)},
    summary="Read an organisation",
    description="One customer organisation.",
)
def organisation_read(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_visible_or_404(caller(request), Organisation, pk=organisation_id)


@router.get(
    "/organisations/{organisation_id}/business-units",
    response={200: list[BusinessUnitOut], **errors(404)},
    summary="List an organisation's business units",
    description="The parts of a customer that costs are split by.",
)
def business_unit_list(request: HttpRequest, organisation_id: int, params: Query[Window]) -> list[dict[str, Any]]:
    user = caller(request)
    organisation = get_visible_or_404(user, Organisation, pk=organisation_id)
    units = visible_to(user, BusinessUnit).filter(organisation=organisation)
    return [_unit(unit) for unit in window(units, params)]


@router.get(
    "/organisations/{organisation_id}/contacts",
    response={200: list[ContactOut], **errors(404)},
    summary="List an organisation's named contacts",
    description="The customer's named contact persons.",
)
def contact_list(request: HttpRequest, organisation_id: int, params: Query[Window]) -> list[dict[str, Any]]:
    user = caller(request)
    organisation = get_visible_or_404(user, Organisation, pk=organisation_id)
    contacts = visible_to(user, Contact).filter(organisation=organisation).select_related("user")
    return [_contact(contact) for contact in window(contacts, params)]


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **errors(404)},
    summary="Read a named contact",
    description="One named contact person (a contact id, as in a request's `requester`).",
)
def contact_read(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    user = caller(request)
    return _contact(get_visible_or_404(user, Contact.objects.select_related("user"), pk=contact_id))
