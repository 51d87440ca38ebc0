"""Attachment files that a rolled-back transaction left behind are removed; files of requests never are."""

import os
import time
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tuki.tickets.models import Attachment
from tuki.tickets.services import ticket_create, ticket_reply
from tuki.tickets.tasks import attachments_remove_orphans

DAY = 24 * 3600


def _age(name: str, seconds: float) -> None:
    path = default_storage.path(name)
    then = time.time() - seconds
    os.utime(path, (then, then))


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", "application/pdf")


def test_only_old_files_without_a_row_are_removed(agent: Any, anna: Any, agreement_a: Any) -> None:
    ticket = ticket_create(actor=anna, requester=anna.contact, subject="Loki")
    ticket_reply(actor=anna, ticket=ticket, body="Loki liitteenä.", files=[_pdf("loki.pdf")])
    kept = Attachment.objects.get().file.name
    with pytest.raises(RuntimeError), transaction.atomic():  # a reply whose transaction fails after the upload
        ticket_reply(actor=anna, ticket=ticket, body="Toinen loki.", files=[_pdf("toinen.pdf")])
        raise RuntimeError
    folder = os.path.dirname(kept)
    left = default_storage.listdir(folder)[1]
    assert len(left) == 2 and Attachment.objects.count() == 1  # the row went with the transaction, the file stayed
    orphan = next(f"{folder}/{name}" for name in left if f"{folder}/{name}" != kept)
    young = default_storage.save("attachments/2026/11/just-now.pdf", ContentFile(b"%PDF-1.4"))

    for name in (kept, orphan):
        _age(name, 2 * DAY)
    assert attachments_remove_orphans.call_local() == 1
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept) and default_storage.exists(young)  # a young file may be a running upload
    assert attachments_remove_orphans.call_local() == 0
