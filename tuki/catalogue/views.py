"""The public service catalogue and how to reach support. Open to everyone; nothing of any customer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuki.catalogue.selectors import published_service, published_services


def service_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/service_list.html", {"services": published_services()})


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = published_service(slug)
    others = [other for other in published_services() if other.slug != service.slug]
    return render(request, "catalogue/service_detail.html", {"service": service, "others": others})


def contact(request: HttpRequest) -> HttpResponse:
    """How to reach support: phone, email, the portal, service hours, critical faults and on-call."""
    return render(request, "catalogue/contact.html")
