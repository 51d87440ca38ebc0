from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo world of `make run`: people, agreements, requests, handbook and service descriptions."""

    name = "tuki.demo"
    verbose_name = _("Demo data")
