"""The address a request came from: the one place that decides it, for the lockout, rate limits and logs.

Without a proxy in front, REMOTE_ADDR is the client and X-Forwarded-For is whatever the client chose to send,
so it is ignored. Behind proxies (``TUKI_BEHIND_PROXY``) each proxy appends the address it was reached from;
with ``TUKI_TRUSTED_PROXIES`` of them, the entry that many places from the right was written by the outermost
of ours about the client. Anything left of it is the client's own text, so taking the left-most entry (as many
guides do) would let anyone choose their address and dodge every limit or frame someone else.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return ""


def forwarded_client(forwarded_for: str, *, proxies: int) -> str:
    """The client's address in an X-Forwarded-For value written through ``proxies`` trusted proxies; "" if none.

    A header shorter than the chain was written by our proxies only (a client can only add on the left), so
    its left-most entry is the best there is.
    """
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    if not entries:
        return ""
    return _valid(entries[-proxies] if len(entries) >= proxies else entries[0])


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text ("" if the request carries none that parses)."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    if not settings.TUKI_BEHIND_PROXY:
        return remote
    forwarded = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), proxies=settings.TUKI_TRUSTED_PROXIES)
    return forwarded or remote
