"""The agents' desk: every customer's work, for the supplier's staff."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuki.accounts.models import Organisation
from tuki.core.permissions import staff_required
from tuki.core.scoping import visible_to


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    organisations = (
        visible_to(user, Organisation)
        .filter(is_active=True)
        .annotate(
            unit_count=Count("business_units", filter=Q(business_units__is_active=True), distinct=True),
            contact_count=Count("contacts", filter=Q(contacts__deactivated_at__isnull=True), distinct=True),
        )
    )
    return render(request, "desk/home.html", {"organisations": list(organisations)})
