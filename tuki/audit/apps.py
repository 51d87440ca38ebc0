from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tuki.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from tuki.audit import receivers  # noqa: F401 - subscribes to logins, logouts, failures and lockouts
