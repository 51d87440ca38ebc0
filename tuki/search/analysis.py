"""Text to search terms: base forms in the text's language, Finnish compounds split, identifiers kept whole.

Pure Python, no Django. Finnish goes through Voikko (Debian's ``libvoikko1`` and ``voikko-fi``), which knows the
base form of every inflected form and the parts of a compound ("verkkotulostimen" is "verkkotulostin", made of
"verkko" and "tulostin"); Swedish and English through a Snowball stemmer. Without Voikko, Finnish falls back to
Snowball's Finnish stemmer, which finds most inflected forms but no compound parts; a warning says so once.

A text becomes a list of *positions*: each holds the terms of one word (its base forms, compound parts and the
words it is derived from), so that "verkkotulostin" is found by "tulostin" and a phrase still knows which words
stood next to each other. Identifiers (SR-1042), e-mail addresses, version numbers and error codes are kept as
they are, lower-cased, and are matched only exactly.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

try:  # the Python binding is a wheel; the library and the dictionary are Debian packages that may be missing
    import libvoikko
except ImportError:  # pragma: no cover - the binding is a locked dependency
    libvoikko = None

log = logging.getLogger(__name__)

LANGUAGES = ("fi", "sv", "en")
CACHE_SIZE = 200_000  # words: a support desk's vocabulary, with every inflected form, fits many times over

# An e-mail address, or a run of word characters joined by - . : / _ + (SR-1042, 4.2.1, 0x8007, vpn-yhteys).
TOKEN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\w+(?:[-.:/_+']\w+)*")
_DIGIT = re.compile(r"\d")

# Words too common to tell requests apart, as base forms (Finnish) or as written (Swedish, English).
STOPWORDS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        "ja olla se että kun tai mutta myös niin jo nyt vain joka mikä tämä tuo hän minä me te he sinä kuin "
        "jos sekä eli vai kuten koska siis vielä sitten voida ne nämä mitä mutta".split()
    ),
    "sv": frozenset(
        "och att det är inte som en ett för på med jag vi har kan till av om den de du ni han hon så men var "
        "eller från när nu också vara ska skulle".split()
    ),
    "en": frozenset(
        "the a an and is are was were be been to of not it for on with we have has can this that i you in at "
        "by or but from as do does did our your they he she will would should".split()
    ),
}
# What marks a text as written in a language: common words, and letters one of them uses.
_MARKERS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        "ja on ei eikä eivät että se kun ole tai mutta myös ovat oli voi miten kanssa nyt kiitos hei jälkeen "
        "vaikka joten mitä pitää".split()
    ),
    "sv": frozenset(
        "och är att det den inte som för på med jag vi har kan till av om tack hej när efter från går vid "
        "ett sin sina".split()
    ),
    "en": frozenset(
        "the and is are to of not it for on with we have can this that thanks hello does my was when in "
        "cannot please".split()
    ),
}
_SNOWBALL = {"fi": "finnish", "sv": "swedish", "en": "english"}
# Finnish verbs made from nouns ("laskuttaa" from "lasku", "kopioida" from "kopio"): the noun is looked up too,
# so that "laskutus" (billing) finds "laskujen lähettäminen" (sending invoices).
_VERB_ENDINGS = ("ttaa", "ttää", "oida", "öidä", "ida", "idä")
# One piece of Voikko's WORDBASES: "+surface(base)", where a base that starts with "+" is a derivational ending.
_SEGMENT = re.compile(r"\+([^(+]*)(?:\(([^)]*)\))?")


def detect_language(text: str, default: str = "fi") -> str:
    """The language of ``text`` among fi, sv and en, by its common words; ``default`` when it cannot tell."""
    words = re.findall(r"\w+", text[:2000].lower())
    # map over the set's own membership test: a generator would resume once per word and language.
    counts = {language: sum(map(markers.__contains__, words)) for language, markers in _MARKERS.items()}
    if "å" in text:
        counts["sv"] += 2
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] > counts.get(default, 0) else default


def tokens(text: str) -> Iterator[str]:
    """The words and exact tokens of ``text``, as written (a trailing dot of a sentence left out)."""
    for match in TOKEN.finditer(text):
        token = match.group().strip(".:/_+'-")
        if token:
            yield token


def is_exact(token: str) -> bool:
    """Identifiers, version numbers, error codes and e-mail addresses: matched as written, never analysed."""
    return "@" in token or bool(_DIGIT.search(token)) or ("." in token and not token.endswith("."))


@dataclass(frozen=True)
class WordAnalysis:
    """What one word means to search: the terms indexed at its position, and what a query for it may match.

    ``alternatives`` is an OR of ANDs: "verkkotulostin" is matched by the term itself or by both its parts.
    """

    terms: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]


_NOTHING = WordAnalysis((), ())


class Analyser:
    """Turns texts and query words into terms. One per process (see :func:`analyser`); thread-safe."""

    def __init__(self, *, voikko_language: str = "fi", cache_size: int = CACHE_SIZE) -> None:
        self._lock = threading.Lock()  # a Voikko handle serves one thread at a time
        self._voikko = _open_voikko(voikko_language)
        self._stemmers = {language: snowballstemmer.stemmer(name) for language, name in _SNOWBALL.items()}
        self.word = lru_cache(maxsize=cache_size)(self._word)

    @property
    def has_voikko(self) -> bool:
        return self._voikko is not None

    def positions(self, text: str, language: str) -> list[tuple[str, ...]]:
        """Each word of ``text`` as the terms at its position; a stopword keeps its (empty) position."""
        language = language if language in LANGUAGES else detect_language(text)
        return [self.word(token, language).terms for token in tokens(text)]

    def terms(self, text: str, language: str) -> list[str]:
        """Every term of ``text`` once, in order of appearance."""
        return list(dict.fromkeys(term for position in self.positions(text, language) for term in position))

    def query_word(self, token: str) -> WordAnalysis:
        """A query word, which may be in any of the languages: the alternatives of each, together."""
        if is_exact(token):
            return self.word(token, "fi")
        analyses = [self.word(token, language) for language in LANGUAGES]
        if any(not analysis.terms for analysis in analyses):
            return _NOTHING  # a stopword in one of the languages tells nothing in any of them
        alternatives = dict.fromkeys(alt for analysis in analyses for alt in analysis.alternatives)
        terms = dict.fromkeys(term for analysis in analyses for term in analysis.terms)
        return WordAnalysis(tuple(terms), tuple(alternatives))

    def _word(self, token: str, language: str) -> WordAnalysis:
        lower = token.lower()
        if is_exact(token):
            return WordAnalysis((lower,), ((lower,),))
        if lower in STOPWORDS.get(language, ()):
            return _NOTHING
        if language == "fi" and self._voikko is not None:
            return self._finnish(token, lower)
        stem = self._stemmers.get(language, self._stemmers["en"]).stemWord(lower)
        if stem in STOPWORDS.get(language, ()):
            return _NOTHING
        return _with_pieces(WordAnalysis((stem,), ((stem,),)), lower, language, self.word)

    def _finnish(self, token: str, lower: str) -> WordAnalysis:
        with self._lock:
            analyses: list[Any] = self._voikko.analyze(token)
        if not analyses:
            return self._unknown_finnish(lower)
        terms: dict[str, None] = {}
        alternatives: dict[tuple[str, ...], None] = {}
        for analysis in analyses:
            base = analysis.get("BASEFORM", lower).lower()
            if base in STOPWORDS["fi"]:
                return _NOTHING
            parts, roots = _structure(analysis.get("WORDBASES", ""), base)
            terms[base] = None
            alternatives[(base,)] = None
            if "-" in base:  # "PDF-tiedosto": Voikko knows it whole; "pdf" and "tiedosto" should find it too
                pieces = _with_pieces(_NOTHING, base, "fi", self.word)
                terms.update(dict.fromkeys(pieces.terms))
                alternatives.update(dict.fromkeys(pieces.alternatives))
            if len(parts) > 1:
                terms.update(dict.fromkeys(parts))
                alternatives[tuple(parts)] = None
                for part in parts:  # "laskutusjärjestelmä" is found by "lasku" as "laskutus" is
                    terms.update(dict.fromkeys(self._noun_of_verb(part)))
            for root in roots:
                for word in (root, *self._noun_of_verb(root)):
                    terms[word] = None
                    alternatives[(word,)] = None
        return WordAnalysis(tuple(terms), tuple(alternatives))

    def _unknown_finnish(self, lower: str) -> WordAnalysis:
        """A word Voikko does not know: a product name, a typo, or a hyphenated word ("vpn-yhteys")."""
        # Product names take Finnish endings ("Outlookissa"), and English words are written as they are:
        # Snowball's Finnish and English stems find those forms.
        stems = (lower, self._stemmers["fi"].stemWord(lower), self._stemmers["en"].stemWord(lower))
        terms = dict.fromkeys(stems)
        alternatives: dict[tuple[str, ...], None] = {(stem,): None for stem in terms}
        return _with_pieces(WordAnalysis(tuple(terms), tuple(alternatives)), lower, "fi", self.word)

    def _noun_of_verb(self, verb: str) -> list[str]:
        """The noun a Finnish verb is made from ("laskuttaa" from "lasku"), if Voikko knows it as a noun."""
        for ending in _VERB_ENDINGS:
            stem = verb[: -len(ending)]
            if verb.endswith(ending) and len(stem) >= 4:
                with self._lock:
                    found = self._voikko.analyze(stem)
                if any(a.get("CLASS") == "nimisana" and a.get("BASEFORM", "").lower() == stem for a in found):
                    return [stem]
        return []


def _with_pieces(analysis: WordAnalysis, word: str, language: str, analyse: Any) -> WordAnalysis:
    """A hyphenated word ("vpn-yhteys", "VPN-anslutningen") with the terms of each of its pieces as well; a query
    for the whole word is also matched by all of its pieces together."""
    pieces = [piece for piece in re.split(r"[-'’]", word) if piece]
    if len(pieces) < 2:
        return analysis
    parts: list[WordAnalysis] = [analyse(piece, language) for piece in pieces]
    terms = dict.fromkeys(analysis.terms)
    for part in parts:
        terms.update(dict.fromkeys(part.terms))
    alternatives = dict.fromkeys(analysis.alternatives)
    firsts = tuple(part.terms[0] for part in parts if part.terms)
    if firsts:
        alternatives[firsts] = None
    return WordAnalysis(tuple(terms), tuple(alternatives))


def _structure(wordbases: str, base: str) -> tuple[list[str], list[str]]:
    """The compound parts of a word and the words it is derived from, from Voikko's WORDBASES.

    "+verkko(verkko)+tulostin(tulostin)" is made of "verkko" and "tulostin"; "+laskut(laskuttaa)+us(+us)" is
    derived ("+us") from "laskuttaa"; "+käyttöönotto(käyttöön=otto)" is one piece made of two.
    """
    components: list[tuple[str, str]] = []  # (surface, root) of each part of a compound
    derived_from: list[str] = []
    for surface, root in _SEGMENT.findall(wordbases):
        root = root.lower()
        if not root and not components:  # a first part Voikko gives no base form of ("+etä+työ(työ)")
            components.append((surface.lower(), surface.lower()))
            continue
        if root.startswith("+") or not root:  # a derivational ending, or a joining letter: part of the last piece
            if components:
                previous_surface, previous_root = components[-1]
                components[-1] = (previous_surface + surface.lower(), previous_root)
                if root.startswith("+") and previous_root not in derived_from:
                    derived_from.append(previous_root)
            continue
        components.append((surface.lower(), root))
    if len(components) == 1 and "=" in components[0][1]:
        return [piece for piece in components[0][1].split("=") if piece], []
    if len(components) <= 1:
        return [], [root for root in derived_from if root != base]
    parts: list[str] = []
    prefix = ""
    for surface, root in components[:-1]:
        parts.append(surface)
        if root != surface:
            parts.append(root)
        prefix += surface
    last_surface, last_root = components[-1]
    parts.append(base[len(prefix) :] if base.startswith(prefix) and len(base) > len(prefix) else last_root)
    return list(dict.fromkeys(parts)), []


def _open_voikko(language: str) -> Any:
    if libvoikko is None:
        log.warning("Search: the Voikko binding is missing; Finnish falls back to the Snowball stemmer.")
        return None
    try:
        return libvoikko.Voikko(language)
    except (OSError, libvoikko.VoikkoException) as error:
        log.warning(
            "Search: Voikko cannot be used (%s); Finnish falls back to the Snowball stemmer, without compound "
            "parts. Install the Debian packages libvoikko1 and voikko-fi.",
            error,
        )
        return None


_lock = threading.Lock()
_analyser: Analyser | None = None


def analyser() -> Analyser:
    """The process's analyser, made on first use (opening Voikko takes a few milliseconds)."""
    global _analyser
    if _analyser is None:
        with _lock:
            if _analyser is None:
                _analyser = Analyser()
    return _analyser


def all_terms(positions: Iterable[tuple[str, ...]]) -> list[str]:
    return list(dict.fromkeys(term for position in positions for term in position))
