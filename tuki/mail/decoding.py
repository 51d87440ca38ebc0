"""Header and body bytes of a mail to clean text, addresses and ids, whatever the sender's software declared.

Mail in the wild declares charsets that do not exist, mislabels them, splits one character over two encoded
words and puts raw 8-bit bytes in headers. Nothing here raises for such input: undecodable bytes become
replacement characters and an unknown charset is read as UTF-8, then Windows-1252, then Latin-1. 8-bit text
that is valid UTF-8 is read as UTF-8 whatever it declares, and text with no UTF-8 in it that its declared
charset cannot read is read as if it declared none. (Measured against charset-normalizer on the mail corpus:
bench/mail_parsing.py.)
"""

from __future__ import annotations

import binascii
import codecs
import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

# Names mail software uses that Python does not know, or knows as a smaller charset than the one meant.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "windows-874": "cp874",
    "unicode-1-1-utf-7": "utf-7",
}
# Declarations that say nothing about 8-bit bytes: read those as if no charset were given.
_NO_CHARSET = {"", "ascii", "us-ascii", "x-unknown", "unknown", "unknown-8bit", "default"}
# Codecs that are no text charset at all; a sender must not make us run them.
_REFUSED = {"unicode_escape", "raw_unicode_escape", "punycode", "idna", "undefined", "mbcs", "oem"}

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,80})\?([bBqQ])\?([^?]*)\?=")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029]")
_SPACES = re.compile(r"\s+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WIDE = ("utf-16", "utf-32", "utf-7")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_ID = re.compile(r"<([^<>]{1,500})>")
_ADDRESS = re.compile(r'(?:[^\s@<>()\[\],;:"\\]+|"[^"\\\r\n]*")@[^\s@<>()\[\],;:"\\]+')
MAX_IDS = 200


def _codec(charset: str | None) -> tuple[str | None, bool]:
    """The Python codec for a declared charset, and whether the declaration was unknown."""
    name = (charset or "").strip().strip("\"'").split("*")[0].lower()
    name = _ALIASES.get(name, name)
    if name in _NO_CHARSET:
        return None, False
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None, True
    if info.name in _REFUSED or not getattr(info, "_is_text_encoding", True):
        return None, True
    return info.name, False


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """``data`` as text, and a note for the agents when the declared charset did not fit."""
    text, note = _decode(data, charset)
    return _SURROGATE.sub("\ufffd", text), note  # UTF-7 and UTF-16 can smuggle lone surrogates in


def _decode(data: bytes, charset: str | None) -> tuple[str, str | None]:
    codec, unknown = _codec(charset)
    if codec is not None:
        # Mislabelled UTF-8 is the commonest mistake, and an 8-bit charset decodes it without an error (to the
        # wrong text): 8-bit text that is valid UTF-8 is UTF-8, since legacy text almost never happens to be.
        candidates = ("utf-8", codec) if not codec.startswith("utf") and not data.isascii() else (codec, "utf-8")
        for candidate in candidates:
            try:
                return data.decode(candidate), None
            except (UnicodeDecodeError, LookupError):
                continue
        # No UTF-8 in it at all: 8-bit text in another charset than declared (UTF-16 and the like excepted).
        if not codec.startswith(_WIDE) and not _UTF8_SEQUENCE.search(data):
            return _guess(data), f"text not in its declared charset {charset}"
        return data.decode(codec, errors="replace"), f"undecodable bytes in {charset} text"
    return _guess(data), f"unknown charset {charset!r}" if unknown else None


def _guess(data: bytes) -> str:
    for fallback in ("utf-8", "cp1252"):
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def uudecode(text: str) -> bytes:
    """x-uuencode content, with or without its "begin" and "end" lines (some senders leave them out)."""
    out = []
    for line in text.encode("ascii", "surrogateescape").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(b"begin "):
            continue
        if stripped == b"end":
            break
        try:
            out.append(binascii.a2b_uu(stripped))
        except binascii.Error:  # trailing garbage after the counted bytes, as the stdlib tolerates too
            length = (((stripped[0] - 32) & 63) * 4 + 5) // 3
            try:
                out.append(binascii.a2b_uu(stripped[:length]))
            except binascii.Error:
                continue
    return b"".join(out)


def unflow(text: str, *, delsp: bool) -> str:
    """format=flowed text (RFC 3676): soft line breaks (a trailing space) joined again."""
    out: list[str] = []
    soft, previous_depth = False, 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        if soft and out and depth == previous_depth:
            content = line[depth:]
            out[-1] += content[1:] if content.startswith(" ") else content
        else:
            out.append(line)
        soft, previous_depth = line.endswith(" ") and line != "-- ", depth
        if soft and delsp:
            out[-1] = out[-1][:-1]
    return "\n".join(out)


def unsurrogate(value: str) -> str:
    """Header text from the byte parser (raw 8-bit bytes kept as surrogates) as real characters."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return decode_bytes(value.encode("utf-8", "surrogateescape"), None)[0]


def _word_bytes(encoding: str, text: str) -> bytes | None:
    data = text.encode("ascii", "replace")
    if encoding == "q":
        return binascii.a2b_qp(data, header=True)
    data = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    if len(data) % 4 == 1:  # one stray character cannot be decoded; the rest can
        data = data[:-1]
    try:
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4))
    except binascii.Error:
        return None


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded; adjacent words of one charset are joined before decoding, as
    senders split multi-byte characters between them. Broken words stay as they were written."""
    pieces: list[tuple[str, bytes] | str] = []  # (charset, bytes) for encoded words, str for plain text
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if between and not (pieces and isinstance(pieces[-1], tuple) and between.isspace()):
            pieces.append(between)
        charset, data = match[1].lower(), _word_bytes(match[2].lower(), match[3])
        last = pieces[-1] if pieces else None
        if data is None:
            pieces.append(match[0])
        elif isinstance(last, tuple) and last[0] == charset:
            pieces[-1] = (charset, last[1] + data)
        else:
            pieces.append((charset, data))
        position = match.end()
    if not pieces:
        return value
    pieces.append(value[position:])
    return "".join(piece if isinstance(piece, str) else decode_bytes(piece[1], piece[0])[0] for piece in pieces)


def clean_text(text: str) -> str:
    """Unix line ends, and no control characters but tab and newline."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(value: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub("", value)).strip()


def header_text(raw: str) -> str:
    """A raw header value (folded, perhaps 8-bit, perhaps encoded words) as one line of text."""
    return one_line(decode_words(unsurrogate(raw)))


def message_ids(value: str) -> list[str]:
    """The "<...>" ids in a Message-ID, In-Reply-To or References header (at most MAX_IDS)."""
    ids = ["<" + re.sub(r"\s+", "", found) + ">" for found in _ID.findall(value) if found.strip()]
    if not ids and "@" in value:
        ids = ["<" + token.strip("<>") + ">" for token in value.split() if "@" in token]
    return ids[:MAX_IDS]


def address(value: str) -> str:
    """A lower-cased addr-spec, or "". Encoded words are never decoded here (RFC 2047 forbids them in an
    address), so "=?utf-8?q?agent?=@example.com" cannot pass for agent@example.com."""
    candidate = value.strip().strip("<>").strip().rstrip(".").lower()
    local, at, domain = candidate.rpartition("@")
    if at and " " in local and '"' not in local:  # obsolete syntax: words with spaces are one quoted local part
        candidate = '"' + " ".join(local.split()) + '"@' + domain
    return candidate if len(candidate) <= 254 and _ADDRESS.fullmatch(candidate) else ""


def addresses(raw: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header; pairs without a usable address are dropped."""
    try:
        found = getaddresses([unsurrogate(re.sub(r"\r?\n", "", raw))])
    except Exception:  # the address parser of some Python versions trips over odd input
        return []
    return [(header_text(name), cleaned) for name, found_address in found if (cleaned := address(found_address))]


def header_date(value: str) -> datetime | None:
    """A Date header as an aware datetime (UTC when the zone is missing), or None."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
