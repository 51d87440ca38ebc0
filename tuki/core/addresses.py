"""The address a request came from: the one place that reads it, so that trusting a proxy is changed here only."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address as the server saw it; "" when the server did not say."""
    address: str = request.META.get("REMOTE_ADDR", "") or ""
    return address
