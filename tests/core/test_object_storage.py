"""Stored files on S3-compatible storage (a real moto server): uploads land in the bucket, downloads are served
as attachments through Tuki, the orphan sweep and the readiness probe work there too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.object_storage import keys
from tests.portal.test_requests import PDF, _form
from tuki.core.files import remove_orphaned_files
from tuki.tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_an_upload_lands_in_the_bucket_and_downloads_as_an_attachment(
    client: Client, anna: Any, agreement_a: Any, s3_bucket: Any
) -> None:
    client.force_login(anna)
    upload = SimpleUploadedFile("error.pdf", PDF, content_type="application/pdf")
    assert client.post("/portal/requests/new/", _form(attachments=[upload])).status_code == 302
    attachment = Attachment.objects.get()
    assert keys(s3_bucket) == [attachment.file.name]
    assert s3_bucket.get_object(Bucket=s3_bucket.tuki_bucket, Key=attachment.file.name)["Body"].read() == PDF

    ticket = Ticket.objects.get()
    response = client.get(f"/portal/requests/{ticket.identifier}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="error.pdf"')
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == PDF


def test_two_uploads_of_one_name_keep_both(s3_bucket: Any) -> None:
    first = default_storage.save("attachments/2027/12/log.txt", ContentFile(b"one"))
    second = default_storage.save("attachments/2027/12/log.txt", ContentFile(b"two"))
    assert first != second and len(keys(s3_bucket)) == 2


def test_the_orphan_sweep_removes_only_files_without_a_row(
    client: Client, anna: Any, agreement_a: Any, s3_bucket: Any
) -> None:
    client.force_login(anna)
    client.post("/portal/requests/new/", _form(attachments=[SimpleUploadedFile("a.pdf", PDF, "application/pdf")]))
    kept = Attachment.objects.get().file.name
    orphan = default_storage.save("attachments/2027/12/left-behind.pdf", ContentFile(PDF))
    # A bucket's objects are dated by the server: "older than" is asked as of a moment after they were written.
    assert remove_orphaned_files(timezone.now() - timedelta(hours=1)) == 0
    assert remove_orphaned_files(timezone.now() + timedelta(minutes=1)) == 1
    assert keys(s3_bucket) == [kept]
    assert orphan not in keys(s3_bucket)


def test_readiness_probes_the_bucket(client: Client, s3_bucket: Any, settings: Any) -> None:
    settings.REDIS_URL = ""
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert keys(s3_bucket) == []
    s3_bucket.delete_bucket(Bucket=s3_bucket.tuki_bucket)  # the storage is gone
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["storage"] == "fail"


def test_with_the_storage_away_a_filing_is_refused_clearly_and_leaves_nothing(
    client: Client, anna: Any, agreement_a: Any, s3_bucket: Any, settings: Any
) -> None:
    """The endpoint down (nothing listens at its address): the form comes back with what was typed and a message
    saying nothing was saved; no request, event or attachment row stays. The API answers 503 to the same."""
    away = settings.STORAGES["default"] | {
        "OPTIONS": settings.STORAGES["default"]["OPTIONS"] | {"endpoint_url": "http://127.0.0.1:9"}
    }
    settings.STORAGES = settings.STORAGES | {"default": away}
    client.force_login(anna)
    upload = SimpleUploadedFile("error.pdf", PDF, content_type="application/pdf")
    answer = client.post("/portal/requests/new/", _form(attachments=[upload]))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Tiedostoja ei juuri nyt voi tallentaa. Mitään ei tallennettu" in page
    assert 'value="Intranet search is broken"' in page
    assert not Ticket.objects.exists() and not Attachment.objects.exists() and not TicketEvent.objects.exists()
