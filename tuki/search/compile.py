"""A parsed query as PostgreSQL's ``tsquery`` or SQLite FTS5's MATCH expression. Pure Python.

Both are handed to the database as parameters, never spliced into SQL. ``weights`` (PostgreSQL) and ``columns``
(FTS5) restrict a search to part of a document: the portal searches everything but internal notes.
"""

from __future__ import annotations

from itertools import product

from tuki.search.documents import _quote
from tuki.search.query import Part, Phrase, Query, Term

MAX_PHRASE_VARIANTS = 16
NEAR_PER_WORD = 4  # FTS5 keeps a word's terms one after another: how far the next word may stand in a phrase


def tsquery(query: Query, weights: str = "", *, any_word: bool = False) -> str:
    """The query for ``vector @@ %s::tsquery``; "" when nothing is required. ``any_word``: OR, not AND."""
    if not query:
        return ""
    required = (" | " if any_word else " & ").join(_ts_part(part, weights) for part in query.required)
    if any_word and query.excluded:
        required = f"({required})"
    excluded = "".join(f" & !{_ts_part(part, weights)}" for part in query.excluded)
    return required + excluded


def _ts_lexeme(term: str, weights: str, prefix: bool = False) -> str:
    suffix = ("*" if prefix else "") + weights
    return _quote(term) + (f":{suffix}" if suffix else "")


def _ts_term(term: Term, weights: str, singles_only: bool = False) -> str:
    options = []
    for alternative in term.alternatives:
        if singles_only and len(alternative) > 1:
            continue
        lexemes = [_ts_lexeme(t, weights, term.prefix) for t in alternative]
        options.append(lexemes[0] if len(lexemes) == 1 else "(" + " & ".join(lexemes) + ")")
    return "(" + " | ".join(options) + ")"


def _ts_part(part: Part, weights: str) -> str:
    if isinstance(part, Term):
        return _ts_term(part, weights)
    out = ""
    distance = 0
    for term in part.terms:
        distance += 1
        if term is None:
            continue
        if out:
            out += f" <{distance}> " if distance > 1 else " <-> "
        out += _ts_term(term, weights, singles_only=True)
        distance = 0
    return "(" + out + ")"


def fts5(
    query: Query, columns: tuple[str, ...] = (), *, any_word: bool = False, within: tuple[str, str] | None = None
) -> str:
    """The query for ``table MATCH %s``; "" when nothing is required. ``any_word``: OR, not AND.

    ``within`` (a column and a term) keeps to the rows with that term in that column (a request's customer).
    """
    if not query:
        return ""
    expression = (" OR " if any_word else " AND ").join(_fts_part(part) for part in query.required)
    for part in query.excluded:
        expression = f"({expression}) NOT {_fts_part(part)}"
    if columns:
        expression = "{" + " ".join(columns) + "} : (" + expression + ")"
    if within:
        expression += f" AND {within[0]} : {_fts_string(within[1])}"
    return expression


def _fts_string(term: str, prefix: bool = False) -> str:
    return '"' + term.replace('"', '""') + '"' + ("*" if prefix else "")


def _fts_term(term: Term) -> str:
    options = []
    for alternative in term.alternatives:
        strings = [_fts_string(t, term.prefix) for t in alternative]
        options.append(strings[0] if len(strings) == 1 else "(" + " AND ".join(strings) + ")")
    return "(" + " OR ".join(options) + ")"


def _fts_part(part: Part) -> str:
    if isinstance(part, Term):
        return _fts_term(part)
    # FTS5's phrases take no alternatives, and a word's terms stand one after another: each combination of the
    # words' base forms is a NEAR group (in any order, within a few terms), the first few of them.
    words = [term for term in part.terms if term is not None]
    choices = [[alt[0] for alt in term.alternatives if len(alt) == 1] or [term.alternatives[0][0]] for term in words]
    variants = list(product(*choices))[:MAX_PHRASE_VARIANTS]
    distance = NEAR_PER_WORD * len(part.terms)
    groups = ["NEAR(" + " ".join(_fts_string(t) for t in variant) + f", {distance})" for variant in variants]
    return "(" + " OR ".join(groups) + ")"


__all__ = ["Phrase", "fts5", "tsquery"]
