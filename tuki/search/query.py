"""A search as typed, understood: words, "quoted phrases", -excluded words and prefix* searches. Pure Python.

Every word is analysed as the index is (:mod:`tuki.search.analysis`), in any of the languages, so "tulostimia"
finds "verkkotulostin" and "skrivarna" finds "skrivaren". A word too common to mean anything (ja, och, the) is
left out, and so is anything that is not a word at all: no input is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tuki.search.analysis import Analyser, analyser, is_exact, tokens

MAX_QUERY_LENGTH = 200
MAX_PARTS = 12  # words and phrases; more cost time and mean nothing more
MIN_PREFIX = 2
IDENTIFIER = re.compile(r"^\s*([A-Za-z]{1,10})-0*(\d{1,18})\s*$")

_CHUNK = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


@dataclass(frozen=True)
class Term:
    """One word of a query: matched when any alternative has all its terms (see ``WordAnalysis``)."""

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False  # the one term is the start of a term in the index


@dataclass(frozen=True)
class Phrase:
    """Words that must stand in this order next to each other; None stands for a stopword's place."""

    terms: tuple[Term | None, ...]


Part = Term | Phrase


@dataclass(frozen=True)
class Query:
    required: tuple[Part, ...] = ()
    excluded: tuple[Part, ...] = ()
    # The lower-cased terms a result's words are highlighted by (their own analyses are compared to these).
    highlight: frozenset[str] = field(default_factory=frozenset)
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.required)


def identifier_of(text: str, prefix: str) -> int | None:
    """The number of the request ``text`` names ("SR-1042", "sr-01042"), if it is exactly an identifier."""
    match = IDENTIFIER.match(text)
    if match and match.group(1).upper() == prefix.upper():
        return int(match.group(2))
    return None


def parse(text: str, analysis: Analyser | None = None) -> Query:
    """The query ``text`` means. An empty Query (false) when nothing in it can be searched for."""
    analysis = analysis or analyser()
    required: list[Part] = []
    excluded: list[Part] = []
    highlight: set[str] = set()
    prefixes: list[str] = []
    for match in _CHUNK.finditer(text[:MAX_QUERY_LENGTH]):
        quoted = match.group(2) is not None
        negative = bool(match.group(1) if quoted else match.group(3))
        chunk = match.group(2) if quoted else match.group(4)
        parts: list[Part] = []
        if quoted:
            phrase = _phrase(chunk, analysis)
            if phrase is not None:
                parts.append(phrase)
        elif chunk.endswith("*") and not is_exact(chunk.rstrip("*")):
            start = next(tokens(chunk), "").lower()
            if len(start) >= MIN_PREFIX:
                parts.append(Term(((start,),), prefix=True))
                prefixes.append(start)
        else:
            for token in tokens(chunk):
                term = _term(token, analysis)
                if term is not None:
                    parts.append(term)
        target = excluded if negative else required
        target.extend(parts)
        if not negative:
            for part in parts:
                highlight.update(_terms_of(part))
    return Query(tuple(required[:MAX_PARTS]), tuple(excluded[:MAX_PARTS]), frozenset(highlight), tuple(prefixes))


def _term(token: str, analysis: Analyser) -> Term | None:
    word = analysis.query_word(token)
    return Term(word.alternatives) if word.alternatives else None


def _phrase(text: str, analysis: Analyser) -> Part | None:
    terms = [_term(token, analysis) for token in tokens(text)]
    while terms and terms[0] is None:
        terms.pop(0)
    while terms and terms[-1] is None:
        terms.pop()
    if not terms:
        return None
    if len(terms) == 1:
        return terms[0]
    return Phrase(tuple(terms))


def _terms_of(part: Part) -> set[str]:
    terms = part.terms if isinstance(part, Phrase) else (part,)
    return {t for term in terms if term is not None for alt in term.alternatives for t in alt}
