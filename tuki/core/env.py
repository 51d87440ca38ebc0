"""Strict readers for settings that come from the environment.

A wrong value stops start-up with a message that names the variable: a typo in
``DEBUG`` must never quietly turn into ``False`` (or worse, ``True``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Typed access to a mapping of environment variables."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def get_str(self, name: str, default: str = "") -> str:
        return self.environ.get(name, default).strip()

    def get_bool(self, name: str, default: bool = False) -> bool:
        if name not in self.environ:
            return default
        value = self.environ[name].strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")

    def get_int(self, name: str, default: int) -> int:
        raw = self.get_str(name)
        if not raw:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None

    def get_list(self, name: str, default: list[str] | None = None) -> list[str]:
        raw = self.get_str(name)
        if not raw:
            return list(default or [])
        return [item.strip() for item in raw.split(",") if item.strip()]

    def secret(self, name: str) -> str:
        """Read NAME, or the contents of the file named by NAME_FILE (for Docker and systemd secrets)."""
        value = self.get_str(name)
        path = self.get_str(f"{name}_FILE")
        if value and path:
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        if path:
            try:
                return Path(path).read_text().strip()
            except OSError as exc:
                raise ImproperlyConfigured(f"{name}_FILE: cannot read {path!r}: {exc.strerror}.") from None
        return value

    def url(self, name: str, default: str = "", schemes: tuple[str, ...] = ("http", "https")) -> str:
        raw = self.get_str(name, default)
        scheme, sep, rest = raw.partition("://")
        if not raw or not sep or scheme not in schemes or not rest:
            raise ImproperlyConfigured(
                f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}; got {raw!r}."
            )
        return raw.rstrip("/")
