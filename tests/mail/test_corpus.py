"""Real mail from another help desk's test suite parses: no exception, usable fields, the hand-labelled replies
lose their quoted history and keep their new text, and mislabelled charsets are read right.

The corpus is third-party test data kept beside the repository (never copied into it); set TUKI_MAIL_CORPUS
to use another folder of ``*.box`` files. Without it these tests are skipped.
"""

from __future__ import annotations

import hashlib
import os
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.mail.corpus_labels import REPLIES, line_checks
from tuki.mail.decoding import decode_bytes
from tuki.mail.loops import automatic_reason
from tuki.mail.parsing import ParsedMessage, parse_message

CORPUS = Path(
    os.environ.get("TUKI_MAIL_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "mail-corpus" / "zammad"
)
FILES = sorted(CORPUS.glob("*.box")) if CORPUS.is_dir() else []
# The production time guard stays out of the way here: a busy test machine must not turn into a failure.
NO_TIME_LIMIT = 3600.0

pytestmark = pytest.mark.skipif(not FILES, reason=f"no mail corpus (*.box) at {CORPUS}; set TUKI_MAIL_CORPUS")


def parsed(name: str) -> ParsedMessage:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus at {CORPUS}")
    return parse_message(path.read_bytes(), max_seconds=NO_TIME_LIMIT)


@pytest.mark.parametrize("path", FILES or [None], ids=lambda path: path.name if path else "none")
def test_each_mail_parses(path: Path) -> None:
    message = parse_message(path.read_bytes(), max_seconds=NO_TIME_LIMIT)
    assert message.subject == " ".join(message.subject.split())
    assert message.full_text == message.full_text.strip()
    # The new text is the whole text less lines: every line of it stands in the whole text.
    whole = {line.rstrip() for line in message.full_text.split("\n")}
    assert [line for line in message.text.split("\n") if line.rstrip() not in whole] == []
    assert message.fingerprint == hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()
    assert message.date is None or message.date.tzinfo is not None
    assert all(0 < len(attachment.name) <= 200 and "/" not in attachment.name for attachment in message.attachments)
    assert not any("too complex" in defect for defect in message.defects)  # real mail stays below the limits


def test_nearly_every_mail_has_a_sender() -> None:
    senders = [bool(parse_message(path.read_bytes(), max_seconds=NO_TIME_LIMIT).from_address) for path in FILES]
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


# Known misses, measured in bench/mail_parsing.py (neither library compared there gets them right either).
MISSED = {
    "mail007.box": "Lotus Notes' header block (tabs, labels without colons) is not recognised as history",
    "mail057.box": '"----- Original Nachricht ----" is not a known separator: it is left as the only text',
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=MISSED[name], strict=True)) if name in MISSED else name
        for name in REPLIES
    ],
)
def test_a_labelled_message_keeps_its_new_text_and_loses_its_history(name: str) -> None:
    message = parsed(name)
    kept, removed = line_checks(message.full_text, REPLIES[name])
    lines = {line.strip() for line in message.text.split("\n")}
    assert [line for line in kept if line not in lines] == []
    assert [line for line in removed if line in lines] == []


def text_parts(name: str) -> list[EmailMessage]:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus at {CORPUS}")
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    return [part for part in message.walk() if part.get_content_maintype() == "text" and isinstance(part, EmailMessage)]


# The corpus stores these messages' 8-bit text as UTF-8 while they still declare their old charsets (its README).
@pytest.mark.parametrize("name", ["mail031.box", "mail032.box", "mail044.box", "mail046.box", "mail068.box"])
def test_utf8_under_a_legacy_label_is_read_as_utf8(name: str) -> None:
    checked = 0
    for part in text_parts(name):
        data = part.get_payload(decode=True)
        assert isinstance(data, bytes)
        if data.isascii() or str(part.get("content-transfer-encoding", "")).lower() in ("base64", "quoted-printable"):
            continue
        assert decode_bytes(data, part.get_content_charset()) == (data.decode("utf-8"), None)
        checked += 1
    assert checked >= 1
