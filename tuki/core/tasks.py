"""Housekeeping jobs that the worker runs on a schedule."""

from django.core import management
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="3", minute="17"))
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@db_periodic_task(crontab(hour="3", minute="27"))
def clear_old_login_failures() -> None:
    # Lockouts expire on their own; the rows behind them are only clutter after the cool-off.
    management.call_command("axes_reset_failure_logs", age=30)
