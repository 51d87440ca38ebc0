"""Real mail from another help desk's test suite parses: no exception, within the time bound, usable fields.

The corpus is third-party test data kept beside the repository (never copied into it); set TUKI_MAIL_CORPUS
to use another folder of ``*.box`` files. Without it these tests are skipped.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tuki.mail.loops import automatic_reason
from tuki.mail.parsing import ParsedMessage, parse_message

CORPUS = Path(
    os.environ.get("TUKI_MAIL_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "mail-corpus" / "zammad"
)
FILES = sorted(CORPUS.glob("*.box")) if CORPUS.is_dir() else []
MAX_SECONDS = 5.0

pytestmark = pytest.mark.skipif(not FILES, reason=f"no mail corpus (*.box) at {CORPUS}; set TUKI_MAIL_CORPUS")


def parsed(name: str) -> ParsedMessage:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus at {CORPUS}")
    return parse_message(path.read_bytes(), max_seconds=MAX_SECONDS)


@pytest.mark.parametrize("path", FILES or [None], ids=lambda path: path.name if path else "none")
def test_each_mail_parses_in_time(path: Path) -> None:
    started = time.monotonic()
    message = parse_message(path.read_bytes(), max_seconds=MAX_SECONDS)
    assert time.monotonic() - started < MAX_SECONDS
    assert isinstance(message.subject, str) and "\n" not in message.subject
    assert isinstance(message.text, str) and isinstance(message.full_text, str)
    assert len(message.fingerprint) == 64
    assert message.date is None or message.date.tzinfo is not None
    assert all(0 < len(attachment.name) <= 200 and "/" not in attachment.name for attachment in message.attachments)
    assert not any("too complex" in defect for defect in message.defects)  # real mail stays below the limits


def test_nearly_every_mail_has_a_sender() -> None:
    senders = [bool(parse_message(path.read_bytes()).from_address) for path in FILES]
    assert sum(senders) / len(senders) >= 0.95


def test_bounces_are_recognised() -> None:
    for name in ("mail033-undelivered-mail-returned-to-sender-notification.box", "mail055.box", "mail078.box"):
        assert automatic_reason(parsed(name)) == "bounce", name


def test_the_uuencoded_attachment_is_decoded() -> None:
    message = parsed("mail078-content_transfer_encoding_x_uuencode.box")
    [attachment] = message.attachments
    assert (attachment.name, attachment.content_type) == ("PGP_Cmts_on_12-14-01_Pkg.txt", "application/msword")
    assert attachment.data == b"Hello Zammad"  # sent without the "begin" line


def test_an_encoded_word_cannot_impersonate_an_address() -> None:
    assert parsed("mail118.box").from_address != "agent@example.com"
    assert parsed("mail117.box").from_address.endswith("@victim.example")
