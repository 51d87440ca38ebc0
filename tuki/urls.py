from django.contrib import admin
from django.urls import include, path

from tuki.api.main import api
from tuki.core.health import healthz, readyz
from tuki.core.icons import favicon
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
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
]
