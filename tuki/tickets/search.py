"""What of a request is searched, and how its index is kept: by the services, in the write's own transaction.

Weights: the subject A (highest); the description, the requester's and the customer's names and the external
reference B; public replies and logged calls C; internal notes D. The portal searches A to C only: a contact's
search never answers from an internal note. On PostgreSQL the terms are in ``Ticket.search_vector`` (a GIN
index, migration 0011); on SQLite in the FTS5 table ``TABLE``, one column per weight and one holding the
request's customer (:data:`SCOPE`, so that a search within one customer is narrowed in the index), under the
request's id.

A request's own identifier is not indexed: a search for an identifier goes straight to that request
(:func:`tuki.search.query.identifier_of`), and the identifier is known only after the row is inserted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.safestring import SafeString

from tuki.accounts.models import User
from tuki.core.scoping import visible_to
from tuki.search.analysis import detect_language
from tuki.search.database import (
    Appended,
    Index,
    fts_append,
    fts_insert,
    gin_merge_pending,
    on_postgresql,
    scope_token,
)
from tuki.search.documents import Piece, terms_text, tsvector
from tuki.search.query import Query, identifier_of
from tuki.search.snippets import snippet
from tuki.tickets.models import Ticket, TicketEvent

TABLE = "tickets_ticket_search"
WEIGHTED = ("subject", "body", "replies", "notes")  # weights A, B, C, D
SCOPE = "organisation"  # the customer's scope_token; requests never move to another customer
COLUMNS = (*WEIGHTED, SCOPE)  # the FTS5 table's
COLUMN_OF = dict(zip("ABCD", WEIGHTED, strict=True))
PUBLIC_WEIGHTS = "ABC"
BM25_WEIGHTS = (10.0, 4.0, 2.0, 1.0)
VECTOR = "search_vector"
GIN_INDEX = "ticket_search_vector"  # migration 0011
INDEX = Index(VECTOR, TABLE, WEIGHTED, BM25_WEIGHTS, scope=SCOPE)


@dataclass(frozen=True)
class Source:
    """What a new request is indexed by (its messages come later, one by one)."""

    subject: str
    description: str
    requester_name: str
    organisation_name: str
    external_reference: str = ""  # the customer's own desk's ticket number
    language: str = ""  # the author's language: the default when the text itself does not tell


def pieces_of(source: Source) -> list[Piece]:
    names = f"{source.requester_name} {source.organisation_name} {source.external_reference}".strip()
    return [
        Piece(source.subject, "A", source.language),
        Piece(source.description, "B", source.language),
        Piece(names, "B", source.language),
    ]


def index_new(ticket: Ticket, source: Source) -> None:
    """Before the request's INSERT: on PostgreSQL the vector goes in with the row, at no extra cost."""
    if on_postgresql():
        ticket.search_vector = tsvector(pieces_of(source))


def index_inserted(ticket: Ticket, source: Source) -> None:
    """After the request's INSERT (SQLite: the FTS5 row needs the new id)."""
    if not on_postgresql():
        fts_insert(TABLE, [(ticket.pk, _columns(pieces_of(source), ticket.organisation_id))], COLUMNS)


def index_append(ticket_id: int, piece: Piece, update: dict[str, object]) -> None:
    """Index ``piece`` (a reply, a note, a new subject) with the request's other terms, without re-reading them.

    On PostgreSQL it joins the caller's own UPDATE of the request (``update`` gets the column's new value); on
    SQLite it is one UPDATE of the FTS5 row. Either way inside the caller's transaction.
    """
    if on_postgresql():
        vector = tsvector([piece])
        if vector:
            update[VECTOR] = Appended(VECTOR, vector)
    else:
        fts_append(TABLE, ticket_id, COLUMN_OF[piece.weight], terms_text(piece))


def search(
    queryset: QuerySet[Ticket], query: Query, *, public_only: bool, organisation_id: int | None = None
) -> QuerySet[Ticket]:
    """The requests of ``queryset`` that match, in no particular order (the queue's own sorts apply).

    ``organisation_id``: ``queryset`` holds that customer's requests only (its filter is the caller's); the
    search is narrowed to them in the index as well, which is much quicker than filtering its matches.
    """
    weights = PUBLIC_WEIGHTS if public_only else ""
    return INDEX.search(queryset, query, weights=weights, scope=organisation_id)


def ranked_ids(
    queryset: QuerySet[Ticket],
    query: Query,
    *,
    public_only: bool,
    start: int,
    stop: int,
    organisation_id: int | None = None,
) -> list[int]:
    """The matching requests' ids, best match first and, among equals, the most recent first.

    ``organisation_id`` as for :func:`search`: within one customer, every match is ranked (see ``Index``).
    """
    weights = PUBLIC_WEIGHTS if public_only else ""
    return INDEX.ranked_ids(queryset, query, weights=weights, start=start, stop=stop, scope=organisation_id)


def identified(user: User, text: str) -> Ticket | None:
    """The request ``text`` names by its identifier ("SR-1042"), if ``user`` may see it: a search jumps to it."""
    number = identifier_of(text, settings.TUKI_REQUEST_PREFIX)
    if number is None:
        return None
    return visible_to(user, Ticket).filter(pk=number).only("pk").first()


def ticket_snippets(tickets: Sequence[Ticket], query: Query, *, public_only: bool) -> dict[int, SafeString]:
    """For each request, its words around the match: subject, description, then its messages (one query).

    ``public_only`` leaves internal notes out, as the portal's search does. The requests must have their
    description loaded.
    """
    if not tickets or not query:
        return {}
    events = TicketEvent.objects.filter(ticket_id__in=[t.pk for t in tickets]).exclude(body="")
    if public_only:
        events = events.filter(public=True)
    bodies: dict[int, list[str]] = {}
    for ticket_id, body in events.order_by("-created_at", "-pk").values_list("ticket_id", "body"):
        bodies.setdefault(ticket_id, []).append(body)
    found = {}
    for ticket in tickets:
        text = snippet([ticket.description, *bodies.get(ticket.pk, [])], query)
        if text:
            found[ticket.pk] = text
    return found


def _columns(pieces: Sequence[Piece], organisation_id: int) -> list[str]:
    """The FTS5 row: each weight's terms, then the customer's scope token."""
    by_column: dict[str, list[str]] = {column: [] for column in WEIGHTED}
    for piece in pieces:
        by_column[COLUMN_OF[piece.weight]].append(terms_text(piece))
    return [*(" ".join(part for part in parts if part) for parts in by_column.values()), scope_token(organisation_id)]


def documents(ticket_ids: Sequence[int]) -> Iterator[tuple[int, int, list[Piece]]]:
    """Every piece of these requests with their customer's id, read in two queries: for filling the index
    (:func:`reindex`)."""
    rows = Ticket.objects.filter(pk__in=ticket_ids).values_list(
        "pk",
        "organisation_id",
        "subject",
        "description",
        "requester__user__full_name",
        "organisation__name",
        "external_reference",
    )
    messages: dict[int, list[Piece]] = {}
    events = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids)
        .exclude(body="")
        .order_by("created_at", "pk")
        .values_list("ticket_id", "public", "body")
    )
    for ticket_id, public, body in events:  # replies and calls are the customer's to search; notes are not
        messages.setdefault(ticket_id, []).append(Piece(body, "C" if public else "D"))
    for pk, organisation_id, subject, description, requester, organisation, reference in rows:
        language = detect_language(f"{subject}\n{description}")
        source = Source(subject, description, requester or "", organisation or "", reference or "", language=language)
        yield pk, organisation_id, [*pieces_of(source), *messages.get(pk, [])]


def reindex(ticket_ids: Iterable[int]) -> int:
    """Rebuild the index of these requests from what they hold now; how many were indexed."""
    ids = list(ticket_ids)
    built = list(documents(ids))
    if on_postgresql():
        vectors = [(tsvector(pieces), pk) for pk, _organisation_id, pieces in built]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE tickets_ticket SET {VECTOR} = CAST(%s AS tsvector) WHERE id = %s",  # noqa: S608
                vectors,
            )
    else:
        fts_insert(TABLE, [(pk, _columns(pieces, organisation_id)) for pk, organisation_id, pieces in built], COLUMNS)
    return len(built)


BATCH = 1000


def reindex_all(progress: Callable[[int, int], None] = lambda done, total: None, batch: int = BATCH) -> int:
    """Rebuild the whole index, a batch of requests per transaction; ``progress(done, total)`` after each."""
    ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            done += reindex(ids[start : start + batch])
        progress(done, len(ids))
    return done


def merge_pending() -> int:
    """PostgreSQL: merge the terms the latest writes left pending into the GIN index (see ``gin_merge_pending``)."""
    return gin_merge_pending(GIN_INDEX)
