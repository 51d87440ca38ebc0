"""Redis away (restarting): the cache's reads miss and its writes are dropped, and the pages still answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import Client

from tuki.core.ratelimit import increment
from tuki.core.versioned import Versioned

AWAY = "redis://127.0.0.1:9/0"  # nothing listens there


@pytest.fixture
def redis_away(settings: Any) -> None:
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    backend = "tuki.core.cache.ResilientRedisCache"
    settings.CACHES = {
        "default": {"BACKEND": backend, "LOCATION": AWAY, "OPTIONS": options},
        "versions": {"BACKEND": backend, "LOCATION": AWAY, "KEY_PREFIX": "versions", "OPTIONS": options},
    }


def test_reads_miss_and_writes_are_dropped(redis_away: None) -> None:
    cache.set("k", 1)
    assert cache.get("k") is None and cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False and cache.get_many(["k"]) == {} and not cache.has_key("k")
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")
    assert increment("counter", timeout=60) == 1  # a rate limit counts from nothing again
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    value = Versioned("test", load)
    assert (value.get(), value.get()) == (1, 2)  # no version to trust: loaded afresh each time
    assert caches["versions"].get("tuki:version:test") is None


@pytest.mark.django_db
def test_pages_answer_while_redis_is_away(redis_away: None, client: Client, anna: Any, agreement_a: Any) -> None:
    client.force_login(anna)  # the session is kept in the database too (cached_db)
    assert client.get("/portal/").status_code == 200
    assert client.get("/portal/requests/new/").status_code == 200
