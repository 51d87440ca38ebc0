"""The agent's timer on a request: start, pause, resume and stop as plain forms that post and go back to the
request, and the stopped time confirmed as a time entry (prefilled, editable) or discarded."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.core.client_address import client_address
from tuki.core.forms import add_refusal, refusal_text
from tuki.core.permissions import staff_required
from tuki.tickets.selectors import ticket_for_action
from tuki.timesheets import stopwatch
from tuki.timesheets.forms import TimeEntryForm, TimerStartForm
from tuki.timesheets.models import Timer
from tuki.timesheets.selectors import timer_for
from tuki.timesheets.services import (
    timer_discard,
    timer_log,
    timer_pause,
    timer_resume,
    timer_start,
    timer_stop,
)
from tuki.timesheets.templatetags.timesheets import hours_minutes
from tuki.timesheets.terms import allowed_kinds


def timer_start_fields(kinds: list[str] | None) -> SafeString:
    """The fields of the request page's "start the timer" form, as HTML: the same for every request whose agreement
    allows the same kinds of work, so each process renders them once per language and set of kinds (a form's
    fields through the widget templates cost more than the rest of the timer's card)."""
    return _start_fields(get_language() or "", tuple(kinds) if kinds is not None else None)


@lru_cache(maxsize=64)
def _start_fields(language: str, kinds: tuple[str, ...] | None) -> SafeString:
    form = TimerStartForm(kinds=list(kinds) if kinds is not None else None, prefix="start")
    html = "".join(render_to_string("includes/field.html", {"field": form[name]}) for name in ("kind", "description"))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped it


def timer_entry_form(timer: Timer, data: Any = None) -> TimeEntryForm:
    """The stopped timer's entry as the agent is asked to confirm it: the day it stopped, its minutes rounded up,
    and what the agent said when starting it."""
    ticket = timer.ticket
    kinds = allowed_kinds(ticket.agreement) if ticket.agreement is not None else None
    initial = {
        "day": timezone.localdate(timer.stopped_at or timezone.now()),
        "minutes": stopwatch.minutes_to_log(timer.banked_seconds),
        "kind": timer.kind,
        "description": timer.description,
        "internal_note": timer.internal_note,
    }
    return TimeEntryForm(data, kinds=kinds, initial=initial, prefix="timer")


def _back(timer_or_identifier: Timer | str) -> str:
    identifier = timer_or_identifier if isinstance(timer_or_identifier, str) else timer_or_identifier.ticket.identifier
    return reverse("desk:ticket", args=[identifier]) + "#timer-title"


def _tell_paused(request: HttpRequest, paused: Timer | None) -> None:
    if paused is not None:
        messages.info(request, _("Your timer on %(request)s is paused.") % {"request": paused.ticket.identifier})


@staff_required
@require_POST
def timer_start_view(request: HttpRequest, identifier: str) -> HttpResponse:
    user = acting_user(request)
    ticket = ticket_for_action(user, identifier)
    kinds = allowed_kinds(ticket.agreement) if ticket.agreement is not None else None
    form = TimerStartForm(request.POST, kinds=kinds, prefix="start")
    if not form.is_valid():
        for problems in form.errors.values():
            for text in problems:
                messages.error(request, str(text))
        return redirect(_back(identifier))
    try:
        _timer, paused = timer_start(actor=user, ticket=ticket, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The timer is running."))
        _tell_paused(request, paused)
    return redirect(_back(identifier))


@staff_required
@require_POST
def timer_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Pause, resume, stop or discard: the address says which."""
    user = acting_user(request)
    timer = timer_for(user, pk)
    try:
        if move == "pause":
            timer_pause(actor=user, timer=timer)
            messages.success(request, _("The timer is paused."))
        elif move == "resume":
            _timer, paused = timer_resume(actor=user, timer=timer)
            messages.success(request, _("The timer is running."))
            _tell_paused(request, paused)
        elif move == "stop":
            stopped = timer_stop(actor=user, timer=timer)
            messages.success(
                request,
                _("The timer is stopped at %(time)s. Check the entry and log it, or discard it.")
                % {"time": hours_minutes(stopwatch.minutes_to_log(stopped.banked_seconds))},
            )
        else:
            timer_discard(actor=user, timer=timer)
            messages.success(request, _("The timer's time is discarded; nothing was logged."))
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    return redirect(_back(timer))


@staff_required
def timer_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The stopped timer's entry: prefilled; the agent confirms it, perhaps edited. A refusal shows here, with what
    the agent typed."""
    user = acting_user(request)
    timer = timer_for(user, pk)
    form = timer_entry_form(timer, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = timer_log(actor=user, timer=timer, address=client_address(request), **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(time)s logged on %(request)s.")
                % {"time": hours_minutes(entry.minutes), "request": timer.ticket.identifier},
            )
            return redirect("desk:ticket", identifier=timer.ticket.identifier)
    context = {"timer": timer, "ticket": timer.ticket, "timer_form": form}
    return render(request, "desk/timer_log.html", context, status=400 if form.errors else 200)
