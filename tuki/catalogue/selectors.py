"""Reads for the public pages. They touch service descriptions only: nothing of any customer."""

from __future__ import annotations

from django.http import Http404

from tuki.catalogue.models import ServiceDescription, ServiceText


def published_services(language: str | None = None) -> list[ServiceText]:
    """Every published service description in ``language`` (the active one by default), in catalogue order."""
    return [service.in_language(language) for service in ServiceDescription.objects.published()]


def published_service(slug: str, language: str | None = None) -> ServiceText:
    """One published service description; an unpublished or unknown one is a 404 like any missing page."""
    service = ServiceDescription.objects.published().filter(slug=slug).first()
    if service is None:
        raise Http404("No such service description.")
    return service.in_language(language)
