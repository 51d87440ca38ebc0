"""The example systemd units: systemd itself reads them without a complaint (an unknown key, a misspelt section, a
command that is not there), with /opt/tuki standing for this checkout; and they start what the production
demo starts (scripts/production_demo.sh), so the demo's runs speak for them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = {"tuki-web@.service": "tuki-web@8000.service", "tuki-worker@.service": "tuki-worker@1.service"}


def test_systemd_reads_the_units_without_a_complaint(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    instances = []
    for template, instance in UNITS.items():
        text = (ROOT / "deploy" / "systemd" / template).read_text().replace("/opt/tuki", str(ROOT))
        (tmp_path / template).write_text(text)
        (tmp_path / instance).symlink_to(tmp_path / template)
        instances.append(str(tmp_path / instance))
    verified = subprocess.run(  # noqa: S603 - systemd's own checker on our files
        [analyze, "verify", "--man=no", "--generators=no", *instances],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert verified.returncode == 0 and verified.stdout + verified.stderr == "", verified.stdout + verified.stderr


def test_the_units_start_what_the_demo_starts() -> None:
    script = (ROOT / "scripts" / "production_demo.sh").read_text()
    for template in UNITS:
        command = re.search(
            r"^ExecStart=/opt/tuki/.venv/bin/(\S+) (.+)$", (ROOT / "deploy" / "systemd" / template).read_text(), re.M
        )
        assert command, template
        program, arguments = command.groups()
        assert (
            f'"$bin/{program}" {arguments}' in script
            or f'"$bin/{program}" {arguments.split(" tuki.wsgi")[0]}' in script
        ), template
