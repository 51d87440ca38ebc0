"""Benchmark search at size: filling the index, the desk's search, and the handbook's suggestions.

Run from the repository root:

    .venv/bin/python bench/search.py [--requests 1000000] [--articles 5000] [--database sqlite|postgres]

Prints one JSON object on stdout (progress goes to stderr). Like bench/desk.py (whose world and loader it uses,
with Finnish subjects and messages instead of English ones) it works in a database of its own (PostgreSQL:
``tuki_search`` or ``--pg-name``, dropped before and after unless ``--keep``). It

1. migrates, makes the customers and loads the requests with five events each, as bench/desk.py does;
2. fills the search index of every request through ``manage.py search_reindex``'s function and reports the
   rate (requests a second), then VACUUM ANALYZEs (PostgreSQL) as autovacuum would;
3. times, in-process, the desk's queue page data (``queue_page``) searching one word (a few words in turn) and
   three words with a customer filter, by an agent, each ``--samples`` times;
4. writes ``--articles`` handbook articles (each indexed as it is saved) and times the new-request form's
   suggestions for a typical description.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import desk  # noqa: E402 - after the path is set

desk.PG_NAME = "tuki_search"  # a database of this benchmark's own, so that bench/desk.py may run at the same time
SAMPLES = 100
ONE_WORD = ["tulostin", "laskutus", "salasana", "varmuuskopio", "kirjautuminen", "tilaukset", "sertifikaatti"]
THREE_WORDS = ["tulostin ei toimi", "laskujen lähettäminen epäonnistuu", "salasana vaihtaminen virhe"]
SUGGEST = "Tulostin ei tulosta ja laskujen lähettäminen asiakkaille on jumissa, salasana vaihdettu eilen."
GOALS = {"one_word_p95_ms": 100, "three_words_filtered_p95_ms": 150, "suggest_p95_ms": 30, "index_rate": 2000}

# Realistic Finnish support texts for the loader (replacing bench/desk.py's English ones).
SUBJECTS_FI = [
    "Verkkotulostin ei tulosta",
    "Laskujen lähettäminen asiakkaille epäonnistuu",
    "Salasanan vaihtaminen ei onnistu intranetissä",
    "Yöllinen varmuuskopiointi epäonnistui",
    "Kirjautuminen asiakasportaaliin kestää minuutteja",
    "Verkkokaupan tilaukset eivät siirry toiminnanohjaukseen",
    "Sertifikaatti vanhenee ensi kuussa",
    "Intranetin haku ei löydä dokumentteja",
    "Uuden käyttäjäryhmän lisääminen",
    "Raportin vienti aikakatkaistaan",
    "Integraatio palauttaa virheen HTTP 500",
    "Laskupohjan muutospyyntö",
]
BODIES_FI = [
    "Selvitämme asiaa ja palaamme tänään.",
    "Voisitteko lähettää kuvakaappauksen virheilmoituksesta ja kellonajan, jolloin se tapahtui?",
    "Korjaus on asennettu tuotantoon; tarkistattehan, että se toimii teillä.",
    "Kiitos, nyt toimii.",
    "Lokissa näkyy aikakatkaisu maksunvälittäjän suuntaan kello 02.14. Tutkimme.",
    "Käynnistimme tuonnin uudelleen ja se valmistui. Syynä oli täynnä ollut levy.",
    "Tulostimen jono on edelleen jumissa osalla käyttäjistä, liitteenä lista.",
    "Suunniteltu seuraavaan huoltoikkunaan torstaina.",
]
ARTICLE_TOPICS = [
    ("Verkkotulostimen lisääminen työasemalle", "Lisää verkkotulostin ohjauspaneelin kautta ja valitse ajuri."),
    ("Laskujen lähettäminen sähköpostilla", "Laskut lähtevät laskutusjärjestelmästä asiakkaan osoitteeseen."),
    ("Salasanan vaihtaminen", "Vaihda salasana intranetin profiilisivulla; vähintään 12 merkkiä."),
    ("Varmuuskopioiden palauttaminen", "Varmuuskopio palautetaan ylläpidon pyynnöstä seuraavana päivänä."),
    ("VPN-yhteyden muodostaminen", "Asenna VPN-asiakas ja kirjaudu käyttäjätunnuksellasi."),
    ("Sähköpostin asetukset Outlookissa", "Outlookin tili lisätään automaattisesti sähköpostiosoitteella."),
]


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    desk.SUBJECTS[:] = SUBJECTS_FI
    desk.BODIES[:] = BODIES_FI
    vendor = connection.vendor
    desk.log(f"migrating a fresh {vendor} database")
    call_command("migrate", verbosity=0)
    world = desk.make_world()
    _data, load_seconds = desk.load(args.requests, world, vendor)
    desk.log(f"loaded {args.requests} requests in {load_seconds:.1f}s; indexing")
    index_rate = fill_index(vendor)
    desk.log(f"indexed {index_rate:.0f} requests a second")
    busy = desk.wait_for_quiet(args.wait)
    agent = world["agents"][0]
    organisation = int(world["organisation_ids"][9])
    one_word = time_queue(agent, [{"queue": "all", "q": w} for w in ONE_WORD], args.samples)
    desk.log(f"one word: {one_word}")
    filtered = [{"queue": "all", "q": w, "organisation": str(organisation)} for w in THREE_WORDS]
    three_words = time_queue(agent, filtered, args.samples)
    desk.log(f"three words with a filter: {three_words}")
    articles_seconds = write_articles(agent, args.articles)
    suggest = time_suggestions(agent, args.samples)
    desk.log(f"suggestions over {args.articles} articles: {suggest}")
    return {
        "database": vendor,
        "requests": args.requests,
        "articles": args.articles,
        "load_seconds": round(load_seconds, 1),
        "index_requests_per_second": round(index_rate),
        "articles_written_per_second": round(args.articles / articles_seconds),
        "desk_search_one_word_ms": one_word,
        "desk_search_three_words_filtered_ms": three_words,
        "handbook_suggestions_ms": suggest,
        "goals": GOALS,
        "info": {"cpu_busy_before_timing": round(busy, 2), "load_average": [round(x, 2) for x in os.getloadavg()]},
    }


def fill_index(vendor: str) -> float:
    from django.db import connection

    from tuki.tickets.search import reindex_all

    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10 or done == total:
            last[0] = time.perf_counter()
            desk.log(f"  indexed {done}/{total}")

    done = reindex_all(progress, batch=2000)
    seconds = time.perf_counter() - started
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tickets_ticket")
    return done / seconds


def time_queue(agent: Any, params: list[dict[str, str]], samples: int) -> dict[str, float]:
    from django.utils import timezone

    from tuki.tickets.queues import queue_page

    now = timezone.now()
    for p in params:  # warm: the analyser's cache, the database's pages
        queue_page(agent, p, now)
    times = []
    for n in range(samples):
        started = time.perf_counter()
        queue_page(agent, params[n % len(params)], now)
        times.append(time.perf_counter() - started)
    return desk.percentiles(times)


def write_articles(agent: Any, count: int) -> float:
    from django.db import transaction

    from tuki.handbook.models import Article

    started = time.perf_counter()
    with transaction.atomic():
        for n in range(count):
            title, body = ARTICLE_TOPICS[n % len(ARTICLE_TOPICS)]
            Article(
                title=f"{title} ({n})",
                slug=f"artikkeli-{n}",
                body=f"{body} Ohje {n}.",
                language="fi",
                public_to_all=True,
                published=True,
                author=agent,
            ).save()
    return time.perf_counter() - started


def time_suggestions(agent: Any, samples: int) -> dict[str, float]:
    from tuki.handbook.selectors import suggest_articles

    suggest_articles(agent, SUGGEST)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        suggest_articles(agent, SUGGEST)
        times.append(time.perf_counter() - started)
    return desk.percentiles(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--wait", type=float, default=60, help="seconds to wait at most for a quieter machine")
    parser.add_argument("--pg-name", default=desk.PG_NAME, help="the PostgreSQL database's name")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    args = parser.parse_args(argv)
    desk.PG_NAME = args.pg_name
    var_dir = Path(tempfile.mkdtemp(prefix="tuki-bench-search-"))
    desk.prepare_environment(args.database, var_dir)
    cleanup: list[Callable[[], None]] = []
    if args.database == "postgres":
        desk.pg_admin(f"DROP DATABASE IF EXISTS {desk.PG_NAME} WITH (FORCE)")
        desk.pg_admin(f"CREATE DATABASE {desk.PG_NAME}")
        cleanup.append(lambda: desk.pg_admin(f"DROP DATABASE IF EXISTS {desk.PG_NAME} WITH (FORCE)"))
    cleanup.append(lambda: shutil.rmtree(var_dir, ignore_errors=True))
    started = time.perf_counter()
    try:
        result = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            desk.log(f"kept {var_dir}" + (f" and database {desk.PG_NAME}" if args.database == "postgres" else ""))
        else:
            for step in cleanup:
                step()
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
