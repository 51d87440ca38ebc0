"""The handbook's search and the new-request suggestions analyse words as the requests' search does."""

from __future__ import annotations

from typing import Any

from tests.handbook.conftest import write
from tuki.handbook.selectors import article_search, suggest_articles


def test_inflected_forms_and_compounds_find_the_article(agent: Any, anna: Any, bertil: Any, org_b: Any) -> None:
    invoices = write(
        agent,
        "Laskujen lähettäminen",
        "Näin lähetät laskut asiakkaille sähköpostilla.",
        language="fi",
        public_to_all=True,
    )
    printer = write(
        agent,
        "Verkkotulostimen asentaminen",
        "Lisää verkkotulostin työasemalle ohjauspaneelista.",
        language="fi",
        public_to_all=True,
    )
    secret = write(agent, "Tulostimien huolto", "Vain Org B:lle.", language="fi", organisations=[org_b])
    assert [a.title for a in article_search(anna, "laskutus")] == [invoices.title]
    assert [a.title for a in article_search(anna, "tulostin")] == [printer.title]
    assert [a.title for a in article_search(anna, "tulostimen asennus")] == [printer.title]
    assert [a.title for a in suggest_articles(anna, "Laskutus ei toimi, asiakas ei saa laskua")] == [invoices.title]
    assert [a.title for a in suggest_articles(anna, "Tulostin on jumissa")] == [printer.title]
    assert {a.title for a in suggest_articles(bertil, "Tulostin on jumissa")} == {printer.title, secret.title}


def test_a_match_in_the_title_ranks_first(agent: Any, anna: Any) -> None:
    in_text = write(agent, "Toimiston laitteet", "Tulostimet ovat käytävällä.", language="fi", public_to_all=True)
    in_title = write(agent, "Tulostimet", "Ohjeet laitteille.", language="fi", public_to_all=True)
    assert [a.title for a in article_search(anna, "tulostin")] == [in_title.title, in_text.title]
