from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _messages_in_english(_default_language: Any) -> Any:
    """The services' refusals are matched in English here; the pages' tests read them in the user's language."""
    with translation.override("en"):
        yield
