"""The Redis cache, which a Redis restart does not turn into errors on every page.

What Tuki keeps in the cache can all be done without for a few seconds: sessions are kept in the database too
(``cached_db``), the version numbers of :mod:`tuki.core.versioned` then make each process load afresh, and the
counters of :mod:`tuki.core.ratelimit` count from nothing again. So while Redis does not answer, a read is a
miss, a write is dropped, and ``incr`` says the key is missing (as Django's contract has it), each with a warning
in the log, instead of an error page for everyone until Redis is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

AWAY = (RedisConnectionError, RedisTimeoutError)
T = TypeVar("T")


def _or(fallback: Callable[..., Any]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @wraps(method)
        def call(self: RedisCacheClient, *args: Any, **kwargs: Any) -> T:
            try:
                return method(self, *args, **kwargs)
            except AWAY as exc:
                logger.warning("The cache does not answer (%s): %s goes without it", exc, method.__name__)
                return fallback(*args, **kwargs)  # type: ignore[no-any-return]

        return call

    return decorate


def _missing(key: str, delta: int) -> int:
    raise ValueError(f"Key '{key}' not found.")


class ResilientRedisCacheClient(RedisCacheClient):
    add = _or(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _or(lambda key, default: default)(RedisCacheClient.get)
    set = _or(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _or(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _or(lambda key: False)(RedisCacheClient.delete)
    get_many = _or(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _or(lambda key: False)(RedisCacheClient.has_key)
    incr = _or(_missing)(RedisCacheClient.incr)
    set_many = _or(lambda data, timeout: [])(RedisCacheClient.set_many)
    delete_many = _or(lambda keys: None)(RedisCacheClient.delete_many)


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
