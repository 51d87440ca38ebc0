"""The REST API: ``/api/v1/``, its OpenAPI 3.1 document at ``/api/v1/openapi.json`` and docs at ``/api/v1/docs``.

Each resource is a module of its own with a router; they read through ``visible_to`` and write through the
domains' services, as the desk and the portal do.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger
from ninja.openapi.docs import ABS_TPL_PATH

from tuki.api import (
    attachments,
    directory,
    environments,
    events,
    handbook,
    reports,
    request_actions,
    requests,
    service_terms,
    time,
)
from tuki.api.auth import SessionAuth, TokenAuth
from tuki.api.errors import install

DESCRIPTION = """\
The REST API of Tuki. Authenticate with a personal API token (`Authorization: Bearer tuki_…`, made in the settings
of the portal or the desk) or, from the site's own pages, the signed-in session with its CSRF token.

Errors are JSON of one shape: `{"detail": ..., "code": ..., "field": ...}`. What another customer owns answers 404.
"""


class LocalSwagger(Swagger):
    """Swagger UI from the site's own static files.

    django-ninja renders its CDN page unless it is an installed app, and an installed app is imported by every
    process at start-up; its local page is used instead (the settings add its templates and assets by path).
    """

    template_cdn = str(ABS_TPL_PATH / "swagger.html")


api = NinjaAPI(
    title="Tuki",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=LocalSwagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install(api)
api.add_router("/requests", requests.router)
api.add_router("/requests", request_actions.router)
api.add_router("/requests", events.router)
api.add_router("/requests", attachments.router)
api.add_router("/", directory.router)
api.add_router("/", service_terms.router)
api.add_router("/handbook", handbook.router)
api.add_router("/", time.router)
api.add_router("/", environments.router)
api.add_router("/", reports.router)
