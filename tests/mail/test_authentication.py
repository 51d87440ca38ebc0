"""Who sent a mail: DKIM signatures made here with a key of the test's own (dkimpy signs; the verifier gets the
public key through dkimpy's ``dnsfunc``, there is no DNS here), and Authentication-Results from a trusted and
an untrusted receiving server. Mail from a contact's address that fails waits in quarantine and files nothing."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dkim
import pytest

from tests.mail.messages import TRUSTED_SERVER, mail, trusted_results
from tuki.mail.authentication import aligned, parse_authentication_results, verify_dkim
from tuki.mail.intake.entry import intake
from tuki.mail.models import AnswerState, InboundMessage, InboundSource, InboundStatus
from tuki.tickets.models import EventKind, State, Ticket
from tuki.tickets.services import ticket_transition

pytestmark = pytest.mark.usefixtures("mail_media")

SELECTOR = b"tuki2026"
MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


class Signer:
    """An RSA key made with openssl for this test run: signs as any domain and answers the DNS for them."""

    def __init__(self, folder: Path) -> None:
        key = folder / "dkim.pem"
        subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)  # noqa: S603,S607
        self.private = key.read_bytes()
        public = subprocess.run(  # noqa: S603
            ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],  # noqa: S607
            check=True,
            capture_output=True,
        ).stdout
        self.record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
        self.published: set[bytes] = set()
        self.asked: list[bytes] = []

    def sign(self, raw: bytes, domain: str, **options: Any) -> bytes:
        self.published.add(domain.encode())
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # as it travels over SMTP
        headers = [b"from", b"to", b"subject", b"date", b"message-id"]
        signature = dkim.sign(raw, SELECTOR, domain.encode(), self.private, include_headers=headers, **options)
        return bytes(signature) + raw

    def dns(self, name: bytes, timeout: int = 5) -> bytes | None:
        """dkimpy's ``dnsfunc``: our key's TXT record for the domains we signed as, nothing for the rest."""
        self.asked.append(name)
        selector, _, domain = name.rstrip(b".").partition(b"._domainkey.")
        return self.record if selector == SELECTOR and domain in self.published else None


@pytest.fixture(scope="module")
def signer(tmp_path_factory: Any) -> Signer:
    return Signer(tmp_path_factory.mktemp("dkim"))


@pytest.fixture
def own_dkim(settings: Any) -> None:
    """No trusted receiving server: Tuki verifies DKIM itself (the default of a new installation)."""
    settings.TUKI_MAIL_AUTHSERV_ID = ""


def take(raw: bytes, signer: Signer | None = None) -> InboundMessage:
    result = intake(raw, source=InboundSource.PIPE, dnsfunc=signer.dns if signer is not None else None)
    return InboundMessage.objects.get(pk=result.inbound_id)


def assert_held(record: InboundMessage, reason: str) -> None:
    """Waiting in quarantine: nothing filed, nobody answered, the whole message kept."""
    assert record.status == InboundStatus.UNVERIFIED, record.reason
    assert reason in record.reason
    assert record.ticket is None and record.event is None and record.key is None
    assert record.answer == AnswerState.NONE
    assert record.raw.read()


def test_the_default_for_a_new_installation_is_to_verify_dkim_ourselves() -> None:
    environment = {name: value for name, value in os.environ.items() if name != "TUKI_MAIL_AUTHSERV_ID"}
    done = subprocess.run(  # noqa: S603 - our own command
        [
            sys.executable,
            str(MANAGE),
            "shell",
            "-c",
            "from django.conf import settings as s; print(repr(s.TUKI_MAIL_AUTHSERV_ID))",
        ],
        env=environment,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.strip().splitlines()[-1] == b"''"


# ------------------------------------------------------------------------------------------ our own DKIM check


@pytest.mark.usefixtures("own_dkim")
def test_a_valid_signature_of_the_senders_domain_files_the_request(signer: Signer, anna: Any, agreement_a: Any) -> None:
    record = take(signer.sign(mail(authenticated=False), "org-a.example"), signer)
    assert record.status == InboundStatus.ACCEPTED and record.ticket is not None
    assert record.ticket.requester == anna.contact
    assert b"tuki2026._domainkey.org-a.example." in signer.asked


@pytest.mark.usefixtures("own_dkim")
def test_a_signature_of_a_parent_or_child_domain_is_aligned(signer: Signer, anna: Any, agreement_a: Any) -> None:
    record = take(signer.sign(mail(authenticated=False), "mail.org-a.example"), signer)
    assert record.status == InboundStatus.ACCEPTED


@pytest.mark.usefixtures("own_dkim")
def test_an_altered_body_fails(signer: Signer, anna: Any, agreement_a: Any) -> None:
    signed = signer.sign(mail(authenticated=False, text="Tulostin ei tulosta."), "org-a.example")
    record = take(signed.replace(b"Tulostin ei tulosta.", b"Maksakaa lasku tilille FI00."), signer)
    assert_held(record, "does not verify")
    assert not Ticket.objects.exists()


@pytest.mark.usefixtures("own_dkim")
def test_an_altered_signed_header_fails(signer: Signer, anna: Any, agreement_a: Any) -> None:
    signed = signer.sign(mail(authenticated=False, subject="Tulostin"), "org-a.example")
    record = take(signed.replace(b"Subject: Tulostin", b"Subject: Kiireellinen"), signer)
    assert_held(record, "does not verify")


@pytest.mark.usefixtures("own_dkim")
def test_a_missing_signature_fails(signer: Signer, anna: Any, agreement_a: Any) -> None:
    assert_held(take(mail(authenticated=False), signer), "no DKIM signature")


@pytest.mark.usefixtures("own_dkim")
def test_a_valid_signature_of_another_domain_fails(signer: Signer, anna: Any, agreement_a: Any) -> None:
    # The attacker signs with a key of their own domain, which verifies, but it is not Anna's domain.
    record = take(signer.sign(mail(authenticated=False), "attacker.example"), signer)
    assert_held(record, "signed by attacker.example, not by the sender's domain org-a.example")


@pytest.mark.usefixtures("own_dkim")
def test_a_signature_over_part_of_the_body_fails(signer: Signer, anna: Any, agreement_a: Any) -> None:
    signed = signer.sign(mail(authenticated=False), "org-a.example", length=True)
    assert_held(take(signed + b"\r\nAppended by someone else.\r\n", signer), "covers only part of the body")


@pytest.mark.usefixtures("own_dkim")
def test_a_second_from_header_fails(signer: Signer, anna: Any, agreement_a: Any) -> None:
    signed = signer.sign(mail(authenticated=False), "org-a.example")
    assert_held(take(b"From: anna@org-a.example\r\n" + signed, signer), "more than one From header")


@pytest.mark.usefixtures("own_dkim")
def test_the_finding_a_forged_reply_does_not_move_the_request(
    signer: Signer, anna: Any, agent: Any, request_a: Ticket
) -> None:
    ticket_transition(actor=agent, ticket=request_a, to=State.IN_PROGRESS)
    ticket_transition(actor=agent, ticket=request_a, to=State.WAITING)
    forged = mail(authenticated=False, subject=f"[{request_a.identifier}] Ratkaistu, sulkekaa", text="Kiitos!")
    record = take(forged, signer)
    assert_held(record, "no DKIM signature")
    request_a.refresh_from_db()
    assert request_a.state == State.WAITING
    assert not request_a.events.filter(kind=EventKind.REPLY).exists()


# -------------------------------------------------------------------------- a trusted receiving server's word


def test_a_pass_from_the_trusted_server_files_the_request(anna: Any, agreement_a: Any) -> None:
    record = take(mail())
    assert record.status == InboundStatus.ACCEPTED and record.ticket is not None


def test_a_pass_from_an_untrusted_server_is_ignored(anna: Any, agreement_a: Any) -> None:
    raw = mail(
        authenticated=False,
        headers={"Authentication-Results": "mx.attacker.example; dkim=pass header.d=org-a.example; dmarc=pass"},
    )
    assert_held(take(raw), f"no Authentication-Results from {TRUSTED_SERVER}")


def test_only_the_topmost_header_of_the_trusted_server_counts(anna: Any, agreement_a: Any) -> None:
    # The trusted server's own verdict (fail) is on top; a forged "pass" with its id below it counts for nothing.
    raw = mail(
        authenticated=False,
        headers={
            "Authentication-Results": trusted_results("anna@org-a.example", result="fail"),
            "X-Filler": "x",
        },
    )
    forged = f"Authentication-Results: {trusted_results('anna@org-a.example')}\r\n".encode()
    raw = raw.replace(b"X-Filler: x\n", b"X-Filler: x\n" + forged.replace(b"\r\n", b"\n"))
    assert raw.count(b"Authentication-Results:") == 2
    assert_held(take(raw), "found no aligned pass")


def test_an_untrusted_header_on_top_does_not_hide_the_trusted_verdict(anna: Any, agreement_a: Any) -> None:
    untrusted = b"Authentication-Results: mx.attacker.example; dkim=fail\n"
    assert take(untrusted + mail()).status == InboundStatus.ACCEPTED


def test_a_trusted_pass_for_another_domain_fails(anna: Any, agreement_a: Any) -> None:
    raw = mail(
        authenticated=False,
        headers={"Authentication-Results": f"{TRUSTED_SERVER}; dkim=pass header.d=attacker.example; dmarc=none"},
    )
    assert_held(take(raw), "found no aligned pass")


def test_strangers_mail_is_refused_as_before_whatever_its_authentication(
    anna: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks():
        record = take(mail(sender="kalle@stranger.example", authenticated=False))
    assert record.status == InboundStatus.REFUSED


# ------------------------------------------------------------------------------------------------ pure parts


def test_authentication_results_are_read_with_comments_versions_and_quoted_values() -> None:
    value = (
        'mx.tuki.test 1; (the server (nested) says) dkim/1=pass (good) header.d="org-a.example" header.s=sel; '
        'spf=fail smtp.mailfrom="a;b@x.example"; dmarc=pass reason="aligned; ok" header.from=org-a.example'
    )
    server, results = parse_authentication_results(value)
    assert server == "mx.tuki.test"
    assert results == [
        ("dkim", "pass", {"header.d": "org-a.example", "header.s": "sel"}),
        ("spf", "fail", {"smtp.mailfrom": "a;b@x.example"}),
        ("dmarc", "pass", {"header.from": "org-a.example"}),
    ]
    assert parse_authentication_results("mx.tuki.test; none") == ("mx.tuki.test", [])


@pytest.mark.parametrize(
    ("signer", "domain", "expected"),
    [
        ("org-a.example", "org-a.example", True),
        ("ORG-A.example.", "org-a.example", True),
        ("mail.org-a.example", "org-a.example", True),
        ("org-a.example", "support.org-a.example", True),
        ("example", "org-a.example", False),  # a bare top-level domain aligns with nothing
        ("evil-org-a.example", "org-a.example", False),
        ("mail.org-a.example", "web.org-a.example", False),  # siblings: stricter than DMARC, never looser
        ("", "org-a.example", False),
    ],
)
def test_alignment(signer: str, domain: str, expected: bool) -> None:
    assert aligned(signer, domain) is expected


CORPUS = Path(
    os.environ.get("TUKI_MAIL_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "mail-corpus" / "zammad"
)
CORPUS_FILES = sorted(CORPUS.glob("*.box")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason=f"no mail corpus (*.box) at {CORPUS}; set TUKI_MAIL_CORPUS")
def test_verification_gives_a_verdict_for_every_real_world_message() -> None:
    no_dns: Callable[..., None] = lambda name, timeout=5: None  # noqa: E731
    for path in CORPUS_FILES:
        verdict = verify_dkim(path.read_bytes(), "org-a.example", dnsfunc=no_dns)
        assert not verdict.passed and verdict.reason, path.name
