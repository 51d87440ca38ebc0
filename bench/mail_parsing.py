"""Our hand-written mail parsing helpers against libraries that do the same jobs, measured on the mail corpus.

Run from the repository root, with the candidate libraries installed (those missing are reported as such):

    .venv/bin/python bench/mail_parsing.py

Prints one JSON object on stdout. The corpus is read in place from ../shared/mail-corpus (beside the
repository) or TUKI_MAIL_CORPUS, never copied. Three jobs, each with what "at least as well" means:

* HTML to text (ours: tuki.mail.htmltext; html2text, inscriptis) on every HTML body of the corpus. The facts
  to keep come from lxml's tree of the same HTML: no markup or entities left that the HTML's own text does not
  have, its words kept (recall), links kept (the address of each link whose text does not show it), list items
  and paragraphs each starting a line, paragraphs set off by a blank line; milliseconds per body; and for
  hostile input (unclosed tags, deep nesting, many entities) how the time grows when the input doubles.
* Quoted replies (ours: tuki.mail.quotes; email-reply-parser, mail-parser-reply) on the hand-labelled corpus
  messages of tests/mail/corpus_labels.py and on replies written the ways Finnish and Swedish customers' mail
  clients write them (the cases of tests/mail/test_parsing.py): every labelled new line kept, every labelled
  quoted line removed.
* Charsets (ours: tuki.mail.decoding; charset-normalizer) on the corpus parts that are mislabelled (the corpus
  stores some legacy-charset parts as UTF-8 under their old label), and on texts of the corpus and of Tuki's
  own languages encoded in the charsets mail uses and sent with no label or a wrong one: the exact text back.
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuki.settings")

import django  # noqa: E402

django.setup()

from tests.mail.corpus_labels import REPLIES, Label, line_checks  # noqa: E402
from tuki.mail.decoding import decode_bytes  # noqa: E402
from tuki.mail.htmltext import html_to_text  # noqa: E402
from tuki.mail.parsing import parse_message  # noqa: E402
from tuki.mail.quotes import strip_quotes  # noqa: E402

CORPUS = Path(os.environ.get("TUKI_MAIL_CORPUS") or ROOT.parent / "shared" / "mail-corpus")
HOSTILE_SECONDS = 20  # a converter slower than this on one hostile input is reported as "over"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.box"))


def leaves(raw: bytes) -> Iterator[EmailMessage]:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    for part in message.walk():
        if not part.is_multipart() and isinstance(part, EmailMessage):
            yield part


def part_bytes(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def timed(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def optional(module: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        return None


# ------------------------------------------------------------------------------------------------- HTML to text


def html_converters() -> dict[str, Callable[[str], str] | None]:
    converters: dict[str, Callable[[str], str] | None] = {"ours": html_to_text}
    html2text = optional("html2text")
    if html2text is None:
        converters["html2text"] = None
    else:

        def with_html2text(html: str) -> str:
            converter = html2text.HTML2Text()
            converter.body_width = 0  # no wrapping: mail clients wrap themselves
            converter.ignore_images = True
            converter.ignore_emphasis = True
            converter.unicode_snob = True
            return str(converter.handle(html))

        converters["html2text"] = with_html2text
    inscriptis = optional("inscriptis")
    if inscriptis is None:
        converters["inscriptis"] = None
    else:
        config = optional("inscriptis.model.config").ParserConfig(display_links=True)
        converters["inscriptis"] = lambda html: str(inscriptis.get_text(html, config))
    return converters


_TAG_LEFT = re.compile(
    r"</?(?:html|head|body|div|span|p|br|a|table|tbody|tr|td|th|ul|ol|li|img|font|b|i|u|strong|em|style|script"
    r"|meta|center|blockquote|h[1-6]|hr|pre|o:p)\b[^<>]*>",
    re.IGNORECASE,
)
_ENTITY_LEFT = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_LINE_START = re.compile(r"^[\s>*+\-•·\d.)\]|]*")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def normal(text: str) -> str:
    return " ".join(text.split())


def plain(line: str) -> str:
    """A line without quoting, bullets, numbering and Markdown's link syntax (which some converters write)."""
    return normal(_LINE_START.sub("", _MARKDOWN_LINK.sub(r"\1", line)).replace("\\", ""))


def line_starts(text: str) -> set[str]:
    """The first 20 characters of each line."""
    return {plain(line)[:20] for line in text.split("\n") if line.strip()}


def html_facts(html: str) -> dict[str, Any] | None:
    """What a faithful text version of ``html`` keeps, read from lxml's tree."""
    lxml_html = optional("lxml.html")
    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # empty or unreadable: nothing to compare with
        return None
    for element in tree.xpath("//script|//style|//head|//title"):
        element.drop_tree()
    text = tree.text_content()
    links = []
    for anchor in tree.xpath("//a[@href]"):
        href = anchor.get("href", "").strip()
        if href.startswith(("http://", "https://")) and href.rstrip("/") not in anchor.text_content():
            links.append(href)
    items = [head for li in tree.xpath("//li") if (head := normal(li.text_content())[:20])]
    paragraphs = [head for p in tree.xpath("//p") if (head := normal(p.text_content())[:20])]
    return {"text": text, "links": links, "items": items, "paragraphs": paragraphs}


def gap_before(text: str, head: str) -> bool:
    """Whether the line starting with ``head`` has a blank line before it (or starts the text)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if plain(line).startswith(head):
            return index == 0 or not lines[index - 1].strip(" >\t")
    return False


def html_bodies() -> list[tuple[str, str]]:
    bodies = []
    for path in corpus_files():
        for number, part in enumerate(leaves(path.read_bytes())):
            if part.get_content_type() == "text/html":
                text, _ = decode_bytes(part_bytes(part), part.get_content_charset())
                bodies.append((f"{path.name}#{number}", text))
    return bodies


def hostile_inputs(size: int) -> dict[str, str]:
    return {
        "unclosed tags": "<a " * size,
        "nesting": "<div>" * size + "x",
        "entities": "a&amp;b " * size,
        "open comment": "<!--" + "x" * size * 5,
        "long attribute": '<a href="' + "x" * size * 5,
    }


class _Over(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Over


def seconds_or_over(function: Callable[[str], Any], html: str) -> float | None:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HOSTILE_SECONDS)
    try:
        return round(timed(function, html)[1], 4)
    except _Over:
        return None
    except RecursionError:
        return -1.0
    finally:
        signal.alarm(0)


def compare_html() -> dict[str, Any]:
    bodies = [(name, html, facts) for name, html in html_bodies() if (facts := html_facts(html)) is not None]
    results: dict[str, Any] = {"bodies": len(bodies)}
    for name, convert in html_converters().items():
        if convert is None:
            results[name] = "not installed"
            continue
        counts: Counter[str] = Counter()
        seconds = []
        for _, html, facts in bodies:
            try:
                out, spent = timed(convert, html)
            except Exception:
                counts["raised"] += 1
                continue
            seconds.append(spent)
            reference = facts["text"]
            counts["markup left"] += len(_TAG_LEFT.findall(out)) > len(_TAG_LEFT.findall(reference))
            counts["entities left"] += len(_ENTITY_LEFT.findall(out)) > len(_ENTITY_LEFT.findall(reference))
            wanted, got = Counter(_WORD.findall(reference.lower())), Counter(_WORD.findall(out.lower()))
            counts["words"] += sum(wanted.values())
            counts["words kept"] += sum((wanted & got).values())
            starts = line_starts(out)
            counts["links"] += len(facts["links"])
            counts["links kept"] += sum(link in out for link in facts["links"])
            counts["list items"] += len(facts["items"])
            counts["list items on a line"] += sum(head in starts for head in facts["items"])
            counts["paragraphs"] += len(facts["paragraphs"])
            counts["paragraphs on a line"] += sum(head in starts for head in facts["paragraphs"])
            counts["paragraphs after a blank line"] += sum(gap_before(out, head) for head in facts["paragraphs"])
        growth = {}
        for kind, small in hostile_inputs(20_000).items():
            large = hostile_inputs(40_000)[kind]
            first = seconds_or_over(convert, small)
            second = seconds_or_over(convert, large)
            growth[kind] = {"seconds at 1x": first, "seconds at 2x": second}
        results[name] = {
            "bodies with markup left": counts["markup left"],
            "bodies with entities left": counts["entities left"],
            "bodies that raised": counts["raised"],
            "word recall": round(counts["words kept"] / max(1, counts["words"]), 4),
            "links kept": f"{counts['links kept']}/{counts['links']}",
            "list items on a line of their own": f"{counts['list items on a line']}/{counts['list items']}",
            "paragraphs on a line of their own": f"{counts['paragraphs on a line']}/{counts['paragraphs']}",
            "paragraphs after a blank line": f"{counts['paragraphs after a blank line']}/{counts['paragraphs']}",
            "ms per body (mean)": round(1000 * statistics.fmean(seconds), 3),
            "ms per body (max)": round(1000 * max(seconds), 3),
            "hostile input (None: over 20 s, -1: recursion error)": growth,
        }
    return results


# ---------------------------------------------------------------------------------------------- quoted replies

# Replies as the customers' mail clients write them (Finnish, Swedish, English, German): (whole text, new text).
WRITTEN = [
    (
        "Kiitos, nyt toimii!\n\nAnna\n\nti 3.12.2026 klo 10.12 Tuki <tuki@support.example> kirjoitti:\n\n"
        "> Hei Anna,\n>\n> kokeilkaa uudestaan.\n",
        "Kiitos, nyt toimii!\n\nAnna",
    ),
    (
        "Toimii nyt.\n\nOn Tue, Dec 3, 2026 at 10:12 AM Tuki <tuki@support.example>\nwrote:\n> Kokeilkaa.\n",
        "Toimii nyt.",
    ),
    ("Toimii nyt.\n\nOn 3.12.2026 10.12, Tuki wrote:\n> Kokeilkaa uudestaan.\n", "Toimii nyt."),
    (
        "Fungerar nu.\n\nDen tis 3 dec. 2026 kl 10:12 skrev Tuki <tuki@support.example>:\n> Försök igen.\n",
        "Fungerar nu.",
    ),
    ("Geht jetzt.\n\nAm 03.12.2026 um 10:12 schrieb Tuki:\n> Bitte noch einmal.\n", "Geht jetzt."),
    ("Toimii nyt.\n\nTuki kirjoitti:\n> Kokeilkaa uudestaan.\n", "Toimii nyt."),
    (
        "Toimii nyt.\n\nTerveisin Anna\n\n________________________________\nFrom: Tuki <tuki@support.example>\n"
        "Sent: Tuesday, December 3, 2026 10:12\nTo: Anna Asiakas\nSubject: RE: [SR-1042] Kirjautuminen\n\n"
        "Kokeilkaa uudestaan.\n",
        "Toimii nyt.\n\nTerveisin Anna",
    ),
    (
        "Toimii nyt.\n\nTerveisin Anna\n\nLähettäjä: Tuki <tuki@support.example>\nLähetetty: tiistai 3. "
        "joulukuuta 2026 10.12\nVastaanottaja: Anna Asiakas\nAihe: VS: [SR-1042] Kirjautuminen\n\nKokeilkaa.\n",
        "Toimii nyt.\n\nTerveisin Anna",
    ),
    (
        "Fungerar nu.\n\nHälsningar Anna\n\n*Från:* Tuki\n*Skickat:* den 3 december 2026 10:12\n*Till:* Anna\n"
        "*Ämne:* SV: Inloggning\n\nFörsök igen.\n",
        "Fungerar nu.\n\nHälsningar Anna",
    ),
    (
        "Toimii nyt.\n\nTerveisin Anna\n\n-----Original Message-----\nFrom: Tuki\nKokeilkaa uudestaan.\n",
        "Toimii nyt.\n\nTerveisin Anna",
    ),
    ("Toimii nyt.\n\n-----Alkuperäinen viesti-----\nKokeilkaa uudestaan.\n", "Toimii nyt."),
    ("Toimii nyt.\n\n-- \nAnna Asiakas\nOrg A Oy\n+358 40 123 4567\n", "Toimii nyt."),
    (
        "On 3.12.2026 10.12, Tuki wrote:\n> Mikä selain on käytössä?\n\nFirefox 140.\n\n"
        "> Entä käyttöjärjestelmä?\n\nWindows 11.\n",
        "Firefox 140.\n\nWindows 11.",
    ),
    ("Kollegani wrote:\nJärjestelmä ei vastaa.\n", "Kollegani wrote:\nJärjestelmä ei vastaa."),
]


def quote_strippers() -> dict[str, Callable[[str], str] | None]:
    strippers: dict[str, Callable[[str], str] | None] = {"ours": strip_quotes}
    simple = optional("email_reply_parser")
    strippers["email-reply-parser"] = (
        None if simple is None else (lambda text: simple.EmailReplyParser.parse_reply(text))
    )
    multi = optional("mailparser_reply")
    if multi is None:
        strippers["mail-parser-reply"] = None
    else:
        parser = multi.EmailReplyParser(languages=["en", "de", "sv", "fr", "es", "nl", "da"])
        strippers["mail-parser-reply"] = lambda text: parser.parse_reply(text) or ""
    return strippers


def tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().split("\n") if line.strip())


def compare_quotes() -> dict[str, Any]:
    labelled: list[tuple[str, str, Label]] = []
    for name, label in REPLIES.items():
        path = next(CORPUS.rglob(name), None)
        if path is not None:
            labelled.append((name, parse_message(path.read_bytes()).full_text, label))
    results: dict[str, Any] = {"corpus messages labelled": len(labelled), "written replies": len(WRITTEN)}
    for name, strip in quote_strippers().items():
        if strip is None:
            results[name] = "not installed"
            continue
        right, wrong, seconds = 0, [], []
        for message, full_text, label in labelled:
            out, spent = timed(strip, full_text)
            seconds.append(spent)
            kept, removed = line_checks(full_text, label)
            lines = {line.strip() for line in out.split("\n")}
            if all(line in lines for line in kept) and not any(line in lines for line in removed):
                right += 1
            else:
                wrong.append(message)
        written = sum(tidy(strip(whole)) == tidy(new) for whole, new in WRITTEN)
        results[name] = {
            "corpus messages right": f"{right}/{len(labelled)}",
            "corpus messages wrong": wrong,
            "written replies right": f"{written}/{len(WRITTEN)}",
            "ms per message (mean)": round(1000 * statistics.fmean(seconds), 3),
        }
    return results


# ---------------------------------------------------------------------------------------------------- charsets

# Texts in Tuki's own languages, for the charsets Finnish and Swedish mail is sent in.
OWN_TEXTS = [
    "Hyvää päivää, tulostin ei toimi. Käyttäjä ei pääse kirjautumaan järjestelmään.",
    "Hej, skrivaren fungerar inte. Användaren kan inte logga in, vänligen återkom så snart som möjligt.",
    "Yöajo epäonnistui: tiedostoa ei löytynyt. Pyydämme korjausta pikaisesti, kiitos!",
    "Åtgärden påverkar även användare på ekonomiavdelningen. Med vänliga hälsningar, Åsa Öberg",
]
CHARSETS_FOR = {  # a text's script -> the charsets mail in it is commonly sent in
    "latin": ["utf-8", "cp1252", "iso-8859-1", "iso-8859-15"],
    "central": ["utf-8", "cp1250", "iso-8859-2"],
    "cyrillic": ["utf-8", "cp1251", "koi8-r"],
    "cjk": ["utf-8", "gb18030", "big5", "shift_jis", "euc-jp", "euc-kr"],
}
WRONG_LABEL = {"utf-8": "iso-8859-1"}  # mislabelled legacy text is said to be UTF-8, and UTF-8 to be Latin-1


def script(text: str) -> str:
    if re.search(r"[\u0400-\u04ff]", text):
        return "cyrillic"
    if re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", text):
        return "cjk"
    if re.search(r"[čřšžěůőűłńąę]", text, re.IGNORECASE):
        return "central"
    return "latin"


def corpus_texts() -> list[str]:
    """Plain text parts of the corpus that decode cleanly under their own label, trimmed to 2,000 characters."""
    texts = []
    for path in corpus_files():
        for part in leaves(path.read_bytes()):
            charset = part.get_content_charset() or ""
            if part.get_content_type() != "text/plain" or not charset:
                continue
            data = part_bytes(part)
            try:
                text = data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
            if not text.isascii() and "\ufffd" not in text:
                texts.append(text[:2000])
    return texts


def mislabelled_parts() -> list[tuple[bytes, str, str]]:
    """(bytes, label, right text): corpus parts stored as UTF-8 under a legacy label (see the corpus README)."""
    found = []
    for path in corpus_files():
        for part in leaves(path.read_bytes()):
            charset = (part.get_content_charset() or "").lower()
            encoding = str(part.get("content-transfer-encoding", "")).lower()
            if (
                part.get_content_maintype() != "text"
                or charset in ("", "utf-8")
                or encoding in ("base64", "quoted-printable")
            ):
                continue
            data = part_bytes(part)
            try:
                right = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if not right.isascii():
                found.append((data, charset, right))
    return found


def damage(text: str) -> tuple[bytes, str, str] | None:
    """UTF-8 with the last byte of the middle non-ASCII character lost, labelled UTF-8; the right reading
    has a replacement character in its place and every other character right."""
    wide = [index for index, char in enumerate(text) if ord(char) > 127]
    if not wide:
        return None
    at = wide[len(wide) // 2]
    data = text[:at].encode() + text[at].encode()[:-1] + text[at + 1 :].encode()
    return data, "utf-8", text[:at] + "\ufffd" + text[at + 1 :]


def decoders() -> dict[str, Callable[[bytes, str | None], str] | None]:
    found: dict[str, Callable[[bytes, str | None], str] | None] = {
        "ours": lambda data, label: decode_bytes(data, label)[0]
    }
    normalizer = optional("charset_normalizer")
    if normalizer is None:
        found["charset-normalizer"] = None
        found["ours, guessing with charset-normalizer"] = None
        return found

    def detect(data: bytes) -> str:
        best = normalizer.from_bytes(data).best()
        return str(best) if best is not None else data.decode("utf-8", "replace")

    def label_then_detect(data: bytes, label: str | None) -> str:
        if label and label.lower() not in ("us-ascii", "ascii"):
            try:
                return data.decode(label)
            except (LookupError, UnicodeDecodeError):
                pass
        return detect(data)

    found["charset-normalizer"] = lambda data, label: detect(data)
    found["ours, guessing with charset-normalizer"] = label_then_detect
    return found


def compare_charsets() -> dict[str, Any]:
    cases: dict[str, list[tuple[bytes, str | None, str]]] = {
        "corpus, mislabelled": mislabelled_parts(),
        "no label": [],
        "wrong label": [],
        "damaged UTF-8": [],
    }
    own = [(text, "own") for text in OWN_TEXTS] + [(text, "corpus") for text in corpus_texts()]
    for text, _origin in own:
        for charset in CHARSETS_FOR[script(text)]:
            try:
                data = text.encode(charset)
            except UnicodeEncodeError:
                continue
            cases["no label"].append((data, None, text))
            cases["wrong label"].append((data, WRONG_LABEL.get(charset, "utf-8"), text))
        damaged = damage(text)
        if damaged is not None:
            cases["damaged UTF-8"].append(damaged)
    own_texts = set(OWN_TEXTS)
    results: dict[str, Any] = {kind: len(items) for kind, items in cases.items()}
    for name, decode in decoders().items():
        if decode is None:
            results[name] = "not installed"
            continue
        row: dict[str, Any] = {}
        seconds = []
        for kind, items in cases.items():
            right = own_right = own_total = 0
            for data, label, text in items:
                out, spent = timed(decode, data, label)
                seconds.append(spent)
                right += out == text
                if text in own_texts:
                    own_total += 1
                    own_right += out == text
            row[kind] = f"{right}/{len(items)}"
            if own_total:
                row[f"{kind}, Finnish and Swedish"] = f"{own_right}/{own_total}"
        row["ms per text (mean)"] = round(1000 * statistics.fmean(seconds), 3)
        results[name] = row
    return results


def main() -> None:
    if not corpus_files():
        sys.exit(f"No *.box files under {CORPUS}; set TUKI_MAIL_CORPUS.")
    print(
        json.dumps(
            {"html to text": compare_html(), "quotes": compare_quotes(), "charsets": compare_charsets()}, indent=2
        )
    )


if __name__ == "__main__":
    main()
