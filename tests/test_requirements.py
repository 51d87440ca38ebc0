"""The locks pin every package with its hashes, every install requires them, and pip refuses a wrong hash.

None of this needs the network: the locks and the install commands are read as text, and pip's refusal is shown
on a wheel made here, served from a local folder.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCKS = sorted((ROOT / "requirements").glob("*.txt"))
# A requirement with its continuation lines joined: "name[extras]==version \ --hash=sha256:... \ ..."
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})\b")


def _requirements(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """Each requirement of a lock: its normalised name, version and hashes. Anything else fails the test."""
    text = path.read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    found: dict[str, tuple[str, frozenset[str]]] = {}
    for line in logical.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        match = _PIN.match(line)
        assert match, f"{path.name}: not an exact pin of a package from the index: {line[:80]!r}"
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        found[name] = (match.group(3), frozenset(_HASH.findall(line)))
    return found


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0]).lower()


def test_the_locks_are_there() -> None:
    assert {path.name for path in LOCKS} == {"base.txt", "dev.txt", "build.txt", "uv.txt"}


@pytest.mark.parametrize("lock", LOCKS, ids=lambda path: path.name)
def test_every_pinned_package_carries_its_hashes(lock: Path) -> None:
    requirements = _requirements(lock)
    assert requirements
    unhashed = sorted(name for name, (_, hashes) in requirements.items() if not hashes)
    assert unhashed == [], f"{lock.name}: pinned without a hash: {unhashed}"


def test_the_development_lock_installs_the_same_versions_as_the_base_lock() -> None:
    # dev.txt is installed over base.txt: a package pinned differently would be replaced, or refused.
    base, dev = _requirements(ROOT / "requirements/base.txt"), _requirements(ROOT / "requirements/dev.txt")
    assert {name: base[name] for name in base} == {name: dev.get(name) for name in base}


def test_every_dependency_of_the_project_is_in_its_lock() -> None:
    # A dependency added to pyproject.toml without `make lock` would be missing from the hashed install.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base, dev = _requirements(ROOT / "requirements/base.txt"), _requirements(ROOT / "requirements/dev.txt")
    assert sorted({_name(r) for r in project["dependencies"]} - set(base)) == []
    assert sorted({_name(r) for r in project["optional-dependencies"]["dev"]} - set(dev)) == []


def test_every_install_from_a_lock_requires_the_hashes() -> None:
    # The Makefile and the scripts are the project's only installers; CI runs them through `make`.
    files = [ROOT / "Makefile", ROOT / ".ci/run", ROOT / "README.md", *sorted((ROOT / "scripts").glob("*.sh"))]
    installs = [
        (path.name, line.strip())
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"pip install|npm (install|i|ci)\b", line) and not line.lstrip().startswith("#")
    ]
    assert installs
    for where, line in installs:
        if "npm" in line:
            assert re.search(r"\bnpm ci\b", line), f"{where}: npm installs from its lock only: {line}"
        elif "-e ." in line:
            assert "--no-deps" in line and "--no-build-isolation" in line, f"{where}: {line}"
        else:
            assert "--require-hashes" in line, f"{where}: an install that does not require hashes: {line}"
    assert "--generate-hashes" in (ROOT / "Makefile").read_text(encoding="utf-8")


def _wheel(folder: Path) -> tuple[Path, str]:
    """A tiny valid wheel of a package named tuki-probe; returns its path and sha256."""
    path = folder / "tuki_probe-1.0-py3-none-any.whl"
    files = {
        "tuki_probe.py": "",
        "tuki_probe-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tuki-probe\nVersion: 1.0\n",
        "tuki_probe-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    records = []
    with zipfile.ZipFile(path, "w") as wheel:
        for name, content in files.items():
            wheel.writestr(name, content)
            digest = base64.urlsafe_b64encode(hashlib.sha256(content.encode()).digest()).rstrip(b"=").decode()
            records.append(f"{name},sha256={digest},{len(content.encode())}")
        wheel.writestr("tuki_probe-1.0.dist-info/RECORD", "\n".join([*records, "tuki_probe-1.0.dist-info/RECORD,,"]))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def _pip_install(folder: Path, requirement: str) -> subprocess.CompletedProcess[str]:
    """What the Makefile runs, against the local folder only (--isolated: no configuration from the machine)."""
    (folder / "requirements.txt").write_text(requirement + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--no-index"]
    command += ["--find-links", str(folder / "index"), "--require-hashes", "--only-binary", ":all:"]
    command += ["-r", str(folder / "requirements.txt")]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603


def test_pip_refuses_a_package_whose_hash_is_wrong_or_missing(tmp_path: Path) -> None:
    (tmp_path / "index").mkdir()
    _, good = _wheel(tmp_path / "index")
    accepted = _pip_install(tmp_path, f"tuki-probe==1.0 --hash=sha256:{good}")
    assert accepted.returncode == 0, accepted.stderr
    assert "Would install tuki-probe-1.0" in accepted.stdout

    wrong = _pip_install(tmp_path, f"tuki-probe==1.0 --hash=sha256:{hashlib.sha256(b'other').hexdigest()}")
    assert wrong.returncode != 0
    assert "DO NOT MATCH THE HASHES" in wrong.stderr

    missing = _pip_install(tmp_path, "tuki-probe==1.0")
    assert missing.returncode != 0
    assert "Hashes are required" in missing.stderr
