from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "tuki.changes"
    verbose_name = _("Changes")

    def ready(self) -> None:
        # Connects the receivers that keep the calendar's months fresh, in every process that may save a change.
        from tuki.changes import month_windows  # noqa: F401
