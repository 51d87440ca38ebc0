from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaConfig(AppConfig):
    name = "tuki.mfa"
    label = "mfa"
    verbose_name = _("Two-step login")

    def ready(self) -> None:
        from tuki.mfa import policy  # noqa: F401 - connects the receivers that keep the list of device owners fresh
