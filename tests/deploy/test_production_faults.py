"""The production layout under a minute of load with a consumer killed (SIGKILL) half-way: bench/faults.py --quick.
Every filing and reply the load saw saved is in the database, every piped message was taken once, every
notification was sent and none twice. The full run (50 users, 5 minutes, Redis and PostgreSQL restarted too) is
the documented command in docs/deploy.md; it restarts the machine's PostgreSQL, so it is not run here."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.production


def test_a_consumer_killed_under_load_loses_and_doubles_nothing(tmp_path: Path) -> None:
    for tool in ("nginx", "redis-server", "redis-cli"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (make production-deps)")
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode != 0:  # noqa: S603, S607
        pytest.skip("PostgreSQL does not answer on 127.0.0.1")
    try:
        redis.Redis(port=6391, socket_connect_timeout=1).ping()
        pytest.skip("port 6391 is taken (bench/faults.py starts its own Redis there)")
    except redis.RedisError:
        pass
    run = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(ROOT / "bench" / "faults.py"), "--quick", "--run-dir", str(tmp_path / "faults")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.stdout, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert result["failures"] == [], result["failures"]
    assert result["nothing_lost"] and result["nothing_doubled"], result["counts"]
    assert result["counts"]["filed_in_database"] > 0 and result["counts"]["piped_messages_taken"] > 0
    assert run.returncode == 0
