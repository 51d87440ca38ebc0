"""Logins, logouts, failed logins and lockouts reach the log through the signals Django and axes already send."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from tuki.audit.models import Action
from tuki.audit.services import audit_record
from tuki.core.client_address import client_address


def _address(request: HttpRequest | None) -> str:
    return client_address(request) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(action=Action.LOGIN, actor=user, address=_address(request))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:  # logging out without being logged in is nothing to record
        audit_record(action=Action.LOGOUT, actor=user, address=_address(request))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the identifier: Django masks the password in ``credentials``, and we keep no other key anyway.
    tried = credentials.get("username") or credentials.get("email") or ""
    audit_record(action=Action.LOGIN_FAILED, identifier=str(tried), address=_address(request))


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def record_locked_out(sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    audit_record(action=Action.LOCKED_OUT, identifier=username or "", address=_address(request))
