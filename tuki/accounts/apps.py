from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tuki.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from tuki.accounts import selectors  # noqa: F401 - connects the receivers that keep cached lists fresh


class LockoutConfig(AxesAppConfig):
    """django-axes, the login lockout, under a name managers read in their own language (axes ships no Finnish
    or Swedish; its model and field names are translated in our catalogues)."""

    verbose_name = _("Login lockout")
