"""A system check: mail goes out only through a backend that removes remote resources (tuki.mail.backends)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.module_loading import import_string

from tuki.mail.backends import RemoteFreeMixin


@register("mail")
def check_email_backend(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = import_string(settings.EMAIL_BACKEND)
    if isinstance(backend, type) and issubclass(backend, RemoteFreeMixin):
        return []
    return [
        Error(
            f"EMAIL_BACKEND {settings.EMAIL_BACKEND} would send mail with remote images and styles left in.",
            hint="Use a backend of tuki.mail.backends (SmtpBackend, OutboxBackend, ConsoleBackend, LocmemBackend).",
            id="tuki.mail.E001",
        )
    ]
