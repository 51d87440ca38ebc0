"""One shape for every error the API answers: ``{"detail": ..., "code": ..., "field": ...}``.

``detail`` is for people, in the caller's language; ``code`` is for programs and never translated; ``field`` names
the input that is wrong (a dotted path into the body or the query), or is null. Validation answers list every
wrong field in ``errors`` too, each of the same shape.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tuki.core.errors import Refusal
from tuki.core.storage_errors import StorageUnavailable


class ApiError(Exception):
    """An answer other than success, raised from anywhere in a call."""

    def __init__(
        self, status: int, code: str, detail: str, field: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Not found."))


def error_body(detail: str, code: str, field: str | None = None) -> dict[str, Any]:
    return {"detail": detail, "code": code, "field": field}


def _answer(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


# Pydantic's error types, in words a caller can act on (the field is named beside them).
MESSAGES = {
    "missing": lambda: _("This field is required."),
    "extra_forbidden": lambda: _("Unknown field."),
    "json_invalid": lambda: _("The body is not valid JSON."),
    "model_attributes_type": lambda: _("Expected a JSON object."),
    "dict_type": lambda: _("Expected a JSON object."),
}


def _field(location: tuple[Any, ...]) -> str | None:
    # ninja prefixes the place of the value ("body", "query", "path", "form") and the parameter's own name.
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path", "form", "file"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ("payload", "filters", "data"):
        parts = parts[1:]
    return ".".join(parts) or None


def _validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for error in errors:
        kind = str(error.get("type", "invalid"))
        message = MESSAGES.get(kind)
        detail = message() if message else _("This value is not valid: %(reason)s") % {"reason": error.get("msg", "")}
        code = "malformed_json" if kind == "json_invalid" else kind
        found.append(error_body(detail, code, _field(tuple(error.get("loc", ())))))
    return found


def install(api: NinjaAPI) -> None:
    """Replace ninja's own error answers with ours."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
        response = _answer(api, request, error.status, error_body(error.detail, error.code, error.field))
        for name, value in error.headers.items():
            response[name] = value
        return response

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
        errors = _validation_errors(list(error.errors))
        status = 400 if any(item["code"] == "malformed_json" for item in errors) else 422
        first = errors[0] if errors else error_body(_("The input is not valid."), "invalid")
        return _answer(api, request, status, {**first, "errors": errors})

    @api.exception_handler(ValidationError)
    def refused_value(request: HttpRequest, error: ValidationError) -> HttpResponse:
        errors = []
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                errors += [
                    error_body(message, "invalid", None if field == "__all__" else field) for message in messages
                ]
        else:
            errors = [error_body(message, "invalid") for message in error.messages]
        return _answer(api, request, 422, {**errors[0], "errors": errors})

    @api.exception_handler(StorageUnavailable)
    def storage_away(request: HttpRequest, error: StorageUnavailable) -> HttpResponse:
        detail = error.message_dict["files"][0]
        response = _answer(api, request, 503, error_body(detail, "unavailable", "files"))
        response["Retry-After"] = "30"
        return response

    @api.exception_handler(Refusal)
    def refused(request: HttpRequest, error: Refusal) -> HttpResponse:
        return _answer(api, request, 409, error_body(str(error), "refused"))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        detail = str(error) or _("You may not do this.")
        return _answer(api, request, 403, error_body(detail, "forbidden"))

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, error: Http404) -> HttpResponse:
        return _answer(api, request, 404, error_body(_("Not found."), "not_found"))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        detail = _("Authenticate with an API token (Authorization: Bearer …) or a signed-in session.")
        response = _answer(api, request, 401, error_body(detail, "not_authenticated"))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        return _answer(api, request, 413, error_body(_("The request is too large."), "too_large"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        if error.status_code == 403 and "CSRF" in str(error.message):  # ninja's session check
            return _answer(api, request, 403, error_body(_("The CSRF token is missing or wrong."), "csrf_failed"))
        if error.status_code == 400 and str(error.message).startswith("Cannot parse request body"):
            return _answer(api, request, 400, error_body(_("The body is not valid JSON."), "malformed_json"))
        code = {400: "bad_request", 405: "method_not_allowed", 429: "rate_limited"}.get(error.status_code, "error")
        return _answer(api, request, error.status_code, error_body(str(error.message), code))
