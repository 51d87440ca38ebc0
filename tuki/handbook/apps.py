from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandbookConfig(AppConfig):
    name = "tuki.handbook"
    verbose_name = _("Support handbook")
