"""The pages a visitor meets when something goes wrong, in the product's look and the visitor's language.

They are rendered from the settings alone, never from the database or the request's context processors: a 500
may come from the database itself. The database being away (restarted, failing over, a connection dropped) is
not a fault of the page asked for, nor is a file storage that cannot be reached: either answers 503 with
``Retry-After`` and a page that says to try again in a moment, and the API answers in its own JSON shape. Kept
connections are checked before reuse (the settings' ``conn_health_checks``), so the first request after the
database is back is served normally.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tuki.core.storage_errors import storage_failures

# psycopg's "connection failed", "server closed the connection unexpectedly", SQLite's "database is locked".
DATABASE_AWAY = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, _("Bad request"), _("The address or the form sent was not understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, _("No access"), _("You do not have access to this page."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):  # an address the API does not have: its own JSON shape
        return _api_error(404, _("Not found."), "not_found")
    return _page(
        request, 404, _("Page not found"), _("There is no such page, or it is not yours to see. Check the address.")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this while the exception is being handled, so ``sys.exc_info`` says what went wrong."""
    if isinstance(sys.exc_info()[1], (*DATABASE_AWAY, *storage_failures())):
        return unavailable(request)
    return _page(
        request,
        500,
        _("Something went wrong"),
        _("The error has been recorded. Try again, and if it happens again, contact support."),
    )


def unavailable(request: HttpRequest) -> HttpResponse:
    detail = _("The service is unavailable for a moment. Nothing you have saved is lost; try again in a minute.")
    if request.path.startswith(API_PREFIX):
        response = _api_error(503, detail, "unavailable")
    else:
        response = _page(request, 503, _("A moment, please"), detail)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _api_error(status: int, detail: str, code: str) -> HttpResponse:
    # The shape of tuki.api.errors.error_body, written out: that module would bring django-ninja into every
    # process that serves a page.
    return JsonResponse({"detail": detail, "code": code, "field": None}, status=status)


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {
        "status": status,
        "title": title,
        "message": message,
        "supplier_name": settings.TUKI_SUPPLIER_NAME,
        "support_email": settings.TUKI_SUPPORT_EMAIL,
        "support_phone": settings.TUKI_SUPPORT_PHONE,
        "home": "/desk/" if request.path.startswith("/desk/") else "/",
    }
    return HttpResponse(render_to_string("core/error.html", context), status=status)
