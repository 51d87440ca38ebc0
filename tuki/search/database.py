"""The index on the database in use: a ``tsvector`` column on PostgreSQL, an FTS5 table on SQLite.

The domains name their column or table; the SQL here takes only names written in our code, and every value
(terms, queries) as a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Model, QuerySet, Value
from django.db.models.expressions import RawSQL

from tuki.search.compile import fts5, tsquery
from tuki.search.query import Query

M = TypeVar("M", bound=Model)
RANKED = 2_000  # the newest matches of a search ranked by relevance (see Index.ranked_ids)
CANDIDATES = 5 * RANKED  # on SQLite, the newest matches among which those are looked for first
SCOPE_PREFIX = "s"  # a scope's token in an FTS5 scope column: "s42" for scope 42

# FTS5's words are our terms separated by spaces: no character inside a term splits it (sr-1042, 4.2.1, a@b.fi).
FTS5_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '-.@_+:/'''"


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


class _TsQuery(Func):
    template = "CAST(%(expressions)s AS tsquery)"


class Matches(Func):
    """``vector @@ query``: true where the stored vector matches the tsquery text."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, column: str, query: str) -> None:
        super().__init__(F(column), _TsQuery(Value(query)))


class Rank(Func):
    """``ts_rank``: frequent matches and matches in heavy pieces (the subject) count most. (``ts_rank_cd`` also
    rewards matches close together, at a higher cost per row: a search ranks up to RANKED rows.)"""

    function = "ts_rank"
    output_field = FloatField()

    def __init__(self, column: str, query: str) -> None:
        super().__init__(F(column), _TsQuery(Value(query)))


class _Stored(Func):
    template = "COALESCE(%(expressions)s, ''::tsvector)"
    output_field = SearchVectorField()


class _TsVector(Func):
    template = "CAST(%(expressions)s AS tsvector)"
    output_field = SearchVectorField()


class Appended(Func):
    """The stored vector with a tsvector literal's terms after its own (``||`` shifts their positions)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = SearchVectorField()

    def __init__(self, column: str, vector: str) -> None:
        super().__init__(_Stored(F(column)), _TsVector(Value(vector)))


def gin_merge_pending(index: str) -> int:
    """Merge the GIN index's pending list into the index proper; how many pages it held (0 on SQLite).

    With ``fastupdate`` (PostgreSQL's default) each write appends its terms to a pending list, cheaply, and the
    write that finds the list past ``gin_pending_list_limit`` (4 MB) merges all of it, making its request wait
    (0.2 to 0.4 s at 300,000 requests, more on a larger index). Autovacuum would merge it first, but on a table
    of a million rows it runs only after some 200,000 changes. Every search also reads the whole list: 16 ms more
    per search with 2 MB pending. A periodic job calls this instead, off every request's path.
    """
    if not on_postgresql():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        return int(cursor.fetchone()[0])


def fts_ids(table: str, match: str) -> RawSQL:
    """The rowids of an FTS5 table's rows that match: for ``pk__in``."""
    return RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [match])  # noqa: S608, S611 - our name


def fts_insert(table: str, rows: Iterable[tuple[int, Sequence[str]]], columns: Sequence[str]) -> None:
    """Put the rows (rowid and each column's terms) in the FTS5 table, replacing any under the same rowid."""
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * (len(columns) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT OR REPLACE INTO {table} (rowid, {names}) VALUES ({marks})",  # noqa: S608 - our own names
            [(rowid, *values) for rowid, values in rows],
        )


def fts_append(table: str, rowid: int, column: str, terms: str) -> None:
    """Add terms to one column of a row. The row's other terms are re-read by FTS5, never re-analysed."""
    if not terms:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} || ' ' || %s WHERE rowid = %s",  # noqa: S608 - our names
            [terms, rowid],
        )


def fts_create(table: str, columns: Sequence[str], schema_editor: Any) -> None:
    names = ", ".join(columns)
    schema_editor.execute(
        f'CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({names}, tokenize="{FTS5_TOKENIZER}")'
    )


def scope_token(scope: int) -> str:
    """What an FTS5 scope column holds for ``scope`` (one term, never one of a text's: those are in other columns)."""
    return f"{SCOPE_PREFIX}{scope}"


@dataclass(frozen=True)
class Index:
    """Where a model's terms are: ``vector`` (its tsvector column) on PostgreSQL, ``table`` (FTS5, one column per
    weight from A, rowid = the row's primary key) on SQLite; ``bm25`` weighs the FTS5 columns.

    ``scope`` names an FTS5 column after the weighted ones holding :func:`scope_token` of the row's scope (a
    request's customer): a search within one scope is then narrowed inside the FTS5 index, before any row of the
    model is read, and bm25 ranks only the scope's matches. It weighs nothing in bm25.
    """

    vector: str
    table: str
    columns: tuple[str, ...]
    bm25: tuple[float, ...]
    scope: str = ""

    @property
    def fts_columns(self) -> tuple[str, ...]:
        """Every column of the FTS5 table, in order."""
        return (*self.columns, self.scope) if self.scope else self.columns

    def search(
        self,
        queryset: QuerySet[M],
        query: Query,
        *,
        weights: str = "",
        any_word: bool = False,
        scope: int | None = None,
    ) -> QuerySet[M]:
        """The rows of ``queryset`` that match, in no particular order.

        ``weights`` keeps to the pieces of those weights (the portal: no internal notes); ``any_word`` matches a
        row with any of the query's words instead of all (suggestions from a long description); ``scope`` says
        that ``queryset`` holds rows of that scope only (a customer filter): on SQLite the FTS5 query is narrowed
        to it. A query with nothing searchable ("%", "-word" alone, only stopwords) finds nothing.
        """
        if not query:
            return queryset.none()
        if on_postgresql():
            return queryset.filter(Matches(self.vector, tsquery(query, weights, any_word=any_word)))
        return queryset.filter(pk__in=fts_ids(self.table, self._match(query, weights, any_word, scope)))

    def ranked_ids(
        self,
        queryset: QuerySet[M],
        query: Query,
        *,
        weights: str = "",
        any_word: bool = False,
        start: int = 0,
        stop: int = 100,
        scope: int | None = None,
    ) -> list[int]:
        """The primary keys of the matching rows of ``queryset``, best first, from ``start`` to ``stop``.

        Equal matches come newest (highest key) first. Only the newest RANKED matches are ranked (a common word
        in a million requests would take seconds; older matches are found by a search sorted by date), each
        once: PostgreSQL's ``ts_rank`` in the query, FTS5's bm25 in one query over their rowids (bm25 in a
        subquery per row would read the terms' whole lists again for every row). Within a ``scope`` (see
        :meth:`search`) the matches are usually fewer than RANKED, and then every one of them is ranked.
        """
        if not query or stop <= start:
            return []
        found = self.search(queryset, query, weights=weights, any_word=any_word, scope=scope)
        if on_postgresql():
            newest = found.order_by("-pk").values("pk")[:RANKED]
            rank = Rank(self.vector, tsquery(query, weights, any_word=any_word))
            ordered = queryset.filter(pk__in=newest).annotate(search_rank=rank).order_by(F("search_rank").desc(), "-pk")
            return list(ordered.values_list("pk", flat=True)[start:stop])
        match = self._match(query, weights, any_word, scope)
        # The newest RANKED of the filtered matches are looked for among the newest CANDIDATES matches first (FTS5
        # reads its lists backwards and stops there; a common word has a quarter of a million), and among all
        # of them only when the filters leave fewer than RANKED of those.
        among_newest, params = (
            queryset.filter(pk__in=RawSQL("SELECT pk FROM candidates", []))  # noqa: S611 - our CTE's name
            .order_by()
            .values("pk")
            .query.sql_with_params()
        )
        candidates = (
            f"candidates AS MATERIALIZED (SELECT rowid AS pk FROM {self.table} "  # noqa: S608 - our names
            f"WHERE {self.table} MATCH %s ORDER BY rowid DESC LIMIT {CANDIDATES}), "
        )
        ids, counts = self._ranked_sqlite(candidates, among_newest, [match, *params], match, start, stop)
        if counts is not None and (counts[0] == RANKED or counts[1] < CANDIDATES):
            return ids
        everywhere, params = found.order_by().values("pk").query.sql_with_params()
        return self._ranked_sqlite("", everywhere, list(params), match, start, stop)[0]

    def _ranked_sqlite(
        self, candidates: str, matches: str, params: list[Any], match: str, start: int, stop: int
    ) -> tuple[list[int], tuple[int, int] | None]:
        """The ids from ``start`` to ``stop`` of the newest RANKED ``matches`` (SQL) ranked by bm25, and with
        ``candidates`` (a CTE), how many of those there were and how many candidates."""
        weights_sql = ", ".join(str(float(w)) for w in (*self.bm25, *([0.0] if self.scope else [])))
        counts = "(SELECT count(*) FROM c), (SELECT count(*) FROM candidates)" if candidates else "NULL, NULL"
        # bm25 from one MATCH over the range of rowids of the newest matches (FTS5 seeks to it); each set
        # materialised: folded into the outer query, SQLite would run the MATCH again for every row. The counts
        # come in a row of their own, so that they come even when no match is left on the page.
        sql = (
            f"WITH {candidates}c AS MATERIALIZED (SELECT pk FROM ({matches}) ORDER BY pk DESC LIMIT {RANKED}), "  # noqa: S608
            f"s AS MATERIALIZED (SELECT rowid AS id, bm25({self.table}, {weights_sql}) AS score FROM {self.table} "
            f"WHERE {self.table} MATCH %s AND rowid >= (SELECT min(pk) FROM c)) "
            f"SELECT NULL, NULL, {counts} UNION ALL SELECT * FROM (SELECT s.id, s.score, NULL, NULL FROM s "
            "WHERE s.id IN (SELECT pk FROM c) ORDER BY s.score, s.id DESC LIMIT %s OFFSET %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, match, stop - start, start])
            rows = cursor.fetchall()
        found = sorted((row for row in rows if row[0] is not None), key=lambda row: (row[1], -row[0]))
        totals = next(row[2:] for row in rows if row[0] is None)
        return [row[0] for row in found], (None if totals[0] is None else (totals[0], totals[1]))

    def _match(self, query: Query, weights: str, any_word: bool, scope: int | None) -> str:
        columns = tuple(self.columns["ABCD".index(w)] for w in weights) if weights else ()
        if not self.scope:
            return fts5(query, columns, any_word=any_word)
        # The query's words never match the scope column: "s42" typed into the search box is a text's word.
        within = (self.scope, scope_token(scope)) if scope is not None else None
        return fts5(query, columns or self.columns, any_word=any_word, within=within)
