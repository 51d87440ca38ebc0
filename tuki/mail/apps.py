from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "tuki.mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from tuki.mail import checks, receivers, selectors  # noqa: F401 - checks; subscriptions; fresh counts
