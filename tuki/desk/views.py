"""The agents' desk: queues of every customer's requests, for the supplier's staff."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuki.accounts.auth import acting_user
from tuki.accounts.forms import settings_of
from tuki.accounts.models import Organisation
from tuki.accounts.selectors import customer_choices, staff_choices
from tuki.accounts.services import user_update_preferences
from tuki.agreements.models import Priority
from tuki.core.forms import add_refusal, perform
from tuki.core.options import select_options
from tuki.core.permissions import staff_required
from tuki.core.redirects import safe_next
from tuki.core.scoping import visible_to
from tuki.desk.forms import BulkForm, PreferencesForm, QueueFilterForm
from tuki.desk.queue_table import queue_rows
from tuki.environments.selectors import environment_choices, environment_choices_by_customer
from tuki.reports.comparison import month_so_far, overall
from tuki.reports.selectors import open_failures
from tuki.sla.explain import STATE_LABELS
from tuki.sla.presentation import sla_rows
from tuki.tickets.models import Kind, State
from tuki.tickets.queues import QUEUES, SLA_FILTERS, SORT_LABELS, queue_counts, queue_page
from tuki.tickets.search import identified

QUERY_KEYS = tuple(name for name in QueueFilterForm.base_fields if name != "page")  # what a queue's links keep


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    now = timezone.now()
    params = QueueFilterForm(request.GET).params()
    params["queue"] = params["queue"] or "open"
    if params["q"] and (named := identified(user, params["q"])) is not None:
        return redirect("desk:ticket", identifier=named.identifier)  # a search for an identifier opens it
    if params["q"] and not params["sort"]:
        params["sort"] = "relevance"  # what the page is sorted by, shown as chosen
    page = queue_page(user, params, now)
    rows = sla_rows(page.tickets, now)
    kept = {key: params[key] for key in QUERY_KEYS if params[key] and key != "queue"}
    counts = queue_counts(user, now)
    staff = staff_choices()
    context = {
        "rows": rows,
        "table_rows": queue_rows(rows, page.snippets),
        "page": page,
        "params": params,
        "queues": [(key, label, counts.get(key)) for key, label in QUEUES.items()],
        "queue_query": urlencode(kept),
        "page_query": urlencode({**kept, "queue": params["queue"]}),
        "options": _filter_options(params, staff),
        "bulk_options": {"assignee": select_options(staff), "state": select_options(State.choices)},
        "filtered": any(params[key] for key in QUERY_KEYS if key not in ("queue", "sort")),
    }
    if user.is_manager:  # the month so far, for the supplier's managers
        month = timezone.localdate(now).replace(day=1)
        so_far = month_so_far(month)
        context |= {"so_far": overall(so_far) if so_far is not None else None, "so_far_month": month}
        context |= {"so_far_shown": True, "report_failures": list(open_failures()[:10])}
    return render(request, "desk/home.html", context)


def _filter_options(params: dict[str, str], staff: list[tuple[int, str]]) -> dict[str, SafeString]:
    """The filters' options, the chosen ones selected."""
    # The supplier's staff see every customer and environment: the lists are kept per process, not read each time.
    organisations = customer_choices()
    by_customer = environment_choices_by_customer()
    environments = [
        (pk, f"{organisation}: {name}")
        for organisation_id, organisation in customer_choices(active_only=False)
        for pk, name in by_customer.get(organisation_id, ())
    ]
    assignees = [("none", _("Nobody")), *staff]
    lists: dict[str, Any] = {
        "organisation": organisations,
        "state": State.choices,
        "priority": Priority.choices,
        "kind": Kind.choices,
        "assignee": assignees,
        "environment": environments,
        "sla": [(key, STATE_LABELS[key]) for key in SLA_FILTERS],
        "sort": SORT_LABELS.items(),
    }
    return {key: select_options(choices, params[key]) for key, choices in lists.items()}


@staff_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Assign or move the requests ticked in a queue, then back to the same queue."""
    form = BulkForm(request.POST, user=acting_user(request))
    perform(request, form)
    for text in form.failed:
        messages.error(request, text)
    return redirect(safe_next(request, reverse("desk:home")))


@staff_required
def customers(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    organisations = (
        visible_to(user, Organisation)
        .filter(is_active=True)
        .annotate(
            unit_count=Count("business_units", filter=Q(business_units__is_active=True), distinct=True),
            contact_count=Count("contacts", filter=Q(contacts__deactivated_at__isnull=True), distinct=True),
        )
    )
    found = list(organisations)
    # Each customer's environments from the per-process list of them: no query per customer.
    rows = [(organisation, environment_choices(organisation.pk)) for organisation in found]
    return render(request, "desk/customers.html", {"organisations": found, "rows": rows})


@staff_required
def preferences(request: HttpRequest) -> HttpResponse:
    """How an agent hears of SLA warnings: on duty or not, one mail each or an hourly digest."""
    user = acting_user(request)
    form = PreferencesForm(request.POST or None, initial=settings_of(user, PreferencesForm))
    if request.method == "POST" and form.is_valid():
        try:
            user_update_preferences(actor=user, user=user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("desk:preferences")
    return render(request, "desk/preferences.html", {"form": form})
