from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tuki.mail.intake"
    label = "mail_intake"
    verbose_name = _("Mail intake")
