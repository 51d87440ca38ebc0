"""The mail backends Tuki sends with: Django's own, with every message made free of remote resources first.

This is the one place every outgoing mail passes, whoever built it (notifications, SLA notices, automatic
answers, Django's password reset, error reports to the admins): the HTML body, every HTML alternative and
every HTML attachment are rewritten by :func:`tuki.mail.remote_free.without_remote_resources`. The settings
name these backends, and a system check (:mod:`tuki.mail.apps`) refuses any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends import console, locmem, smtp
from django.core.mail.message import EmailAlternative, EmailAttachment

from tuki.mail.outbox import DevelopmentOutboxBackend
from tuki.mail.remote_free import without_remote_resources


def _is_html(mimetype: str | None) -> bool:
    return (mimetype or "").split(";")[0].strip().lower() == "text/html"


def _clean(content: object) -> str:
    if isinstance(content, bytes):
        return without_remote_resources(content.decode())
    if isinstance(content, str):
        return without_remote_resources(content)
    # An already encoded part could hold HTML that would go out unchecked; Tuki builds none of these.
    raise ValueError("Outgoing mail cannot carry a prebuilt HTML part.")


def make_remote_free(message: EmailMessage) -> None:
    """Rewrite every HTML part of ``message`` in place; a part that cannot be read is refused, not sent."""
    if message.content_subtype == "html":
        message.body = _clean(str(message.body))
    if isinstance(message, EmailMultiAlternatives):
        message.alternatives = [
            EmailAlternative(_clean(content), mimetype) if _is_html(mimetype) else EmailAlternative(content, mimetype)
            for content, mimetype in message.alternatives
        ]
    attachments: list[MIMEBase | EmailAttachment] = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            if attachment.get_content_maintype() in ("text", "multipart", "message"):
                raise ValueError("Outgoing mail cannot carry a prebuilt text or multipart attachment.")
            attachments.append(attachment)
        elif _is_html(attachment.mimetype):
            attachments.append(EmailAttachment(attachment.filename, _clean(attachment.content), attachment.mimetype))
        else:
            attachments.append(attachment)
    message.attachments = attachments


class RemoteFreeMixin:
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            make_remote_free(message)
        return int(super().send_messages(email_messages))  # type: ignore[misc]


class SmtpBackend(RemoteFreeMixin, smtp.EmailBackend):
    """Production: SMTP."""


class ConsoleBackend(RemoteFreeMixin, console.EmailBackend):
    """The mail is printed whole."""


class OutboxBackend(RemoteFreeMixin, DevelopmentOutboxBackend):
    """Development: one line per message, the message in a file under var/mail/."""


class LocmemBackend(RemoteFreeMixin, locmem.EmailBackend):
    """Tests: the mail is kept in django.core.mail.outbox, as it would have gone out."""
