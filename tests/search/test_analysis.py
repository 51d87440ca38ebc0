"""The analysis and the query language, without a database."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from tuki.search.analysis import Analyser, analyser, detect_language, tokens
from tuki.search.compile import fts5, tsquery
from tuki.search.documents import Piece, terms_text, tsvector
from tuki.search.query import Phrase, Term, identifier_of, parse


def terms(text: str, language: str = "fi") -> set[str]:
    return set(analyser().terms(text, language))


def matches(query: str, text: str, language: str = "fi") -> bool:
    """Whether every required word of ``query`` has an alternative wholly among ``text``'s terms (no phrases)."""
    found = terms(text, language)
    parsed = parse(query)
    assert parsed, query
    for part in parsed.required:
        assert isinstance(part, Term)
        if part.prefix:
            if not any(t.startswith(part.alternatives[0][0]) for t in found):
                return False
        elif not any(set(alternative) <= found for alternative in part.alternatives):
            return False
    return True


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("tulostin", "Tulostimen jono on jumissa"),
        ("tulostin", "Tulostimet eivät näy"),
        ("tulostin", "Tulostimessa on paperitukos"),
        ("tulostin", "Verkkotulostin ei tulosta"),
        ("tulostimia", "verkkotulostimen ajuri puuttuu"),
        ("laskutus", "Laskujen lähettäminen epäonnistuu"),
        ("lasku", "Laskutusjärjestelmä ei toimi"),
        ("salasana", "Salasanani vaihtaminen ei onnistu"),
        ("käyttäjätunnus", "Käyttäjätunnukseni lukittiin"),
        ("tunnus", "Käyttäjätunnukseni lukittiin"),
        ("sähköposti", "sähköpostiosoitteet pitää vaihtaa"),
        ("vpn", "VPN-yhteys katkeaa"),
        ("outlook", "Viestit jäävät Outlookissa lähtevät-kansioon"),
        ("asennus", "Acrobat asennettuna koneelle"),
        ("skrivare", "Skrivaren skriver inte ut"),
        ("printers", "The printer does not print"),
    ],
)
def test_inflected_forms_and_compound_parts_are_found(query: str, text: str) -> None:
    assert matches(query, text)


def test_a_compound_is_found_by_its_parts_not_by_one_of_them_alone() -> None:
    assert matches("verkkotulostin", "verkon tulostin")  # both parts: a match
    assert not matches("verkkotulostin", "verkko on hidas")


def test_unrelated_words_are_not_matched_by_substrings() -> None:
    assert not matches("tulos", "Tulostin ei toimi")  # "tulos" (result) is not "tulostin"
    assert not matches("kone", "koneistus valmis")


def test_identifiers_addresses_versions_and_error_codes_stay_whole() -> None:
    text = "Katso SR-1042 ja CH-7, virhe 0x80070005, versio 4.2.1, matti.virtanen@example.fi ORA-27072."
    assert list(tokens(text))[1:3] == ["SR-1042", "ja"] or "SR-1042" in list(tokens(text))
    found = terms(text)
    assert {"sr-1042", "ch-7", "0x80070005", "4.2.1", "matti.virtanen@example.fi", "ora-27072"} <= found
    assert "1042" not in found and "example" not in found
    assert matches("sr-1042", text) and not matches("sr-1043", text)
    assert matches("MATTI.VIRTANEN@EXAMPLE.FI", text)
    assert not matches("4.2", text)


def test_identifier_of() -> None:
    assert identifier_of("SR-1042", "SR") == 1042
    assert identifier_of(" sr-01042 ", "SR") == 1042
    assert identifier_of("CH-7", "SR") is None
    assert identifier_of("SR-1042 tulostin", "SR") is None


def test_phrases_exclusion_and_prefix() -> None:
    query = parse('"tulostin ei toimi" -laskutus tulost* "" -')
    assert isinstance(query.required[0], Phrase)
    assert len(query.required) == 2 and query.required[1] == Term((("tulost",),), prefix=True)
    assert len(query.excluded) == 1
    ts = tsquery(query)
    assert "<->" in ts and "& !(" in ts and "'tulost':*" in ts
    assert fts5(query).count(" NOT ") == 1 and '"tulost"*' in fts5(query)


def test_the_portal_keeps_to_public_weights_and_columns() -> None:
    query = parse("tulostin")
    assert ":ABC" in tsquery(query, "ABC")
    assert fts5(query, ("subject", "body", "replies")).startswith("{subject body replies} : ")


@pytest.mark.parametrize("text", ["", "   ", "-", "-tulostin", '""', "%", "\\", "'", "ja", "*", "_", "__", "'_'"])
def test_nothing_searchable_is_an_empty_query(text: str) -> None:
    assert not parse(text)
    assert tsquery(parse(text)) == "" and fts5(parse(text)) == ""


def test_quotes_and_backslashes_cannot_break_out_of_a_term() -> None:
    query = parse("o'brien \"x\\y\" it's")
    assert tsquery(query)  # quoted and escaped; the database tests run such queries for real
    assert "''" in tsvector([Piece("o'brien", "A", "en")]) or "o'brien" not in terms("o'brien", "en")


def test_tsvector_puts_a_words_terms_at_one_position_with_the_pieces_weight() -> None:
    vector = tsvector([Piece("Verkkotulostin", "A", "fi"), Piece("tulostin toimii", "B", "fi")])
    assert "'verkkotulostin':1A" in vector and "'verkko':1A" in vector
    assert "'tulostin':1A,3B" in vector  # the second piece starts after a gap: no phrase across pieces
    assert terms_text(Piece("Verkkotulostimen", "A", "fi")) == "verkkotulostin verkko tulostin"


def test_language_detection() -> None:
    assert detect_language("Tulostin ei toimi ja jono on jumissa") == "fi"
    assert detect_language("Skrivaren är trasig och det går inte att skriva ut") == "sv"
    assert detect_language("The printer is broken and it does not print") == "en"
    assert detect_language("VPN", default="sv") == "sv"


def test_without_voikko_finnish_falls_back_to_snowball_with_a_warning(caplog: Any) -> None:
    with caplog.at_level(logging.WARNING, logger="tuki.search.analysis"):
        fallback = Analyser(voikko_language="xx-nonexistent")
    assert not fallback.has_voikko
    assert "Snowball" in caplog.text
    # Inflected forms still meet at one stem; compound parts are not found without Voikko.
    assert fallback.terms("tulostimen", "fi") == fallback.terms("tulostimet", "fi")
    assert "tulostin" not in fallback.terms("verkkotulostimen", "fi")
    assert fallback.terms("SR-1042", "fi") == ["sr-1042"]
    assert analyser().has_voikko  # the real one, on this machine


def test_analysis_is_fast_enough_to_index_2000_requests_a_second() -> None:
    text = (
        "Hei, kolmannen kerroksen verkkotulostimen jono on jumissa eikä mikään tulostu. Laskujen lähettäminen "
        "asiakkaille on myöhässä, koska laskutusjärjestelmä ei toimi. Virhe 0x80070005 versiossa 4.2.1. "
        "Tyhjensimme tulostusjonon ja käynnistimme tulostuspalvelimen uudelleen. Kiitos! SR-{n}"
    )
    analyser().positions(text, "fi")  # warm
    started = time.process_time()  # the CPU's time: the machine may be busy with other work
    for n in range(2000):
        pieces = [Piece(f"Tulostin ei toimi ({n})", "A", "fi"), Piece(text.format(n=n), "B", "fi")]
        tsvector(pieces)
    assert time.process_time() - started < 1.0
