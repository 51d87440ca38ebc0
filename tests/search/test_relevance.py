"""Relevance: Finnish, Swedish and English queries against support requests written for it, through the desk's
search on the database in use. The requests (relevance_documents.json) and the queries with the requests each
must find (relevance_queries.json) are checked in as data.

recall@10: of the requests a query must find, the share among its first ten results. precision@10: of the
(at most ten) results shown, the share that it must find. "Before" is the search this replaced (every word as a
substring of subject, description and messages, as SQLite did), computed on the same data for comparison.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tuki.search.query import parse
from tuki.tickets.models import Ticket
from tuki.tickets.search import ranked_ids
from tuki.tickets.services import ticket_create, ticket_note, ticket_reply

HERE = Path(__file__).parent
DOCUMENTS = json.loads((HERE / "relevance_documents.json").read_text(encoding="utf-8"))
QUERIES: dict[str, list[list[Any]]] = json.loads((HERE / "relevance_queries.json").read_text(encoding="utf-8"))
K = 10


@pytest.fixture
def corpus(agent: Any, anna: Any, agreement_a: Any) -> dict[int, str]:
    keys = {}
    for document in DOCUMENTS:
        ticket = ticket_create(
            actor=anna, requester=anna.contact, subject=document["subject"], description=document["description"]
        )
        for reply in document.get("replies", []):
            ticket_reply(actor=agent, ticket=ticket, body=reply)
        for note in document.get("notes", []):
            ticket_note(actor=agent, ticket=ticket, body=note)
        keys[ticket.pk] = document["key"]
    return keys


def _before(text: str) -> list[str]:
    """The replaced search: every word a substring (case-folded) of the request's text, newest first."""
    words = text.lower().split()
    found = []
    for document in reversed(DOCUMENTS):
        haystack = " ".join(
            [document["subject"], document["description"], *document.get("replies", []), *document.get("notes", [])]
        ).lower()
        if words and all(word in haystack for word in words):
            found.append(document["key"])
    return found


def _scores(results: list[str], relevant: list[str]) -> tuple[float, float]:
    top = results[:K]
    hits = len(set(top) & set(relevant))
    return hits / len(relevant), (hits / len(top) if top else 0.0)


def test_relevance(corpus: dict[int, str], capsys: Any) -> None:
    report = {}
    misses = []
    for language, queries in QUERIES.items():
        recall = precision = recall_before = precision_before = 0.0
        for text, relevant in queries:
            found = ranked_ids(Ticket.objects.all(), parse(text), public_only=False, start=0, stop=K)
            results = [corpus[pk] for pk in found]
            r, p = _scores(results, relevant)
            rb, pb = _scores(_before(text), relevant)
            recall, precision = recall + r, precision + p
            recall_before, precision_before = recall_before + rb, precision_before + pb
            if r < 1:
                misses.append(f"{language} {text!r}: {sorted(set(relevant) - set(results))} not found")
        n = len(queries)
        report[language] = {
            "queries": n,
            "recall@10": round(recall / n, 3),
            "precision@10": round(precision / n, 3),
            "recall@10 before": round(recall_before / n, 3),
            "precision@10 before": round(precision_before / n, 3),
        }
    with capsys.disabled():
        print("\nrelevance:", json.dumps(report), "\nmissed:", *misses, sep="\n  ")
    assert len(QUERIES["fi"]) >= 60 and len(QUERIES["sv"]) >= 20 and len(QUERIES["en"]) >= 20
    assert report["fi"]["recall@10"] >= 0.95
    assert report["sv"]["recall@10"] >= 0.9
    assert report["en"]["recall@10"] >= 0.9
