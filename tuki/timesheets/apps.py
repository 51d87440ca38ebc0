from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimesheetsConfig(AppConfig):
    name = "tuki.timesheets"
    verbose_name = _("Time and the maintenance quota")

    def ready(self) -> None:
        from tuki.timesheets import selectors  # noqa: F401 - connects the receivers that keep the timer owners fresh
