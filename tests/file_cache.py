from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings


@pytest.fixture
def file_cache(tmp_path: Path) -> Any:
    """The cache Tuki runs with when there is no Redis (files shared by every process); yields its folder, the
    one a process started with TUKI_VAR_DIR=tmp_path would use."""
    location = tmp_path / "cache"
    backend = "django.core.cache.backends.filebased.FileBasedCache"
    with override_settings(
        CACHES={
            "default": {"BACKEND": backend, "LOCATION": str(location)},
            "versions": {"BACKEND": backend, "LOCATION": str(tmp_path / "versions")},
        }
    ):
        yield location
