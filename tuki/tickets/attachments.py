"""Attachments: checked by size and by what their content is (never by the name or the sender's claim)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tuki.accounts.models import User
from tuki.core.storage_errors import StorageUnavailable, storage_failures
from tuki.tickets.models import Attachment, Ticket, TicketEvent

logger = logging.getLogger(__name__)

# What support work needs: documents, images, logs, archives. Anything else (HTML, executables, scripts)
# is refused; everything is served as a download in any case.
ALLOWED_TYPES = {
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-gzip",
    "application/x-7z-compressed",
    "application/json",
    "application/xml",
    "text/xml",
    "text/plain",
    "text/csv",
    "message/rfc822",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}
SNIFF_BYTES = 8192


def sniff(upload: UploadedFile) -> str:
    # libmagic and its 8 MB database load on the first file, not in every process that files requests.
    import magic

    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return str(magic.from_buffer(head, mime=True))


def check_files(files: Sequence[UploadedFile]) -> list[str]:
    """The content type of each file; a ValidationError naming the file when one is too big or refused."""
    limit = settings.TUKI_ATTACHMENT_MAX_BYTES
    types = []
    for upload in files:
        name = upload.name or "?"
        if (upload.size or 0) > limit:
            raise ValidationError(
                {
                    "files": _("%(name)s is too big: the limit is %(limit)s.")
                    % {"name": name, "limit": filesizeformat(limit)}
                }
            )
        content_type = sniff(upload)
        if content_type not in ALLOWED_TYPES:
            raise ValidationError(
                {
                    "files": _("%(name)s is a kind of file that cannot be attached (%(type)s).")
                    % {"name": name, "type": content_type}
                }
            )
        types.append(content_type)
    return types


def attachments_store(
    *, event: TicketEvent, ticket: Ticket, files: Sequence[UploadedFile], actor: User
) -> list[Attachment]:
    """Store checked files through Django's storage API. Call inside the writing service's transaction."""
    types = check_files(files)
    stored = []
    for upload, content_type in zip(files, types, strict=True):
        attachment = Attachment(
            ticket=ticket,
            event=event,
            name=(upload.name or "file")[-255:],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            created_at=event.created_at,
        )
        try:
            attachment.file.save(upload.name or "file", upload, save=False)
        except storage_failures() as exc:
            # Files stored before this one are left to the orphan sweep (tuki.core.files): the storage is away.
            logger.warning("Could not store attachment %s: %r", upload.name, exc)
            raise StorageUnavailable(
                {"files": _("The files cannot be stored right now. Nothing was saved; try again in a moment.")}
            ) from exc
        attachment.save()
        stored.append(attachment)
    return stored
