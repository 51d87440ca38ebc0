"""Serving attachments: only through the user's scope, always as a download, never sniffed by the browser."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from tuki.accounts.auth import acting_user
from tuki.core.client_address import client_address
from tuki.core.scoping import visible_to
from tuki.tickets.models import Attachment
from tuki.tickets.selectors import ticket_pk_from_identifier
from tuki.tickets.signals import attachment_downloaded


def attachment_response(request: HttpRequest, identifier: str, attachment_id: int) -> FileResponse:
    user = acting_user(request)
    # Looked up through its request and the user's scope: another customer's id is simply not there.
    attachment = (
        visible_to(user, Attachment)
        .select_related("ticket")
        .filter(pk=attachment_id, ticket_id=ticket_pk_from_identifier(identifier))
        .first()
    )
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    try:
        attachment_downloaded.send(sender=Attachment, attachment=attachment, user=user, address=client_address(request))
    except BaseException:
        handle.close()
        raise
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
