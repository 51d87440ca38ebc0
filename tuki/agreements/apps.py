from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "tuki.agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from tuki.agreements import selectors  # noqa: F401 - connects the receivers that keep the copies fresh
