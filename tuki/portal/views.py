"""The public part of the Customer Care Center and the logged-in Online Support Services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuki.accounts.models import BusinessUnit, Contact, Organisation
from tuki.core.permissions import contact_required
from tuki.core.scoping import visible_to


def home(request: HttpRequest) -> HttpResponse:
    """The public front page: what the service is and how to reach it. Nothing of any customer."""
    return render(request, "portal/home.html")


@contact_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context = {
        "organisation": visible_to(user, Organisation).get(),
        "contacts": visible_to(user, Contact).filter(deactivated_at__isnull=True).select_related("user"),
        "business_units": visible_to(user, BusinessUnit).filter(is_active=True),
    }
    return render(request, "portal/dashboard.html", context)
