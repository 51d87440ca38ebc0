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


def test_the_environment_file_reads_alike_in_a_shell_and_in_systemd() -> None:
    """docs/deploy.md loads deploy/tuki.env.example with `set -a; . file` for manage.py; the units read it as an
    EnvironmentFile. An unquoted value with a space or a `<` is a syntax error to the one and fine to the other."""
    example = ROOT / "deploy" / "tuki.env.example"
    as_systemd = {}
    for line in example.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            as_systemd[name] = value[1:-1] if value[:1] == value[-1:] == '"' else value
    shell = shutil.which("sh") or "/bin/sh"
    loaded = subprocess.run(  # noqa: S603 - the system's shell on our file
        [shell, "-c", 'set -a; . "$0"; set +a; env -0', str(example)], capture_output=True, text=True, check=False
    )
    assert loaded.returncode == 0 and loaded.stderr == "", loaded.stderr
    as_shell = dict(entry.split("=", 1) for entry in loaded.stdout.split("\0") if "=" in entry)
    assert {name: as_shell.get(name) for name in as_systemd} == as_systemd
