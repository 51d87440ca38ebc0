"""Where a webhook may be sent: the SSRF guard.

A subscription's URL is chosen by a customer, and the worker that posts to it sits inside the supplier's network.
Without a guard, ``https://169.254.169.254/`` or a name that resolves to ``127.0.0.1`` would let a customer make
the worker call the cloud's metadata service or the supplier's own internal services. So the host is resolved
here, every address it resolves to must be a public one, and the caller connects to the address checked here
(not to the name again: a second look-up could answer differently, DNS rebinding). Hosts the supplier names in
``TUKI_WEBHOOK_ALLOWED_HOSTS`` are trusted as they are, and may also be reached over plain http.

No Django: the allowed hosts are passed in, and the resolver can be.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class RefusedAddress(Exception):
    """The URL may not be delivered to; ``code`` says why (see :data:`REASONS` in the callers)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """A checked destination: connect to ``address``, and speak to ``host`` (Host header, TLS server name)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def system_resolver(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedAddress("unresolvable", str(error)) from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def refusal(address: IPAddress) -> str | None:
    """Why a connection to ``address`` is not allowed, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
            return refusal(embedded) or ("reserved" if address.teredo else None)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link_local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    )
    for name, hit in checks:
        if hit:
            return name
    # Shared address space (100.64.0.0/10), documentation and benchmarking ranges and the like.
    return None if address.is_global else "reserved"


def is_allowed_host(host: str, allowed_hosts: Collection[str]) -> bool:
    return host.lower().strip("[]") in {name.lower().strip("[]") for name in allowed_hosts}


def check_url(url: str, allowed_hosts: Collection[str], resolver: Resolver = system_resolver) -> Target:
    """Parse, resolve and check ``url``; raise :class:`RefusedAddress` if it may not be delivered to."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise RefusedAddress("malformed") from None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme not in ("https", "http") or not host:
        raise RefusedAddress("malformed")
    if parts.username is not None or parts.password is not None:
        raise RefusedAddress("credentials")
    allowed = is_allowed_host(host, allowed_hosts)
    if parts.scheme == "http" and not allowed:
        raise RefusedAddress("insecure")
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolver(host, port)
    if not addresses:
        raise RefusedAddress("unresolvable")
    if not allowed:
        for text in addresses:
            reason = refusal(ipaddress.ip_address(text.split("%")[0]))
            if reason:  # one bad answer is enough: a name that resolves to a mix is not to be trusted
                raise RefusedAddress(reason, text)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])
