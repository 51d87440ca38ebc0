"""The web workers and the job worker are separate processes: a change made in one of them must reach what
every other one keeps in memory."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tuki.agreements.services import AGREEMENTS, agreements_bump_version

ROOT = Path(__file__).resolve().parents[2]


def test_a_change_in_another_process_reaches_this_one(file_cache: Path) -> None:
    before = AGREEMENTS.version()
    environment = {**os.environ, "TUKI_VAR_DIR": str(file_cache.parent), "DJANGO_SETTINGS_MODULE": "tuki.settings"}
    environment.pop("REDIS_URL", None)
    environment.pop("DATABASE_URL", None)
    bump = "import django; django.setup(); from tuki.agreements.services import agreements_bump_version as b; b()"
    subprocess.run([sys.executable, "-c", bump], cwd=ROOT, env=environment, check=True, timeout=60)  # noqa: S603
    assert AGREEMENTS.version() > before


def test_a_change_is_announced_again_when_it_commits(
    file_cache: Path, db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = AGREEMENTS.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        agreements_bump_version()
        during = AGREEMENTS.version()
    assert before < during < AGREEMENTS.version()  # a process that read the old rows in between reads again
    assert len(callbacks) == 1


def test_the_version_outlives_the_cache_default_lifetime(file_cache: Path, db: Any, time_machine: Any) -> None:
    time_machine.move_to("2026-12-03 10:00:00+02:00", tick=False)
    AGREEMENTS.version()
    agreements_bump_version()
    bumped = AGREEMENTS.version()
    time_machine.shift(7 * 24 * 3600)
    assert AGREEMENTS.version() == bumped  # a version lost would make every process reload for nothing
