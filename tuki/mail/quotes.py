"""The new text of a reply: quoted history, attribution lines and the signature taken off.

Mail clients mark history in a handful of ways: "> " quoting under an attribution ("On ... wrote:",
"ti 3.12.2026 klo 10.12 Anna <anna@...> kirjoitti:", "Den ... skrev ...:"), Outlook's header block
("From: / Sent: / To: / Subject:", in the sender's language), "-----Original Message-----" lines, and a
signature under "-- ". Everything from the first history marker on is dropped, and so are quoted lines
elsewhere; replies written between quoted lines are kept. A forwarded message is content, not history.
"""

from __future__ import annotations

import re

_VERB = re.compile(
    r"\b(wrote|writes|kirjoitti|skrev|schrieb|a écrit|escribió|ha scritto|schreef|napisał)\b", re.IGNORECASE
)
_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}[:.]\d{2}")
_ORIGINAL = re.compile(
    r"[-_=*]{2,}\s*(original message|original e-?mail message|alkuperäinen viesti|ursprungligt meddelande|"
    r"ursprüngliche nachricht|message d'origine|mensaje original|oorspronkelijk bericht)\s*[-_=*]{2,}",
    re.IGNORECASE,
)
_FORWARDED = re.compile(r"forwarded message|välitetty viesti|vidarebefordrat|weitergeleitete nachricht", re.I)
_LABEL = re.compile(r"\s*\*?([^\W\d_]+)\*?\s*:")
_FROM_LABELS = set("from lähettäjä från von de van".split())
_OTHER_LABELS = set(
    "sent date lähetetty päivämäärä skickat datum gesendet envoyé enviado verzonden "  # sent / date
    "to vastaanottaja till an à para aan subject aihe ämne betreff objet asunto onderwerp".split()  # to / subject
)
_UNDERSCORES = re.compile(r"\s*_{10,}\s*")


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _label(line: str) -> str:
    match = _LABEL.match(line[:40])
    return match[1].lower() if match else ""


def _outlook_block(lines: list[str], index: int) -> bool:
    """An Outlook header block ("From:" then at least two of Sent/To/Subject) starts at ``index``."""
    if _label(lines[index]) not in _FROM_LABELS:
        return False
    others = sum(_label(line) in _OTHER_LABELS for line in lines[index + 1 : index + 6])
    if others < 2:
        return False
    above = [line for line in lines[max(0, index - 3) : index] if line.strip()]
    return not (above and _FORWARDED.search(above[-1]))


def _history_start(lines: list[str]) -> int:
    """Where the quoted history or the signature begins (len(lines) when neither does)."""
    for index, line in enumerate(lines):
        if _is_quote(line):
            continue
        stripped = line.strip()
        if line.rstrip() == "--" or (len(stripped) < 100 and _ORIGINAL.fullmatch(stripped)):
            return index
        if _outlook_block(lines, index):
            while index > 0 and (not lines[index - 1].strip() or _UNDERSCORES.fullmatch(lines[index - 1])):
                index -= 1
            return index
    return len(lines)


def _next_is_quote(lines: list[str], index: int) -> bool:
    following = next((lines[at] for at in range(index, len(lines)) if lines[at].strip()), "")
    return _is_quote(following)


def _is_attribution(text: str) -> bool:
    return len(text) < 400 and text.endswith(":") and _VERB.search(text) is not None


def _confident(text: str) -> bool:
    """An attribution line that names a date or an address, not just a sentence that ends in "wrote:"."""
    return "@" in text or _DATE.search(text) is not None


def _attribution_length(lines: list[str], index: int) -> int:
    """How many lines (0, 1 or 2: clients wrap long ones) of attribution start at ``index``."""
    first = lines[index].strip()
    if not first or _is_quote(first):
        return 0
    candidates = [(first, 1)]
    second = lines[index + 1].strip() if index + 1 < len(lines) else ""
    # A wrapped attribution: the first half ends mid-sentence and the second half is no full attribution itself.
    whole = _is_attribution(second) and _confident(second)
    if second and not _is_quote(second) and not whole and not first.endswith((".", "!", "?")):
        candidates.append((f"{first} {second}", 2))
    for text, length in candidates:
        if _is_attribution(text) and (_next_is_quote(lines, index + length) or _confident(text)):
            return length
    return 0


def _tidy(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def strip_quotes(text: str) -> str:
    """The new part of ``text``; the whole text when nothing would be left (a bare forward, say)."""
    lines = text.split("\n")
    lines = lines[: _history_start(lines)]
    kept: list[str] = []
    index = 0
    while index < len(lines):
        length = _attribution_length(lines, index)
        if length:
            rest = range(index + length, len(lines))
            if all(_is_quote(lines[at]) or not lines[at].strip() for at in rest):
                break
            index += length  # replies written between the quoted lines follow: keep them
            continue
        if not _is_quote(lines[index]):
            kept.append(lines[index])
        index += 1
    return _tidy(kept) or text.strip()
