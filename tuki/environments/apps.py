from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentsConfig(AppConfig):
    name = "tuki.environments"
    verbose_name = _("Environments")

    def ready(self) -> None:
        from tuki.environments import selectors  # noqa: F401 - connects the receivers that keep cached lists fresh
