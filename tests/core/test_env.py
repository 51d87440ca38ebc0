"""Settings come from the environment, and a wrong value stops start-up with the variable's name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tuki.core.env import Env

ROOT = Path(__file__).resolve().parents[2]


def test_bool_accepts_the_usual_spellings() -> None:
    env = Env({"A": "yes", "B": "0", "C": " TRUE "})
    assert env.get_bool("A") is True
    assert env.get_bool("B") is False
    assert env.get_bool("C") is True
    assert env.get_bool("MISSING", default=True) is True


def test_bool_refuses_anything_else_naming_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env({"DEBUG": "maybe"}).get_bool("DEBUG")


def test_int_refuses_words() -> None:
    assert Env({"PORT": "25"}).get_int("PORT", 1) == 25
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        Env({"EMAIL_PORT": "twenty-five"}).get_int("EMAIL_PORT", 25)


def test_list_splits_on_commas() -> None:
    assert Env({"ALLOWED_HOSTS": "a.example, b.example,,"}).get_list("ALLOWED_HOSTS") == ["a.example", "b.example"]


def test_secret_reads_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    assert Env({"SECRET_KEY_FILE": str(secret)}).secret("SECRET_KEY") == "s3cret"


def test_secret_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        Env({"SECRET_KEY_FILE": str(tmp_path / "missing")}).secret("SECRET_KEY")


def test_secret_and_secret_file_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY or SECRET_KEY_FILE"):
        Env({"SECRET_KEY": "x", "SECRET_KEY_FILE": "/y"}).secret("SECRET_KEY")


def test_url_checks_the_scheme() -> None:
    assert Env({"TUKI_BASE_URL": "https://tuki.example/"}).url("TUKI_BASE_URL") == "https://tuki.example"
    with pytest.raises(ImproperlyConfigured, match="TUKI_BASE_URL"):
        Env({"TUKI_BASE_URL": "tuki.example"}).url("TUKI_BASE_URL")


def _start(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    """Load the real settings in a fresh interpreter with the given environment."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}}
    environ |= {"TUKI_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tuki.settings"} | overrides
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://db.example/tuki"}, "DATABASE_URL"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://redis.example"}, "REDIS_URL"),
        ({"TUKI_ENV": "staging"}, "TUKI_ENV"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_TLS"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"TUKI_ENV": "production"}, "SECRET_KEY"),
        ({"TUKI_ENV": "production", "SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS"),
        ({"TUKI_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "t.example"}, "TUKI_BASE_URL"),
        ({"TUKI_ENV": "production", "DEBUG": "1", "SECRET_KEY": "k" * 60}, "DEBUG"),
        ({"TUKI_BEHIND_PROXY": "perhaps"}, "TUKI_BEHIND_PROXY"),
        ({"TUKI_TRUSTED_PROXIES": "0"}, "TUKI_TRUSTED_PROXIES"),
        ({"TUKI_LOGIN_ADDRESS_FAILURES": "0"}, "TUKI_LOGIN_ADDRESS_FAILURES"),
        ({"TUKI_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "TUKI_S3_BUCKET"),
        ({"TUKI_S3_BUCKET": "tuki", "TUKI_S3_ACCESS_KEY_ID": "key"}, "TUKI_S3_SECRET_ACCESS_KEY"),
        ({"TUKI_S3_BUCKET": "tuki", "TUKI_S3_ENDPOINT_URL": "s3.example"}, "TUKI_S3_ENDPOINT_URL"),
        ({"TUKI_S3_BUCKET": "tuki", "TUKI_S3_ADDRESSING_STYLE": "sideways"}, "TUKI_S3_ADDRESSING_STYLE"),
        ({"TUKI_METRICS_ALLOWED_ADDRESSES": "10.0.0.0/8,prometheus"}, "TUKI_METRICS_ALLOWED_ADDRESSES"),
        ({"TUKI_METRICS_TOKEN": "short"}, "TUKI_METRICS_TOKEN"),
        ({"TUKI_MAIL_GATE_TOKEN": "short"}, "TUKI_MAIL_GATE_TOKEN"),
        ({"TUKI_LOG_FORMAT": "xml"}, "TUKI_LOG_FORMAT"),
    ],
)
def test_bad_settings_stop_start_up_naming_the_setting(tmp_path: Path, overrides: dict[str, str], named: str) -> None:
    result = _start(tmp_path, **overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_development_generates_a_secret_key_once(tmp_path: Path) -> None:
    assert _start(tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert _start(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_production_starts_with_everything_given(tmp_path: Path) -> None:
    result = _start(
        tmp_path,
        TUKI_ENV="production",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="t.example",
        TUKI_BASE_URL="https://t.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
