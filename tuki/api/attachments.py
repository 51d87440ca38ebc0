"""A request's attachments: list, upload (with a reply or, for the staff, a note), download."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from tuki.api.auth import caller
from tuki.api.request_schemas import AttachmentOut, EventOut, attachment_out, event_out
from tuki.api.schemas import Input, errors
from tuki.core.scoping import visible_to
from tuki.tickets.downloads import attachment_response
from tuki.tickets.models import Attachment
from tuki.tickets.selectors import ticket_for_action
from tuki.tickets.services import ticket_note, ticket_reply

router = Router(tags=["attachments"])


class UploadIn(Input):
    body: str = Field(min_length=1, max_length=100_000, description="The message the files go with.")
    internal: bool = Field(False, description="Staff only: attach to an internal note instead of a reply.")


@router.get(
    "/{identifier}/attachments",
    response={200: list[AttachmentOut], **errors(404)},
    summary="List attachments",
    description="The files of the request's events the caller may see.",
)
def attachment_list(request: HttpRequest, identifier: str) -> list[dict[str, Any]]:
    user = caller(request)
    ticket = ticket_for_action(user, identifier)
    files = visible_to(user, Attachment).filter(ticket=ticket)
    return [attachment_out(attachment, ticket.identifier) for attachment in files]


@router.post(
    "/{identifier}/attachments",
    response={201: EventOut, **errors(403, 404, 413, 422)},
    summary="Upload attachments",
    description="Files (multipart/form-data, as `files`) with a message: a public reply, or for the staff an "
    "internal note. Files are checked by their content, as in the portal.",
)
def attachment_upload(
    request: HttpRequest, identifier: str, payload: Form[UploadIn], files: File[list[UploadedFile]]
) -> Status[dict[str, Any]]:
    user = caller(request)
    ticket = ticket_for_action(user, identifier)
    write = ticket_note if payload.internal else ticket_reply
    event = write(actor=user, ticket=ticket, body=payload.body, files=files)
    event.has_files = True  # type: ignore[attr-defined]
    return Status(201, event_out(event, ticket.identifier))


@router.get(
    "/{identifier}/attachments/{attachment_id}",
    response={200: None, **errors(404)},
    url_name="attachment_download",
    summary="Download an attachment",
    description="The file itself, always as a download (Content-Disposition: attachment).",
    openapi_extra={
        "responses": {200: {"description": "The file.", "content": {"application/octet-stream": {"schema": {}}}}}
    },
)
def attachment_download(request: HttpRequest, identifier: str, attachment_id: int) -> FileResponse:
    caller(request)
    return attachment_response(request, identifier, attachment_id)
