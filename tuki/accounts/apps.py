from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tuki.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from tuki.accounts import selectors  # noqa: F401 - connects the receivers that keep cached lists fresh
