"""Inbound mail to plain data: headers, addresses, text, safe HTML and attachments, whatever the sender sent."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuki.mail.htmltext import html_to_text
from tuki.mail.parsing import MAX_DEFECTS, MAX_DEPTH, MAX_PARTS, ParseTimeout, parse_message, subject_identifier

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def anna_writes(body: str = "Kirjautuminen ei toimi.", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Anna Asiakas <Anna.Asiakas@Org-A.example>"
    message["To"] = "tuki@support.example, Aaro <aaro@org-a.example>"
    message["Subject"] = "Kirjautuminen ei toimi"
    message["Date"] = "Tue, 03 Dec 2026 10:12:00 +0200"
    message["Message-ID"] = "<CAF1234@mail.org-a.example>"
    for name, value in headers.items():
        del message[name.replace("_", "-")]
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def test_a_plain_mail_gives_its_headers_and_addresses() -> None:
    message = anna_writes(
        Cc="bertil@org-b.example, not an address",
        Reply_To="Anna <anna.private@org-a.example>",
        In_Reply_To="<tuki.sr-1042.e-7.abc@support.example>",
        References="<tuki.sr-1042@support.example> <tuki.sr-1042.e-7.abc@support.example>",
    )
    parsed = parse_message(message.as_bytes())
    assert parsed.message_id == "<CAF1234@mail.org-a.example>"
    assert parsed.in_reply_to == ["<tuki.sr-1042.e-7.abc@support.example>"]
    assert parsed.references == ["<tuki.sr-1042@support.example>", "<tuki.sr-1042.e-7.abc@support.example>"]
    assert parsed.subject == "Kirjautuminen ei toimi"
    assert (parsed.from_address, parsed.from_name) == ("anna.asiakas@org-a.example", "Anna Asiakas")
    assert parsed.reply_to == "anna.private@org-a.example"
    assert parsed.to == ["tuki@support.example", "aaro@org-a.example"]
    assert parsed.cc == ["bertil@org-b.example"]
    assert parsed.date == datetime(2026, 12, 3, 8, 12, tzinfo=UTC)
    assert parsed.text == parsed.full_text == "Kirjautuminen ei toimi."
    assert parsed.html == "" and parsed.attachments == [] and parsed.defects == []
    assert parsed.headers["subject"] == "Kirjautuminen ei toimi"
    assert parsed.headers["message-id"] == "<CAF1234@mail.org-a.example>"


def test_headers_are_decoded_one_line_and_the_first_occurrence_counts() -> None:
    raw = (
        b"From: anna@org-a.example\nSubject: =?utf-8?B?S2lyamF1dHVtaW5lbg==?=\n ei toimi\n"
        b"X-Custom: first\nX-Custom: second\nDate: 3 Dec 2026 10:12:00 -0000\n\nHei\n"
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Kirjautuminen ei toimi"
    assert parsed.headers["x-custom"] == "first"
    assert parsed.date == datetime(2026, 12, 3, 10, 12, tzinfo=UTC)  # no zone given: read as UTC, still aware
    assert parse_message(b"From: a@b.example\nDate: the day after tomorrow\n\nx").date is None


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        ("=?utf-8?B?UMOkaXbDpHlz?=", "Päiväys"),
        ("=?iso-8859-1?Q?P=E4iv=E4ys_ja_aika?=", "Päiväys ja aika"),
        ("=?UTF-8?B?w6Q=?= =?UTF-8?B?w7Y=?= ok", "äö ok"),  # whitespace between encoded words is dropped
        ("=?utf-8?B?4oKs?= =?utf-8?B?4oKs?=", "€€"),
        ("=?utf-8?B?4oI?=\n =?utf-8?B?rA=?= x", "€ x"),  # one character split over two words; bad padding
        ("=?x-no-such-charset?Q?caf=E9?=", "café"),  # unknown charset: UTF-8, then Windows-1252
        ("=?utf-8?Q?broken", "=?utf-8?Q?broken"),
        ("=?rot13?Q?ha?=", "ha"),  # not a text charset: never run as one
    ],
)
def test_encoded_word_subjects(header: str, subject: str) -> None:
    parsed = parse_message(f"From: anna@org-a.example\nSubject: {header}\n\nHei\n".encode())
    assert parsed.subject == subject


def test_raw_eight_bit_headers_and_body_without_a_charset() -> None:
    raw = (
        b"From: =?iso-8859-1?Q?J=F6rg?= <jorg@org-a.example>\nSubject: P\xe4iv\xe4\xe4\n\nHyv\xe4\xe4 p\xe4iv\xe4\xe4\n"
    )
    parsed = parse_message(raw)
    assert parsed.from_name == "Jörg"
    assert parsed.subject == "Päivää"
    assert parsed.text == "Hyvää päivää"
    utf8 = parse_message("From: a@org-a.example\nSubject: Päivää\n\nHyvää päivää\n".encode())
    assert (utf8.subject, utf8.text) == ("Päivää", "Hyvää päivää")


def test_an_unknown_charset_and_undecodable_bytes_are_noted_not_fatal() -> None:
    unknown = parse_message(b"From: a@org-a.example\nContent-Type: text/plain; charset=x-klingon\n\nP\xe4iv\xe4\n")
    assert unknown.text == "Päivä"
    assert unknown.defects == ["unknown charset 'x-klingon'"]
    broken = parse_message(b"From: a@org-a.example\nContent-Type: text/plain; charset=utf-16\n\n\x00\xd8\n")
    assert (broken.text, broken.defects) == ("\ufffd", ["undecodable bytes in utf-16 text"])
    raw = "From: a@org-a.example\nContent-Type: text/plain; charset=iso-2022-jp\n\nPäivä\n".encode()
    assert parse_message(raw).text == "Päivä"  # declared wrongly, and UTF-8 fits


@pytest.mark.parametrize(
    ("charset", "body", "text", "defects"),
    [
        ("iso-8859-1", "Päivää".encode(), "Päivää", []),  # UTF-8 said to be Latin-1 would decode to "PÃ¤ivÃ¤Ã¤"
        ("windows-1250", "Hyvää yötä".encode(), "Hyvää yötä", []),
        ("utf-8", "Päivää".encode("cp1252"), "Päivää", ["text not in its declared charset utf-8"]),
        ("us-ascii", "Päivää".encode("cp1252"), "Päivää", []),  # says nothing of 8-bit bytes: as if unlabelled
        # Damaged UTF-8 stays UTF-8: the one broken character is replaced, the others kept.
        ("utf-8", "Päivä ".encode() + "ö".encode()[:1], "Päivä \ufffd", ["undecodable bytes in utf-8 text"]),
        ("iso-8859-15", "Päivää".encode("iso-8859-15"), "Päivää", []),
    ],
)
def test_a_mislabelled_charset(charset: str, body: bytes, text: str, defects: list[str]) -> None:
    parsed = parse_message(f"From: a@org-a.example\nContent-Type: text/plain; charset={charset}\n\n".encode() + body)
    assert (parsed.text, parsed.defects) == (text, defects)


def test_quoted_printable_and_base64_with_garbage() -> None:
    raw = (
        b"From: a@org-a.example\nContent-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        b"P=C3=A4iv=C3=A4 =ZZ soft=\nbreak =C3\n"
        b"--b\nContent-Type: application/pdf; name=x.pdf\nContent-Transfer-Encoding: base64\n\n"
        b"JVBER!!i0xLjQK*\n===\n"
        b"--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nSGVp$$ IG1hYWlsbWE\n"
        b"--b--\n"
    )
    parsed = parse_message(raw)
    assert parsed.full_text.startswith("Päivä =ZZ softbreak")
    assert "Hei maailma" in parsed.full_text
    assert parsed.attachments[0].data.startswith(b"%PDF-1.4")


def test_an_html_only_mail_gets_a_text_version_and_loses_its_scripts() -> None:
    message = anna_writes()
    message.set_content(
        "<html><head><title>Otsikko</title><style>p {color: red}</style></head><body>"
        "<p>Hei,</p><p>kirjautuminen <b>ei</b> toimi.<br>Virhe&nbsp;500.</p>"
        "<script>alert(1)</script><ul><li>yksi</li><li>kaksi</li></ul>"
        '<a href="javascript:alert(2)" onclick="x()">linkki</a></body></html>',
        subtype="html",
    )
    parsed = parse_message(message.as_bytes())
    assert parsed.text == "Hei,\n\nkirjautuminen ei toimi.\nVirhe 500.\n\n- yksi\n- kaksi\n\nlinkki"
    assert "<b>ei</b>" in parsed.html
    for dangerous in ("<script", "alert", "javascript:", "onclick", "Otsikko", "color: red"):
        assert dangerous not in parsed.html
        assert dangerous not in parsed.full_text


def test_plain_text_is_preferred_when_both_versions_exist() -> None:
    message = anna_writes("Tekstiversio.")
    message.add_alternative("<p>HTML-versio.</p>", subtype="html")
    parsed = parse_message(message.as_bytes())
    assert parsed.text == "Tekstiversio."
    assert parsed.html.strip() == "<p>HTML-versio.</p>"


def test_attachments_get_safe_names_and_their_bytes() -> None:
    message = anna_writes("Liitteenä loki.")
    message.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="raportti.pdf")
    message.add_attachment(b"root:x:0:0", maintype="text", subtype="plain", filename="../../etc/passwd")
    message.add_attachment(b"a", maintype="application", subtype="octet-stream", filename="C:\\temp\\evil\x07.exe")
    message.add_attachment(b"b", maintype="application", subtype="zip", filename="x" * 300 + ".zip")
    message.add_attachment(b"c", maintype="application", subtype="octet-stream")
    message.add_attachment(b"d", maintype="application", subtype="pdf", filename="=?utf-8?B?w6Rsw6QucGRm?=")
    parsed = parse_message(message.as_bytes())
    assert parsed.text == "Liitteenä loki."
    names = [attachment.name for attachment in parsed.attachments]
    assert names[:3] == ["raportti.pdf", "passwd", "evil.exe"]
    assert len(names[3]) == 200 and names[3].endswith("x.zip")
    assert names[4:] == ["attachment-5.bin", "älä.pdf"]
    first = parsed.attachments[0]
    assert (first.content_type, first.data, first.inline) == ("application/pdf", b"%PDF-1.4 x", False)
    assert parsed.attachments[1].data == b"root:x:0:0"  # a text/plain attachment is not mistaken for the body


def test_inline_images_are_kept_as_attachments() -> None:
    message = anna_writes("Kuva alla.")
    message.add_alternative('<p>Kuva alla.</p><img src="cid:kuva1@org-a.example">', subtype="html")
    message.get_payload()[1].add_related(PNG, maintype="image", subtype="png", cid="<kuva1@org-a.example>")
    parsed = parse_message(message.as_bytes())
    assert parsed.text == "Kuva alla."
    [image] = parsed.attachments
    assert (image.name, image.content_type, image.data, image.inline) == ("attachment-1.bin", "image/png", PNG, True)


def test_an_attached_mail_is_kept_whole_and_named_after_its_subject() -> None:
    inner = anna_writes("Alkuperäinen viesti.", Subject="Vanha virhe")
    message = anna_writes("Välitän tämän.")
    message.add_attachment(inner)
    parsed = parse_message(message.as_bytes())
    assert parsed.text == "Välitän tämän."
    [attached] = parsed.attachments
    assert (attached.name, attached.content_type) == ("Vanha virhe.eml", "message/rfc822")
    assert parse_message(attached.data).text == "Alkuperäinen viesti."


def test_an_uuencoded_attachment_is_decoded() -> None:
    raw = (
        b"From: a@org-a.example\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nLoki\n"
        b"--b\nContent-Type: application/octet-stream; name=loki.txt\nContent-Transfer-Encoding: x-uuencode\n\n"
        b"begin 644 loki.txt\n+:&5I(&UA86EL;6$`\n`\nend\n--b--\n"
    )
    parsed = parse_message(raw)
    assert parsed.attachments[0].data == b"hei maailma"
    assert parsed.attachments[0].name == "loki.txt"


def test_a_multipart_without_its_boundary_still_yields_text() -> None:
    raw = b"From: a@org-a.example\nContent-Type: multipart/mixed; boundary=missing\n\nJust text after all.\n"
    parsed = parse_message(raw)
    assert parsed.text == "Just text after all."
    assert "StartBoundaryNotFoundDefect" in parsed.defects


def test_a_flowed_text_is_joined_again() -> None:
    raw = (
        b"From: a@org-a.example\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n"
        b"Pitk\xc3\xa4 rivi joka \njatkuu t\xc3\xa4ss\xc3\xa4.\n\n> lainattu \n> jatko\n"
    )
    assert parse_message(raw).full_text == "Pitkä rivi joka jatkuu tässä.\n\n> lainattu jatko"


def test_an_encoded_word_in_the_address_itself_is_never_decoded() -> None:
    raw = b"From: =?utf-8?Q?agent?=@support.example\nTo: =?utf-8?Q?attacker?Q?agent?=@victim.example\n\nx"
    parsed = parse_message(raw)
    assert parsed.from_address == "=?utf-8?q?agent?=@support.example"
    assert parsed.from_address != "agent@support.example"
    assert parse_message(b'From: "=?utf-8?Q?agent@support.example?=" <evil@x.example>\n\nx').from_address == (
        "evil@x.example"
    )


def test_the_sender_when_the_from_header_is_odd_or_missing() -> None:
    spaces = parse_message(b'From: "Anna" <anna asiakas@org-a.example>\n\nx')
    assert spaces.from_address == '"anna asiakas"@org-a.example'  # obsolete syntax, read as the stdlib reads it
    mbox = parse_message(b"From anna@org-a.example  Tue Dec  3 10:12:00 2026\nSubject: x\n\ny")
    assert mbox.from_address == "anna@org-a.example"  # only the mbox envelope line names the sender
    assert parse_message(b"From: <>\n\nx").from_address == ""


def test_a_missing_message_id_leaves_a_stable_fingerprint() -> None:
    message = anna_writes()
    del message["Message-ID"]
    raw = message.as_bytes()
    first, again = parse_message(raw), parse_message(raw.replace(b"\n", b"\r\n"))
    assert first.message_id == ""
    assert len(first.fingerprint) == 64
    assert first.fingerprint == again.fingerprint
    assert parse_message(raw + b"more").fingerprint != first.fingerprint


def test_two_thousand_parts_stop_at_the_part_cap() -> None:
    parts = b"".join(b"--b\nContent-Type: application/octet-stream; name=f%d.bin\n\n%d\n" % (i, i) for i in range(2000))
    raw = b"From: a@org-a.example\nContent-Type: multipart/mixed; boundary=b\n\n" + parts + b"--b--\n"
    parsed = parse_message(raw)
    # The root is a part too: the cap leaves MAX_PARTS - 1 attachments, the first ones, whole.
    assert [(a.name, a.data) for a in parsed.attachments] == [(f"f{i}.bin", b"%d" % i) for i in range(MAX_PARTS - 1)]
    assert (parsed.text, parsed.full_text, parsed.html) == ("", "", "")
    assert parsed.defects == [f"more than {MAX_PARTS} MIME parts: the rest were not read"]


def nested(depth: int) -> bytes:
    opening = b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1) for i in range(depth))
    closing = b"".join(b"--b%d--\n" % i for i in reversed(range(depth + 1)))
    leaf = b"--b%d\nContent-Type: text/plain\n\nSyvalla\n" % depth
    return b"From: a@org-a.example\nContent-Type: multipart/mixed; boundary=b0\n\n" + opening + leaf + closing


def test_deeply_nested_multiparts() -> None:
    shallow = parse_message(nested(10))
    assert (shallow.text, shallow.attachments, shallow.defects) == ("Syvalla", [], [])
    too_deep = parse_message(nested(MAX_DEPTH + 5))
    assert (too_deep.text, too_deep.full_text, too_deep.attachments) == ("", "", [])
    assert too_deep.defects == [f"MIME parts nested deeper than {MAX_DEPTH}: the deeper ones were not read"]
    beyond_the_parser = parse_message(nested(1200))  # the stdlib parser itself recurses too deep here
    assert beyond_the_parser.defects == [
        "MIME structure nested too deep: read as plain text",
        "multipart without readable parts: read as plain text",
    ]
    body = nested(1200).split(b"\n\n", 1)[1].decode()
    assert beyond_the_parser.full_text == body.strip()  # the body as it came, no bigger
    assert beyond_the_parser.attachments == []


def test_deeper_nesting_costs_no_more_parts_read() -> None:
    """Past the depth limit the walk stops: twice as deep a mail reports the same defect and reads nothing more."""
    deep, deeper = parse_message(nested(MAX_DEPTH + 20)), parse_message(nested(2 * (MAX_DEPTH + 20)))
    assert (
        deep.defects == deeper.defects == [f"MIME parts nested deeper than {MAX_DEPTH}: the deeper ones were not read"]
    )
    assert deep.full_text == deeper.full_text == ""


HTML_MAIL = b"From: a@org-a.example\nContent-Type: text/html\n\n"
TOO_COMPLEX = "HTML too complex to clean safely: only its text is kept"


@pytest.mark.parametrize(
    ("html", "text", "defects"),
    [
        # html.parser takes minutes over unclosed tags; ours reads each "<" as text, once.
        ("<a " * 200_000, ("<a " * 200_000).strip(), []),
        # nh3 takes time with the square of the depth and of the number of ampersands: past the limits only the
        # text is kept, and the limit is reported.
        ("<div>" * 100_000, "", [TOO_COMPLEX]),
        ("a&b " * 200_000, ("a&b " * 200_000).strip(), [TOO_COMPLEX]),
        ("<!--" + "x" * 1_000_000, "", []),  # a comment left open hides the rest
    ],
    ids=["unclosed tags", "deep nesting", "many ampersands", "open comment"],
)
def test_hostile_html_gives_its_text_and_reports_the_limits(html: str, text: str, defects: list[str]) -> None:
    parsed = parse_message(HTML_MAIL + html.encode())
    assert parsed.text == parsed.full_text == text
    assert parsed.html == ""
    assert parsed.defects == defects
    assert parsed.attachments == []


@pytest.mark.parametrize(
    "unit", ["<a ", "<div>", "a&b ", "<b>x</b>", "<p><li>", "<!-- -->", "<!doctype ", "<script>x"], ids=repr
)
def test_html_to_text_work_grows_with_the_input_only(unit: str) -> None:
    """The tokenizer asks its time guard every 5,000 steps: twice the input may take at most twice the steps."""

    def steps(html: str) -> int:
        asked = 0

        def check() -> None:
            nonlocal asked
            asked += 1

        html_to_text(html, check)
        return asked

    small, large = steps(unit * 50_000), steps(unit * 100_000)
    assert large <= 2 * small + 1
    assert large <= 2 * len(unit) * 100_000 // 5000  # at most one step for every character or so


def test_html_too_complex_to_clean_keeps_its_text_only() -> None:
    parsed = parse_message(HTML_MAIL + b"<div>" * 6000 + b"Hei")
    assert parsed.html == ""
    assert parsed.text == "Hei"
    assert parsed.defects == [TOO_COMPLEX]


def test_mime_headers_with_thousands_of_parameters() -> None:
    """Only the first MAX_PARAMETERS parameters of a MIME header are read, so thousands cost no more than forty."""
    params = b"".join(b"p%d*0*=utf-8''%%C3%%A4; " % i for i in range(20_000))
    parts = b"".join(b"--b\nContent-Type: text/plain; %d%s\n\nx\n" % (i, params[:20_000]) for i in range(100))
    read = parse_message(
        b"From: a@org-a.example\nContent-Type: multipart/mixed; boundary=b; " + params + b"\n\n" + parts
    )
    assert read.full_text == "\n\n".join(["x"] * 100)  # each part's own thousand parameters are cut off too
    assert read.defects == ["CloseBoundaryNotFoundDefect"]
    late = b"From: a@org-a.example\nContent-Type: multipart/mixed; " + params + b"boundary=b\n\n" + parts
    unread = parse_message(late)  # the boundary comes after the limit: the body is read as plain text
    assert unread.full_text == parts.decode().strip()
    assert unread.defects == [
        "NoBoundaryInMultipartDefect",
        "MultipartInvariantViolationDefect",
        "multipart without readable parts: read as plain text",
    ]


def test_lone_surrogates_from_utf7_become_replacement_characters() -> None:
    raw = b"From: a@org-a.example\nContent-Type: text/html; charset=utf-7\n\n<p>+2D0-</p>"
    parsed = parse_message(raw)
    assert parsed.text == "\ufffd"
    assert parsed.html == "<p>\ufffd</p>"


def test_parsing_time_is_bounded() -> None:
    parts = b"".join(b"--b\nContent-Type: text/plain\n\n%d\n" % i for i in range(200))
    with pytest.raises(ParseTimeout):
        parse_message(b"Content-Type: multipart/mixed; boundary=b\n\n" + parts + b"--b--\n", max_seconds=0)


def test_a_parser_failure_keeps_the_mail_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug in the stdlib parser")

    monkeypatch.setattr(BytesParser, "parsebytes", broken)
    parsed = parse_message(b"From: a@org-a.example\n\nHei")
    assert parsed.full_text == "From: a@org-a.example\n\nHei"
    assert parsed.defects == ["mail could not be parsed (ValueError): kept as plain text"]
    assert len(parsed.fingerprint) == 64


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Re: [SR-1042] Kirjautuminen ei toimi", 1042),
        ("VS: VS: Kirjautuminen [sr-77]", 77),
        ("[ SR-0042 ] nollat", 42),
        ("SR-1042 ilman hakasulkeita", None),
        ("[SRX-1042] toinen etuliite", None),
        ("[XSR-1042]", None),
        ("", None),
    ],
)
def test_subject_identifier(subject: str, number: int | None) -> None:
    assert subject_identifier(subject, "SR") == number


def test_subject_identifier_without_a_prefix_finds_nothing() -> None:
    assert subject_identifier("[-5]", "") is None


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_parse_to_a_clean_bounded_result(raw: bytes) -> None:
    mail = b"Content-Type: multipart/mixed; boundary=b\n\n--b\n" + raw
    parsed = parse_message(mail)
    # Whatever the body, the message's own headers say nothing more than the Content-Type.
    assert (parsed.message_id, parsed.subject, parsed.from_address, parsed.to, parsed.date) == ("", "", "", [], None)
    assert parsed.headers == {"content-type": "multipart/mixed; boundary=b"}
    assert parsed.fingerprint == hashlib.sha256(mail.replace(b"\r\n", b"\n")).hexdigest()
    assert parsed.full_text == parsed.full_text.strip() and not CONTROL.search(parsed.full_text)
    assert parsed.text == parsed.text.strip() and not CONTROL.search(parsed.text)
    assert len(parsed.attachments) < MAX_PARTS and len(parsed.defects) <= MAX_DEFECTS
    assert all(0 < len(attachment.name) <= 200 and "/" not in attachment.name for attachment in parsed.attachments)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["Subject", "From", "To", "Content-Type", "Date", "Message-ID"]))
def test_any_header_value_parses_to_one_clean_line(value: str, name: str) -> None:
    raw = f"{name}: {value}\nContent-Disposition: attachment; filename*={value}\n\nbody\n".encode("utf-8", "replace")
    parsed = parse_message(raw)
    for line in (parsed.subject, parsed.from_name, *parsed.headers.values()):
        assert line == " ".join(line.split()) and not CONTROL.search(line)
    assert parsed.from_address == "" or "@" in parsed.from_address
    assert parsed.message_id == "" or (parsed.message_id[0], parsed.message_id[-1]) == ("<", ">")
    assert parsed.date is None or parsed.date.tzinfo is not None
    assert len(parsed.attachments) <= 1


def new_text(body: str) -> str:
    return parse_message(anna_writes(body).as_bytes()).text


def test_a_finnish_reply_loses_the_quoted_history() -> None:
    body = (
        "Kiitos, nyt toimii!\n\nAnna\n\n"
        "ti 3.12.2026 klo 10.12 Tuki <tuki@support.example> kirjoitti:\n\n"
        "> Hei Anna,\n>\n> kokeilkaa uudestaan.\n>\n> -- \n> Tuki\n"
    )
    assert new_text(body) == "Kiitos, nyt toimii!\n\nAnna"


@pytest.mark.parametrize(
    "attribution",
    [
        "On Tue, Dec 3, 2026 at 10:12 AM Tuki <tuki@support.example>\nwrote:",  # wrapped by Gmail
        "On 3.12.2026 10.12, Tuki wrote:",
        "Den tis 3 dec. 2026 kl 10:12 skrev Tuki <tuki@support.example>:",
        "Am 03.12.2026 um 10:12 schrieb Tuki:",
        "Tuki kirjoitti:",  # no date, but quoted lines follow
    ],
)
def test_attribution_lines_in_several_languages(attribution: str) -> None:
    assert new_text(f"Toimii nyt.\n\n{attribution}\n> Kokeilkaa uudestaan.\n") == "Toimii nyt."


@pytest.mark.parametrize(
    "history",
    [
        "________________________________\nFrom: Tuki <tuki@support.example>\nSent: Tuesday, December 3, 2026 10:12"
        "\nTo: Anna Asiakas\nSubject: RE: [SR-1042] Kirjautuminen\n\nKokeilkaa uudestaan.",
        "Lähettäjä: Tuki <tuki@support.example>\nLähetetty: tiistai 3. joulukuuta 2026 10.12\n"
        "Vastaanottaja: Anna Asiakas\nAihe: VS: [SR-1042] Kirjautuminen\n\nKokeilkaa uudestaan.",
        "*Från:* Tuki\n*Skickat:* den 3 december 2026 10:12\n*Till:* Anna\n*Ämne:* SV: Inloggning\n\nFörsök igen.",
        "-----Original Message-----\nFrom: Tuki\nKokeilkaa uudestaan.",
        "-----Alkuperäinen viesti-----\nKokeilkaa uudestaan.",
    ],
)
def test_outlook_style_history_is_cut(history: str) -> None:
    assert new_text(f"Toimii nyt.\n\nTerveisin Anna\n\n{history}\n") == "Toimii nyt.\n\nTerveisin Anna"


def test_the_signature_is_cut() -> None:
    assert new_text("Toimii nyt.\n\n-- \nAnna Asiakas\nOrg A Oy\n+358 40 123 4567\n") == "Toimii nyt."


def test_answers_between_quoted_lines_are_kept() -> None:
    body = (
        "On 3.12.2026 10.12, Tuki wrote:\n> Mikä selain on käytössä?\n\nFirefox 140.\n\n"
        "> Entä käyttöjärjestelmä?\n\nWindows 11.\n"
    )
    assert new_text(body) == "Firefox 140.\n\nWindows 11."


def test_a_forwarded_message_is_content_not_history() -> None:
    body = (
        "Asiakkaalta tuli tällainen:\n\n---------- Forwarded message ---------\nFrom: Käyttäjä <k@org-a.example>\n"
        "Date: ti 3.12.2026 klo 9.00\nSubject: Virhe\nTo: Anna\n\nJärjestelmä antaa virheen 500.\n"
    )
    assert "Järjestelmä antaa virheen 500." in new_text(body)


def test_a_sentence_ending_in_wrote_is_not_an_attribution() -> None:
    body = "Kollegani wrote:\nJärjestelmä ei vastaa.\n"
    assert new_text(body) == "Kollegani wrote:\nJärjestelmä ei vastaa."


def test_a_mail_that_is_all_history_keeps_its_whole_text() -> None:
    body = "-----Original Message-----\nFrom: Tuki\nSent: today\nTo: Anna\n\nTärkeä viesti.\n"
    assert new_text(body) == body.strip()


def test_an_html_only_reply_loses_its_blockquote() -> None:
    message = anna_writes()
    message.set_content(
        '<div>Toimii nyt.</div><div class="gmail_quote"><div>ti 3.12.2026 klo 10.12 Tuki '
        "&lt;tuki@support.example&gt; kirjoitti:</div><blockquote><p>Kokeilkaa uudestaan.</p></blockquote></div>",
        subtype="html",
    )
    parsed = parse_message(message.as_bytes())
    assert parsed.text == "Toimii nyt."
    assert "> Kokeilkaa uudestaan." in parsed.full_text
