"""A few words of a text around what a search matched, the matched words marked. Escaped: safe to show."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tuki.search.analysis import TOKEN, analyser, detect_language
from tuki.search.query import Query

WORDS_AROUND = 12
MAX_TEXT = 20_000  # characters of a text looked at: a snippet from the start of a very long message will do


def snippet(texts: Iterable[str], query: Query, words_around: int = WORDS_AROUND) -> SafeString:
    """The first of ``texts`` with a match, cut around its first match, matches in <mark>; "" if none match."""
    analysis = analyser()
    for text in texts:
        text = text[:MAX_TEXT]
        language = detect_language(text)
        matches = list(TOKEN.finditer(text))
        marked = [_matches(analysis.word(m.group(), language).terms, m.group().lower(), query) for m in matches]
        if not any(marked):
            continue
        first = marked.index(True)
        start = max(0, first - words_around // 3)
        end = min(len(matches), start + words_around)
        out = ["… " if start else ""]
        cursor = matches[start].start() if start else 0
        for match, hit in zip(matches[start:end], marked[start:end], strict=True):
            out.append(escape(text[cursor : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>" if hit else escape(match.group()))
            cursor = match.end()
        out.append(" …" if end < len(matches) else escape(text[cursor:]))
        return mark_safe("".join(out).strip())  # noqa: S308 - every piece of the text is escaped above
    return mark_safe("")


def _matches(terms: tuple[str, ...], word: str, query: Query) -> bool:
    if any(term in query.highlight for term in terms):
        return True
    return any(word.startswith(prefix) or any(t.startswith(prefix) for t in terms) for prefix in query.prefixes)
