"""The calendar feed of the customer's changes: the contact's secret link (made, shown once, revoked) and the feed
itself, which calendar programs fetch without logging in.

The token travels in the query string, not the path: Django logs the path of a 404 and gunicorn's access log is
set to log paths only (scripts/run.sh), so no log line carries a token. A proxy in front must do the same.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from tuki.accounts.auth import acting_user
from tuki.accounts.models import User
from tuki.changes.ical import Event, calendar
from tuki.changes.models import CalendarLink, Change, ChangeState
from tuki.changes.schedule import feed_changes
from tuki.changes.services import calendar_link_create, calendar_link_open, calendar_link_revoke
from tuki.core import ratelimit
from tuki.core.client_address import client_address
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to
from tuki.mail.threading import mail_domain

# Wrong tokens from one address before it must wait: enough for a mistyped link, far too few to guess one.
FAILURES_ALLOWED = 20
FAILURE_WINDOW_SECONDS = 600

STATUS = {
    ChangeState.SCHEDULED: "CONFIRMED",
    ChangeState.IMPLEMENTED: "CONFIRMED",
    ChangeState.VERIFIED: "CONFIRMED",
    ChangeState.ROLLED_BACK: "CONFIRMED",
}


def feed_url(token: str) -> str:
    return f"{settings.TUKI_BASE_URL}{reverse('portal:change_feed')}?token={token}"


def _settings_page(request: HttpRequest, user: User, token: str = "") -> HttpResponse:
    context = {
        "link": visible_to(user, CalendarLink).first(),
        "feed_url": feed_url(token) if token else "",
    }
    return render(request, "portal/calendar_link.html", context)


@contact_required
@require_GET
def calendar_link(request: HttpRequest) -> HttpResponse:
    return _settings_page(request, acting_user(request))


@contact_required
@require_POST
def calendar_link_change(request: HttpRequest) -> HttpResponse:
    """Make a new link (shown on this one answer only) or revoke the one there is."""
    user = acting_user(request)
    if request.POST.get("action") == "revoke":
        if calendar_link_revoke(actor=user):
            messages.success(request, _("The calendar link is revoked: it no longer opens the feed."))
        return redirect("portal:calendar_link")
    token = calendar_link_create(actor=user)
    messages.success(request, _("A new calendar link is made. Any earlier link stopped working."))
    response = _settings_page(request, user, token)
    response["Cache-Control"] = "no-store"  # the page holds the secret: no copy in any cache
    return response


def _event(change: Change, base: str) -> Event:
    environments = ", ".join(environment.name for environment in change.environments.all())
    start = change.planned_start or change.actual_start or change.created_at
    end = change.planned_end if change.planned_start else change.actual_end
    lines = [
        f"{change.identifier}: {change.title}",
        _("State: %(state)s") % {"state": change.get_state_display()},
        _("Kind: %(kind)s") % {"kind": change.get_kind_display()},
        _("Environments: %(names)s") % {"names": environments},
    ]
    if change.description:
        lines += ["", change.description]
    url = base + reverse("portal:change", args=[change.identifier])
    lines += ["", url]
    return Event(
        uid=f"{change.identifier.lower()}@{mail_domain()}",
        start=start,
        end=end,
        summary=f"{change.identifier} {change.title} ({change.get_state_display()})",
        description="\n".join(lines),
        location=environments,
        url=url,
        status=STATUS.get(ChangeState(change.state), "TENTATIVE"),
        categories=(str(change.get_kind_display()),),
    )


@require_safe  # calendar programs may ask with HEAD first
def change_feed(request: HttpRequest) -> HttpResponse:
    """The feed of one contact's organisation's changes, opened by the token of their link alone."""
    failures = f"feed:fail:{client_address(request)}"
    if ratelimit.count(failures, window_seconds=FAILURE_WINDOW_SECONDS) >= FAILURES_ALLOWED:
        return HttpResponse(status=429, headers={"Retry-After": str(FAILURE_WINDOW_SECONDS)})
    link = calendar_link_open(request.GET.get("token", ""))
    if link is None:
        ratelimit.hit(failures, limit=FAILURES_ALLOWED, window_seconds=FAILURE_WINDOW_SECONDS)
        return HttpResponse(status=404, content_type="text/plain")
    contact = link.contact
    if not contact.is_active or not contact.organisation.is_active:
        # The person has left: the link was real, and is gone for good.
        return HttpResponse(status=410, content_type="text/plain")
    user = contact.user
    now = timezone.now()
    with translation.override(user.language):
        events = [_event(change, settings.TUKI_BASE_URL) for change in feed_changes(user, now=now)]
        name = _("Changes: %(customer)s") % {"customer": contact.organisation.name}
        body = calendar(events, product=f"-//{settings.TUKI_SUPPLIER_NAME}//Tuki//EN", name=name, stamp=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="changes.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
