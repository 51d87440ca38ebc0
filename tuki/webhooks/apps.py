from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "tuki.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from tuki.webhooks import receivers  # noqa: F401 - subscriptions to the domains' announcements
