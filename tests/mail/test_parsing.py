"""Inbound mail to plain data: headers, addresses, text, safe HTML and attachments, whatever the sender sent."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuki.mail.parsing import MAX_DEPTH, MAX_PARTS, ParseTimeout, parse_message, subject_identifier

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
    assert isinstance(broken.text, str)
    raw = "From: a@org-a.example\nContent-Type: text/plain; charset=iso-2022-jp\n\nPäivä\n".encode()
    assert parse_message(raw).text == "Päivä"  # declared wrongly, and UTF-8 fits


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
    started = time.monotonic()
    parsed = parse_message(raw)
    assert time.monotonic() - started < 5
    assert len(parsed.attachments) == MAX_PARTS - 1  # the root is a part too
    assert f"more than {MAX_PARTS} MIME parts: the rest were not read" in parsed.defects


def nested(depth: int) -> bytes:
    opening = b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1) for i in range(depth))
    closing = b"".join(b"--b%d--\n" % i for i in reversed(range(depth + 1)))
    leaf = b"--b%d\nContent-Type: text/plain\n\nSyvalla\n" % depth
    return b"From: a@org-a.example\nContent-Type: multipart/mixed; boundary=b0\n\n" + opening + leaf + closing


def test_deeply_nested_multiparts() -> None:
    assert parse_message(nested(10)).text == "Syvalla"
    too_deep = parse_message(nested(MAX_DEPTH + 5))
    assert too_deep.text == ""
    assert f"MIME parts nested deeper than {MAX_DEPTH}: the deeper ones were not read" in too_deep.defects
    beyond_the_parser = parse_message(nested(1200))  # the stdlib parser itself recurses too deep here
    assert "MIME structure nested too deep: read as plain text" in beyond_the_parser.defects
    assert "Syvalla" in beyond_the_parser.full_text


@pytest.mark.parametrize(
    "html",
    [
        "<a " * 200_000,  # html.parser takes minutes over this; our tokenizer must not
        "<div>" * 100_000,  # nh3 takes time with the square of the depth
        "a&b " * 200_000,  # and of the number of ampersands
        "<!--" + "x" * 1_000_000,
    ],
)
def test_hostile_html_is_read_in_bounded_time(html: str) -> None:
    started = time.monotonic()
    parsed = parse_message(b"From: a@org-a.example\nContent-Type: text/html\n\n" + html.encode())
    assert time.monotonic() - started < 5
    assert isinstance(parsed.text, str)


def test_html_too_complex_to_clean_keeps_its_text_only() -> None:
    parsed = parse_message(b"From: a@org-a.example\nContent-Type: text/html\n\n" + b"<div>" * 6000 + b"Hei")
    assert parsed.html == ""
    assert parsed.text == "Hei"
    assert parsed.defects == ["HTML too complex to clean safely: only its text is kept"]


def test_mime_headers_with_thousands_of_parameters_are_read_in_bounded_time() -> None:
    params = b"".join(b"p%d*0*=utf-8''%%C3%%A4; " % i for i in range(20_000))
    parts = b"".join(b"--b\nContent-Type: text/plain; %d%s\n\nx\n" % (i, params[:20_000]) for i in range(100))
    raw = b"From: a@org-a.example\nContent-Type: multipart/mixed; " + params + b"boundary=b\n\n" + parts + b"--b--\n"
    started = time.monotonic()
    parsed = parse_message(raw)
    assert time.monotonic() - started < 5
    assert isinstance(parsed.full_text, str)


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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_parse_without_an_exception(raw: bytes) -> None:
    parsed = parse_message(b"Content-Type: multipart/mixed; boundary=b\n\n--b\n" + raw)
    assert isinstance(parsed.text, str) and isinstance(parsed.subject, str)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["Subject", "From", "To", "Content-Type", "Date", "Message-ID"]))
def test_any_header_value_parses_without_an_exception(value: str, name: str) -> None:
    raw = f"{name}: {value}\nContent-Disposition: attachment; filename*={value}\n\nbody\n".encode("utf-8", "replace")
    parsed = parse_message(raw)
    assert "\n" not in parsed.subject


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
