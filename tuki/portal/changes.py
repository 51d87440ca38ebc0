"""The customer's environments with their timelines, and their changes: approval of a normal change by a customer
manager, acknowledgement of an emergency change afterwards."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.accounts.models import User
from tuki.changes.lifecycle import allowed_moves, may_acknowledge, role_of
from tuki.changes.models import ChangeState
from tuki.changes.schedule import upcoming_windows, waiting_for_customer
from tuki.changes.selectors import change_get, change_history, environment_get, environment_timeline
from tuki.changes.services import change_acknowledge, change_transition
from tuki.core.errors import Refusal
from tuki.core.forms import refusal_text
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to
from tuki.environments.models import Environment
from tuki.environments.selectors import environment_card
from tuki.portal.timeline_rows import timeline_rows

# Timeline entries shown at first.
TIMELINE_PAGE = 50


def changes_ahead(user: User) -> dict[str, object]:
    """What the environments page and the overview show of changes: upcoming windows, and what waits for the
    customer's word (put to customer managers as theirs to give, to other contacts as theirs to follow)."""
    contact = getattr(user, "contact", None)
    return {
        "windows": upcoming_windows(user),
        "waiting_changes": waiting_for_customer(user),
        "is_customer_manager": bool(contact and contact.is_customer_manager),
    }


@contact_required
def environments(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    context = {
        "environments": visible_to(user, Environment).prefetch_related("components"),
        **changes_ahead(user),
    }
    return render(request, "portal/environments.html", context)


@contact_required
def environment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    environment = environment_get(user, pk)
    # The newest entries first; the whole life on request (an environment may have hundreds of changes).
    whole = request.GET.get("timeline") == "all"
    timeline = environment_timeline(user, environment, limit=None if whole else TIMELINE_PAGE + 1)
    context = {
        "environment": environment,
        # Its components, addresses and technical contacts (the supplier's by name and address only).
        "card": environment_card(user, environment),
        "timeline": timeline_rows(timeline if whole else timeline[:TIMELINE_PAGE]),
        "older": not whole and len(timeline) > TIMELINE_PAGE,
        # This page names no window's environments: it is the environment's own page.
        "windows": upcoming_windows(user, environment_id=environment.pk).prefetch_related(None),
    }
    return render(request, "portal/environment.html", context)


@contact_required
def change_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    user = acting_user(request)
    change = change_get(user, identifier)
    role = role_of(user, change)
    context = {
        "change": change,
        "moves": allowed_moves(role, change),
        "may_acknowledge": may_acknowledge(role, change),
        "touched": change.touched.select_related("component__environment"),
        "environments": visible_to(user, Environment).filter(changes=change),
        "history": change_history(user, change),
    }
    return render(request, "portal/change.html", context)


@contact_required
@require_POST
def change_decide(request: HttpRequest, identifier: str) -> HttpResponse:
    """A customer manager's approval or refusal of a normal change, or acknowledgement of an emergency one."""
    user = acting_user(request)
    change = change_get(user, identifier)
    target = request.POST.get("to", "")
    try:
        if target == "acknowledged":
            change_acknowledge(actor=user, change=change)
            messages.success(request, _("You have acknowledged %(change)s.") % {"change": change.identifier})
        elif target in (ChangeState.APPROVED, ChangeState.DECLINED):
            change_transition(actor=user, change=change, to=target)
            messages.success(
                request,
                _("%(change)s is now “%(state)s”.") % {"change": change.identifier, "state": ChangeState(target).label},
            )
        else:
            messages.error(request, _("Choose a move of the change."))
    except (Refusal, ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    return redirect("portal:change", change.identifier)
