"""The job worker: huey's consumer, started without Django's system checks.

The checks resolve every URL pattern, which imports every view module, the REST API with django-ninja and
pydantic, and the spreadsheet and report code: 23 MB that a worker keeps for good and never uses. A deployment
runs ``manage.py check --deploy`` once when it is installed (docs/deploy.md), not in each consumer at start.
This app comes before huey's in INSTALLED_APPS, so ``manage.py run_huey`` is this command.
"""

from __future__ import annotations

from huey.contrib.djhuey.management.commands import run_huey


class Command(run_huey.Command):
    requires_system_checks: list[str] = []
