"""Whether an inbound message really comes from the domain in its From address.

Two ways, chosen by the operator (``TUKI_MAIL_AUTHSERV_ID``, see the README):

* a trusted receiving server has checked the mail and says so in an ``Authentication-Results`` header
  (RFC 8601). Only the topmost such header with the configured authserv-id counts: anything below it, and any
  header with another id, may have been written by the sender. The server must remove headers that claim its
  id from incoming mail (Postfix with OpenDKIM/OpenDMARC and rspamd do);
* with no trusted server, Tuki verifies the DKIM signatures itself (dkimpy).

Either way the signing domain must be aligned with the From domain, DMARC's rule: the same domain, or one a
subdomain of the other. (DMARC's relaxed rule compares organisational domains through the public suffix list;
without it we accept only a parent or a child, never siblings, which is stricter, never looser.)

Pure: no database, no settings; the DNS look-up is passed in (dkimpy's ``dnsfunc``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

DnsLookup = Callable[..., bytes | None]

MAX_SIGNATURES = 5  # each one may cost a DNS look-up and an RSA verification
HEADER_PEEK_BYTES = 256 * 1024

_RESULT = re.compile(r'([A-Za-z0-9_\-./]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;]+)')


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str  # what passed, or why not; kept on the inbound record for the agents


def authenticate(raw: bytes, from_address: str, *, authserv_id: str, dnsfunc: DnsLookup | None = None) -> Verdict:
    """Whether ``raw`` comes from the domain of ``from_address``: by the trusted server's word, or by DKIM."""
    domain = _domain(from_address)
    if not domain:
        return Verdict(False, "no sender address")
    headers = _headers(raw)
    if headers is None:
        return Verdict(False, "unreadable headers")
    if len(headers.get_all("from") or []) != 1:
        # Which From a signature covers and which one a mail client shows may differ: never guess.
        return Verdict(False, "more than one From header")
    if authserv_id:
        return trusted_results(headers.get_all("authentication-results") or [], authserv_id, domain)
    return verify_dkim(raw, domain, dnsfunc=dnsfunc)


def trusted_results(values: list[str], authserv_id: str, domain: str) -> Verdict:
    """The verdict of the topmost Authentication-Results header from ``authserv_id`` (``values`` top down)."""
    for value in values:
        server, results = parse_authentication_results(str(value))
        if server.lower() != authserv_id.strip().lower():
            continue
        for method, result, properties in results:
            if result != "pass":
                continue
            if method == "dmarc" and aligned(properties.get("header.from", domain), domain):
                return Verdict(True, f"{authserv_id}: dmarc=pass for {domain}")
            signer = properties.get("header.d") or properties.get("header.i", "").rpartition("@")[2]
            if method == "dkim" and aligned(signer, domain):
                return Verdict(True, f"{authserv_id}: dkim=pass by {signer}")
        found = ", ".join(f"{m}={r}" for m, r, _ in results) or "none"
        return Verdict(False, f"{authserv_id} found no aligned pass for {domain} ({found})")
    return Verdict(False, f"no Authentication-Results from {authserv_id}")


def parse_authentication_results(value: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """The authserv-id and the results ``(method, result, {ptype.property: value})`` of one header value."""
    parts = _split(_uncomment(value))
    head = parts[0].split()
    server = head[0] if head else ""
    results = []
    for part in parts[1:]:
        pairs = [(name.lower(), _unquote(found)) for name, found in _RESULT.findall(part)]
        if not pairs:
            continue
        (method, result), rest = pairs[0], pairs[1:]
        properties = {name: found.lower() for name, found in rest if "." in name}
        results.append((method.split("/")[0], result.lower(), properties))
    return server, results


def verify_dkim(raw: bytes, domain: str, *, dnsfunc: DnsLookup | None = None) -> Verdict:
    """Verify the message's DKIM signatures (at most MAX_SIGNATURES): passed if one that covers the From header
    and the whole body verifies and is aligned with ``domain``."""
    # Imported here: dkimpy brings dnspython and cryptography, some 14 MB that only the mail intake needs.
    import dkim

    try:
        checker = dkim.DKIM(raw, minkey=1024, timeout=5)
    except dkim.DKIMException as exc:
        return Verdict(False, f"unreadable message for DKIM: {exc}")
    count = sum(1 for name, _ in checker.headers if name.lower() == b"dkim-signature")
    if not count:
        return Verdict(False, "no DKIM signature")
    failures = []
    for index in range(min(count, MAX_SIGNATURES)):
        checker.domain = None
        try:
            verified = checker.verify(idx=index, dnsfunc=dnsfunc or dkim.dnsplug.get_txt)
            signer = (checker.domain or b"").decode("ascii", "replace").lower()
        except dkim.DKIMException as exc:
            signer = (checker.domain or b"?").decode("ascii", "replace").lower()
            failures.append(f"the signature of {signer} does not verify: {str(exc).split(' (')[0]}")
            continue
        fields = checker.signature_fields or {}
        if not verified:
            failures.append(f"the signature of {signer} does not verify")
        elif b"l" in fields:  # covers only the first l bytes of the body: anything may follow
            failures.append(f"the signature of {signer} covers only part of the body")
        elif b"from" not in checker.include_headers:
            failures.append(f"the signature of {signer} does not cover the From header")
        elif not aligned(signer, domain):
            failures.append(f"signed by {signer}, not by the sender's domain {domain}")
        else:
            return Verdict(True, f"DKIM signature of {signer}")
    return Verdict(False, "; ".join(failures))


def aligned(signer: str, domain: str) -> bool:
    """DMARC alignment of a signing domain with the From domain: equal, or one a subdomain of the other (never
    a bare top-level domain)."""
    signer, domain = _ascii(signer), _ascii(domain)
    if not signer or not domain:
        return False
    if signer == domain:
        return True
    shorter, longer = sorted((signer, domain), key=len)
    return "." in shorter and longer.endswith("." + shorter)


def _domain(address: str) -> str:
    address = (address or "").strip()
    return address.rpartition("@")[2] if "@" in address else ""


def _ascii(domain: str) -> str:
    domain = (domain or "").strip().strip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def _headers(raw: bytes) -> Message | None:
    head = raw[:HEADER_PEEK_BYTES]
    try:
        return BytesHeaderParser(policy=compat32).parsebytes(head)
    except Exception:
        return None


def _uncomment(value: str) -> str:
    """The value without (comments), which may nest; quoted strings are kept as they are."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
        elif quoted:
            quoted = char != '"'
            out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0:
            quoted = char == '"'
            out.append(char)
    return "".join(out)


def _split(value: str) -> list[str]:
    """Split at the semicolons outside quoted strings."""
    parts: list[str] = []
    current: list[str] = []
    quoted, escaped = False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value
