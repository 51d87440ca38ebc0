from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tuki.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from huey.contrib.djhuey import HUEY

        from tuki.core import deferred, metrics, queue, request_id

        # The queue is configured by now: jobs carry their request's id and are counted when they fail.
        request_id.connect_jobs(HUEY)
        metrics.connect_jobs(HUEY)
        queue.JournalledHuey.keep_when_away = deferred.keep
