"""A document to index: pieces of text, each with its weight (A highest, D lowest) and language. Pure Python.

The same pieces become a PostgreSQL ``tsvector`` (:func:`tsvector`) or the columns of an SQLite FTS5 row
(:func:`fts_columns`): the words' analyses are made once, in Python, and the database is handed only terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tuki.search.analysis import Analyser, analyser, detect_language

# PostgreSQL keeps positions up to 16383 and 256 positions of one lexeme; more are dropped on its side anyway.
MAX_POSITION = 16383
MAX_POSITIONS_PER_TERM = 255
WEIGHTS = "ABCD"


@dataclass(frozen=True)
class Piece:
    text: str
    weight: str  # one of WEIGHTS
    language: str = ""  # the author's language: the text's own words may show it is in another one


def positions(piece: Piece, analysis: Analyser | None = None) -> list[tuple[str, ...]]:
    analysis = analysis or analyser()
    return analysis.positions(piece.text, detect_language(piece.text, default=piece.language or "fi"))


def _quote(term: str) -> str:
    """A term as a tsvector or tsquery literal understands it: in single quotes, with ' and \\ escaped."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(pieces: Sequence[Piece], analysis: Analyser | None = None) -> str:
    """The pieces as a tsvector literal: every term at its word's position, with its piece's weight.

    The terms of one word share its position, so a phrase finds "verkkotulostin toimii" by "tulostin toimii".
    Concatenated to a stored vector with ``||``, PostgreSQL moves these positions after the stored ones.
    """
    found: dict[str, list[str]] = {}
    position = 0
    for piece in pieces:
        for terms in positions(piece, analysis):
            position = min(position + 1, MAX_POSITION)
            for term in terms:
                at = found.setdefault(term, [])
                if len(at) < MAX_POSITIONS_PER_TERM:
                    at.append(f"{position}{piece.weight}")
        position = min(position + 1, MAX_POSITION)  # pieces are not one sentence: no phrase across them
    return " ".join(f"{_quote(term)}:{','.join(dict.fromkeys(at))}" for term, at in found.items())


def terms_text(piece: Piece, analysis: Analyser | None = None) -> str:
    """The piece's terms separated by spaces, each word's terms next to each other (for an FTS5 column)."""
    return " ".join(term for terms in positions(piece, analysis) for term in terms)
