"""The IMAP poller: reads the support mailbox into the intake, and marks a message only once it is taken.

Each message is fetched with ``BODY.PEEK[]`` (which leaves it unread) and handed to
:func:`tuki.mail.intake.entry.intake`. Only after the intake has committed is it moved to the processed folder
(``TUKI_MAIL_IMAP_PROCESSED_FOLDER``) or, without one, flagged ``\\Seen`` and with Tuki's keyword. A crash in
between does no harm: the next poll fetches it again, and the intake's unique key recognises it. A database
failure leaves the message untouched for the next poll; when the database is away altogether the poll stops.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from tuki.mail.intake.entry import intake
from tuki.mail.intake.store import TemporaryFailure
from tuki.mail.models import InboundSource

logger = logging.getLogger(__name__)

BATCH_BYTES = 8 * 1024 * 1024  # fetch several small messages in one round trip, big ones alone
BATCH_COUNT = 50
SEEN = b"\\Seen"


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ssl: bool = True
    processed_folder: str = "Tuki/Processed"
    keyword: str = "TukiProcessed"
    timeout: int = 60

    @classmethod
    def from_settings(cls) -> MailboxConfig:
        return cls(
            host=settings.TUKI_MAIL_IMAP_HOST,
            port=settings.TUKI_MAIL_IMAP_PORT,
            user=settings.TUKI_MAIL_IMAP_USER,
            password=settings.TUKI_MAIL_IMAP_PASSWORD,
            folder=settings.TUKI_MAIL_IMAP_FOLDER,
            ssl=settings.TUKI_MAIL_IMAP_SSL,
            processed_folder=settings.TUKI_MAIL_IMAP_PROCESSED_FOLDER,
            keyword=settings.TUKI_MAIL_IMAP_KEYWORD,
            timeout=settings.TUKI_MAIL_IMAP_TIMEOUT,
        )


@dataclass
class PollResult:
    fetched: int = 0
    taken: int = 0
    duplicates: int = 0
    failed: int = 0
    stopped: bool = False
    statuses: dict[str, int] = field(default_factory=dict)


def poll_mailbox(config: MailboxConfig | None = None, *, limit: int | None = None) -> PollResult:
    """Read every unprocessed message of the mailbox (at most ``limit``) into the intake."""
    config = config or MailboxConfig.from_settings()
    result = PollResult()
    with IMAPClient(config.host, port=config.port, ssl=config.ssl, timeout=config.timeout) as client:
        client.login(config.user, config.password)
        processed = _processed_folder(client, config.processed_folder)
        client.select_folder(config.folder)
        criteria: list[Any] = ["NOT", "DELETED"]
        if processed is None:
            criteria += ["UNKEYWORD", config.keyword]
        uids = sorted(client.search(criteria))
        if limit is not None:
            uids = uids[:limit]
        for batch in _batches(client, uids):
            done: list[int] = []
            try:
                for uid, raw in _fetch(client, batch):
                    result.fetched += 1
                    try:
                        taken = intake(raw, source=InboundSource.IMAP)
                    except TemporaryFailure as failure:
                        result.failed += 1
                        logger.warning("IMAP message %s left in the mailbox for the next poll: %s", uid, failure)
                        if failure.unavailable:
                            result.stopped = True
                            break
                        continue
                    done.append(uid)
                    result.duplicates += taken.duplicate
                    result.taken += not taken.duplicate
                    result.statuses[taken.status] = result.statuses.get(taken.status, 0) + 1
            finally:
                # Committed messages are marked even when the batch stops half-way.
                _mark(client, done, processed, config.keyword)
            if result.stopped:
                break
        client.logout()
    return result


def _batches(client: IMAPClient, uids: Sequence[int]) -> Iterator[list[int]]:
    """UIDs in groups of at most BATCH_COUNT messages and BATCH_BYTES (a bigger message goes alone)."""
    for start in range(0, len(uids), BATCH_COUNT * 4):
        chunk = list(uids[start : start + BATCH_COUNT * 4])
        sizes = client.fetch(chunk, ["RFC822.SIZE"])
        batch: list[int] = []
        total = 0
        for uid in chunk:
            size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
            if batch and (total + size > BATCH_BYTES or len(batch) >= BATCH_COUNT):
                yield batch
                batch, total = [], 0
            batch.append(uid)
            total += size
        if batch:
            yield batch


def _fetch(client: IMAPClient, batch: list[int]) -> Iterator[tuple[int, bytes]]:
    data = client.fetch(batch, ["BODY.PEEK[]"])
    for uid in batch:
        item = data.get(uid)
        raw = item.get(b"BODY[]") if item else None
        if raw is None:  # expunged by someone else meanwhile
            continue
        yield uid, bytes(raw)


def _processed_folder(client: IMAPClient, name: str) -> str | None:
    """The processed folder's name in the server's own hierarchy separator, created when missing."""
    if not name:
        return None
    separator = _separator(client)
    folder = separator.join(part for part in name.split("/") if part)
    if not client.folder_exists(folder):
        try:
            client.create_folder(folder)
        except IMAPClientError:
            if not client.folder_exists(folder):  # another poller created it meanwhile: fine
                raise
    return folder


def _separator(client: IMAPClient) -> str:
    try:
        namespaces = client.namespace()
        personal = namespaces.personal or ()
        if personal and personal[0][1]:
            separator = personal[0][1]
            return separator.decode() if isinstance(separator, bytes) else str(separator)
    except IMAPClientError:
        pass
    listing = client.list_folders(pattern="INBOX")
    if listing and listing[0][1]:
        delimiter = listing[0][1]
        return delimiter.decode() if isinstance(delimiter, bytes) else str(delimiter)
    return "/"


def _mark(client: IMAPClient, uids: list[int], processed: str | None, keyword: str) -> None:
    if not uids:
        return
    if processed is None:
        client.add_flags(uids, [SEEN, keyword.encode()], silent=True)
        return
    client.add_flags(uids, [SEEN], silent=True)
    if client.has_capability("MOVE"):
        client.move(uids, processed)
        return
    client.copy(uids, processed)
    client.delete_messages(uids, silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        client.expunge()
