"""Stored files that no row refers to are removed once old enough, under every file field of the project: an
attachment whose transaction rolled back, a raw inbound message whose intake died before its row was saved; files
that rows refer to never are."""

import os
import time
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tuki.core.files import file_directories, remove_orphaned_files
from tuki.core.tasks import ORPHAN_GRACE, files_remove_orphans
from tuki.mail.intake.entry import intake
from tuki.mail.models import InboundMessage, InboundSource
from tuki.tickets.models import Attachment
from tuki.tickets.services import ticket_create, ticket_reply

DAY = 24 * 3600
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings: Any, tmp_path: Any) -> None:
    # The sweep looks at every stored file: other tests' files must not be in its way.
    settings.MEDIA_ROOT = str(tmp_path)


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
    assert files_remove_orphans.call_local() == 1
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept) and default_storage.exists(young)  # a young file may be a running upload
    # Tonight's sweep is done (the job is claimed until tomorrow); a sweep now would find nothing more anyway.
    assert files_remove_orphans.call_local() is None
    assert remove_orphaned_files(timezone.now() - ORPHAN_GRACE) == 0


def test_every_file_field_of_the_project_is_swept() -> None:
    # Found from the models, so a new file field (a report's PDF, say) is covered without a line here.
    directories = {directory for _storage, directory in file_directories()}
    assert {"attachments", "mail/inbound"} <= directories


@pytest.mark.parametrize("directory", sorted({directory for _storage, directory in file_directories()}))
def test_an_old_file_without_a_row_is_removed_under_each_file_field(directory: str) -> None:
    orphan = default_storage.save(f"{directory}/2026/11/left-behind.bin", ContentFile(b"left behind"))
    _age(orphan, 2 * DAY)
    assert files_remove_orphans.call_local() == 1
    assert not default_storage.exists(orphan)


def test_a_raw_message_is_kept_while_its_row_exists(anna: Any, agreement_a: Any) -> None:
    raw = (
        b"From: anna@org-a.example\r\nTo: tuki@example.com\r\nSubject: Tulostin\r\n"
        b"Message-ID: <t1@org-a.example>\r\n\r\nEi tulosta.\r\n"
    )
    kept = InboundMessage.objects.get(pk=intake(raw, source=InboundSource.PIPE).inbound_id).raw.name
    # An intake that died after writing the message and before saving its row leaves a file like this one.
    interrupted = default_storage.save("mail/inbound/2026/11/interrupted.eml", ContentFile(raw))
    for name in (kept, interrupted):
        _age(name, 2 * DAY)
    assert files_remove_orphans.call_local() == 1
    assert default_storage.exists(kept) and not default_storage.exists(interrupted)
