from django.contrib import admin
from django.urls import include, path

from tuki.core.health import healthz, readyz
from tuki.core.icons import favicon
from tuki.core.lazy_urls import lazy_include
from tuki.mail.gate import inbound
from tuki.ops.metrics import metrics

urlpatterns = [
    path("", include("tuki.portal.urls")),
    path("", include("tuki.catalogue.urls")),
    path("portal/handbook/", include("tuki.handbook.urls")),
    path("accounts/", include("tuki.accounts.urls")),
    path("accounts/two-step/", include("tuki.mfa.urls")),
    path("desk/handbook/", include("tuki.handbook.desk_urls")),
    path("desk/", include("tuki.desk.urls")),
    path("admin/", admin.site.urls),
    # The API (django-ninja and pydantic, 10 MB) is imported by the first request under /api/v1/ or link to it.
    lazy_include("api/v1/", "tuki.api.urls", app_name="ninja", namespace="api"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("mail/inbound", inbound, name="mail_inbound"),
    path("favicon.ico", favicon, name="favicon"),
]

handler400 = "tuki.core.error_pages.bad_request"
handler403 = "tuki.core.error_pages.permission_denied"
handler404 = "tuki.core.error_pages.page_not_found"
handler500 = "tuki.core.error_pages.server_error"
