"""The one place that decides what a user may see.

Every view, API call, search, export and report starts its query with :func:`visible_to`. A model takes
part by naming the path from itself to its customer organisation in ``ORGANISATION_PATH`` (for example
``"organisation"`` or ``"request__organisation"``), or, when it is shared between customers, with a
``scope_for_organisation(queryset, organisation_id)`` classmethod; a model may narrow further for contacts with a
``scope_for_contact(queryset, user)`` classmethod (say, to hide internal notes). A model that hangs off another
(a request's events, attachments and links) names that relation in ``VISIBLE_WITH`` instead: it is visible exactly
when its parent is, by the parent's whole rule, so narrowing the parent narrows everything hanging off it. A model
without a rule is refused for contacts, so forgetting the rule fails closed rather than open.
"""

from __future__ import annotations

from typing import TypeVar, overload

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)
Viewer = AbstractBaseUser | AnonymousUser | None  # core knows Django's user types, not Tuki's own


@overload
def visible_to(user: Viewer, subject: type[M]) -> QuerySet[M]: ...
@overload
def visible_to(user: Viewer, subject: QuerySet[M]) -> QuerySet[M]: ...


def visible_to(user: Viewer, subject: type[M] | QuerySet[M]) -> QuerySet[M]:
    """Narrow ``subject`` (a model or a queryset) to what ``user`` may see."""
    queryset: QuerySet[M] = subject if isinstance(subject, QuerySet) else subject._default_manager.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if getattr(user, "is_supplier_staff", False):
        return queryset
    organisation_id = _contact_organisation_id(user)
    if organisation_id is None:
        return queryset.none()
    parent = getattr(queryset.model, "VISIBLE_WITH", None)
    path = getattr(queryset.model, "ORGANISATION_PATH", None)
    by_organisation = getattr(queryset.model, "scope_for_organisation", None)
    if parent:
        parent_model = queryset.model._meta.get_field(parent).related_model
        if not isinstance(parent_model, type):
            raise TypeError(f"{queryset.model.__name__}.VISIBLE_WITH must name a relation to another model.")
        queryset = queryset.filter(**{f"{parent}__in": visible_to(user, parent_model).values("pk")})
    elif path:
        queryset = queryset.filter(**{path: organisation_id})
    elif by_organisation is not None:
        # Objects shared between customers (a handbook article for several of them) say so themselves.
        queryset = by_organisation(queryset, organisation_id)
    else:
        raise TypeError(
            f"{queryset.model.__name__} has no ORGANISATION_PATH or VISIBLE_WITH; contacts cannot be scoped to it."
        )
    narrow = getattr(queryset.model, "scope_for_contact", None)
    return narrow(queryset, user) if narrow else queryset


def get_visible_or_404(user: Viewer, subject: type[M] | QuerySet[M], **lookup: object) -> M:
    """Fetch one object through the user's scope; what the user may not see does not exist (404)."""
    queryset = visible_to(user, subject)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None


def _contact_organisation_id(user: Viewer) -> int | None:
    contact = getattr(user, "contact", None)
    if contact is None or contact.deactivated_at is not None:
        return None
    organisation_id: int = contact.organisation_id
    return organisation_id
