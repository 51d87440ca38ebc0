"""The web workers and the job worker are separate processes: a change made in one of them must reach what
every other one keeps in memory, and a change that never commits must reach nobody."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import transaction

from tuki.agreements.models import Agreement
from tuki.agreements.selectors import AGREEMENTS, agreement_for, agreements_forget
from tuki.core.versioned import Versioned

ROOT = Path(__file__).resolve().parents[2]


def test_a_change_in_another_process_reaches_this_one(file_cache: Path) -> None:
    before = AGREEMENTS.version()
    environment = {**os.environ, "TUKI_VAR_DIR": str(file_cache.parent), "DJANGO_SETTINGS_MODULE": "tuki.settings"}
    environment.pop("REDIS_URL", None)
    environment.pop("DATABASE_URL", None)
    forget = "import django; django.setup(); from tuki.agreements.selectors import agreements_forget as f; f()"
    subprocess.run([sys.executable, "-c", forget], cwd=ROOT, env=environment, check=True, timeout=60)  # noqa: S603
    assert AGREEMENTS.version() > before


def test_a_change_is_announced_when_it_commits(
    file_cache: Path, db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = AGREEMENTS.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        agreements_forget()
        assert AGREEMENTS.version() == before  # other processes cannot see the change yet
    assert AGREEMENTS.version() > before
    assert len(callbacks) == 1


def test_the_version_outlives_the_cache_default_lifetime(file_cache: Path, db: Any, time_machine: Any) -> None:
    time_machine.move_to("2026-12-03 10:00:00+02:00", tick=False)
    AGREEMENTS.version()
    with transaction.atomic():
        agreements_forget()
    bumped = AGREEMENTS.version()
    time_machine.shift(7 * 24 * 3600)
    assert AGREEMENTS.version() == bumped  # a version lost would make every process reload for nothing


def test_a_full_default_cache_never_pushes_a_version_out(file_cache: Path, db: Any) -> None:
    version = AGREEMENTS.version()
    default = caches["default"]
    for number in range(1000):  # sessions and rate-limit counters, three times over the default's 300 entries
        default.set(f"filler-{number}", number)
    assert AGREEMENTS.version() == version


def test_a_copy_loaded_while_a_change_commits_is_loaded_again(
    file_cache: Path, db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = ["old"]
    value: Versioned[str] = Versioned("test-race", lambda: load())

    def load() -> str:
        seen = rows[0]
        if seen == "old":  # another process commits a change while this one is reading
            rows[0] = "new"
            other = Versioned("test-race", lambda: "")
            with django_capture_on_commit_callbacks(execute=True):
                other.changed()
        return seen

    assert value.get() == "old"
    assert value.get() == "new"
    assert value.get() == "new"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_trace(file_cache: Path, org_a: Any, office_hours: Any) -> None:
    day = date(2027, 3, 1)
    assert agreement_for(org_a.pk, day) is None

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        Agreement.objects.create(organisation=org_a, service_calendar=office_hours, valid_from=date(2027, 1, 1))
        assert agreement_for(org_a.pk, day) is not None  # the writer sees its own change at once
        raise Abandoned

    assert agreement_for(org_a.pk, day) is None
