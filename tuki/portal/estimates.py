"""The customer's approval step of additional work: an estimate's figures in full, and for a customer manager the
approval with a cost split by business unit, or the decline with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuki.accounts.auth import acting_user
from tuki.accounts.models import BusinessUnit
from tuki.core.forms import add_refusal
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to
from tuki.timesheets.forms import EstimateDecisionForm
from tuki.timesheets.models import EstimateState
from tuki.timesheets.selectors import estimate_for
from tuki.timesheets.services import estimate_approve, estimate_decline, estimate_split


@contact_required
def estimate_page(request: HttpRequest, estimate_id: int) -> HttpResponse:
    user = acting_user(request)
    estimate = estimate_for(user, estimate_id)
    contact = user.contact
    units = visible_to(user, BusinessUnit).filter(organisation_id=estimate.ticket.organisation_id, is_active=True)
    current = {share.business_unit_id: share.percent for share in estimate.shares.all()}
    if not current and estimate.ticket.business_unit_id is not None:
        current = {estimate.ticket.business_unit_id: 100}
    may_decide = contact.is_customer_manager
    form = EstimateDecisionForm(
        request.POST if request.method == "POST" and may_decide else None,
        units=list(units),
        initial_split=current,
        initial={"version": estimate.version},
    )
    if request.method == "POST" and may_decide and form.is_valid():
        step = request.POST.get("step")
        version = form.cleaned_data["version"]
        try:
            if step == "decline":
                estimate_decline(actor=user, estimate=estimate, version=version, reason=form.cleaned_data["reason"])
                messages.success(request, _("The estimate is declined; the supplier has been told why."))
            elif step == "split":
                estimate_split(actor=user, estimate=estimate, split=form.split())
                messages.success(request, _("The split of the additional costs is saved."))
            else:
                estimate_approve(actor=user, estimate=estimate, version=version, split=form.split())
                messages.success(request, _("The estimate is approved; the supplier may start the work."))
        except (ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            return redirect("portal:estimate", estimate_id=estimate.pk)
    context: dict[str, Any] = {
        "estimate": estimate,
        "form": form,
        "may_decide": may_decide,
        "waiting": estimate.state == EstimateState.PROPOSED,
        "shares": list(estimate.shares.select_related("business_unit")),
    }
    return render(request, "portal/estimate.html", context, status=400 if form.errors else 200)
