"""What a request filed from a message says: its subject, its text and the files that may be attached."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _

from tuki.mail.intake.store import clip
from tuki.mail.parsing import ParsedMessage
from tuki.tickets.attachments import check_files

SUBJECT_MAX = 200  # Ticket.subject
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|vs|sv|aw|fw|fwd|vl|vb|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def request_subject(subject: str | None) -> str:
    """The subject for a new request: without reply prefixes and without request identifiers."""
    prefix = re.escape(settings.TUKI_REQUEST_PREFIX)
    text = re.sub(rf"\[\s*{prefix}-\d+\s*\]", " ", subject or "", flags=re.IGNORECASE)
    text = " ".join(_REPLY_PREFIX.sub("", " ".join(text.split())).split())
    return clip(text, SUBJECT_MAX) or _("(no subject)")


def mail_content(parsed: ParsedMessage) -> tuple[str, list[UploadedFile]]:
    """The text for the request and the files that may be attached; refused files are named in the text.

    Files go through the same checks as uploads (size, content type). A file that fails them must not lose the
    mail: the request is filed without it and its name noted; the raw message keeps it for the agents.
    """
    text = (parsed.text or "").strip() or (parsed.full_text or "").strip()
    files: list[UploadedFile] = []
    skipped: list[str] = []
    for number, attachment in enumerate(parsed.attachments or (), start=1):
        name = (attachment.name or "").strip() or f"attachment-{number}"
        upload = SimpleUploadedFile(name, bytes(attachment.data), content_type=attachment.content_type or "")
        try:
            check_files([upload])
        except ValidationError:
            skipped.append(upload.name or name)
            continue
        files.append(upload)
    if skipped:
        note = _("Files in the message that could not be attached (kept in the original mail): %(names)s") % {
            "names": ", ".join(skipped)
        }
        text = f"{text}\n\n{note}" if text else note
    return text, files
