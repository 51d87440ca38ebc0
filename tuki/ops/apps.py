from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "tuki.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from tuki.ops import metrics
        from tuki.sla.signals import threshold_reached

        threshold_reached.connect(metrics.count_threshold, dispatch_uid="tuki.ops.count_threshold")
