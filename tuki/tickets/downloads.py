"""Serving attachments: only through the user's scope, always as a download, never sniffed by the browser."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from tuki.core.permissions import acting_user
from tuki.core.scoping import visible_to
from tuki.tickets.models import Attachment
from tuki.tickets.selectors import ticket_pk_from_identifier


def attachment_response(request: HttpRequest, identifier: str, attachment_id: int) -> FileResponse:
    user = acting_user(request)
    # Looked up through its request and the user's scope: another customer's id is simply not there.
    attachment = (
        visible_to(user, Attachment).filter(pk=attachment_id, ticket_id=ticket_pk_from_identifier(identifier)).first()
    )
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
