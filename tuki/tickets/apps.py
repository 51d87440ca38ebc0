from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tuki.tickets"
    verbose_name = _("Support requests")

    def ready(self) -> None:
        from tuki.tickets import receivers  # noqa: F401 - subscribes to the agreements' changes
