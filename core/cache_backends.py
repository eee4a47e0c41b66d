"""The shared cache on Redis, as an optimisation and never a dependency.

Django's Redis backend raises when Redis is down, so a dashboard read or the data-generation bump
inside a write (core/cache.py) would turn a cache outage into a server error and lose what the user
typed. This backend answers every operation as a miss instead: a read returns the default (the
caller computes), a write is skipped. Settings (config/settings.py) use it for every `redis://` or
`rediss://` CACHE_URL and IMPORT_PROGRESS_CACHE_URL.

- Short timeouts and no retries by default, so a Redis that hangs (rather than refusing
  connections) costs a request at most `socket_timeout` once, not several seconds per operation.
  A CACHE_URL query string can override them (`?socket_timeout=2`).
- After a failure the process stops trying for RETRY_SECONDS, so a dead Redis costs nothing more.
- One warning a minute per process, with a count (core.logs), not a traceback per request.
- When Redis answers again, `cache_reconnected` is sent before anything else is read, so that what
  this process could not record during the outage (core/cache.py bumps the data generation) is
  made good first.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal

from core.logs import outage_warning, outages

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

# Sent with `location` (the cache's servers) when a cache that failed answers again.
cache_reconnected = Signal()


class _Health:
    """One cache server's state in this process, shared by every thread's backend instance."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.missed = 0  # operations answered without Redis during this outage


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_for(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health())


def cache_health_reset() -> None:
    """Forget every server's outage (for tests, each of which starts with Redis presumed up)."""
    with _health_lock:
        for state in _health.values():
            with state.lock:
                state.down_since, state.retry_at, state.missed = None, 0.0, 0


def _errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.RedisError, OSError)


class FailSafeRedisCache(RedisCache):
    """Django's RedisCache whose failures are misses. `ping()` raises, for the health check."""

    def __init__(self, server, params):
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        # redis-py retries a failed command three times by default; for a cache one try is enough.
        params["OPTIONS"].setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, params)
        self.location = server if isinstance(server, str) else ",".join(server)
        self._state = _health_for(self.location)

    # -- availability ------------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Whether operations go to Redis now (False while waiting to retry after a failure)."""
        state = self._state
        if state.down_since is None:
            return True
        if time.time() < state.retry_at:
            return False
        return self._probe()

    def _probe(self) -> bool:
        """Try Redis once after an outage; on success, announce it before serving anything."""
        state = self._state
        try:
            self._cache.get_client(write=True).ping()
        except _errors() as error:
            self._failed(error)
            return False
        with state.lock:
            was_down, state.down_since = state.down_since, None
            missed, state.missed = state.missed, 0
        if was_down is not None:
            outages.clear(f"cache:{self.location}")
            seconds = round(time.time() - was_down, 1)
            logger.info(
                "cache reachable again after %.0f s (%d operations were answered without it)",
                seconds,
                missed,
                extra={"event": "cache_reconnected", "seconds": seconds, "missed": missed},
            )
            cache_reconnected.send(sender=type(self), location=self.location)
        return True

    def _failed(self, error: BaseException) -> None:
        state = self._state
        with state.lock:
            if state.down_since is None:
                state.down_since = time.time()
            state.missed += 1
            state.retry_at = time.time() + RETRY_SECONDS
        outage_warning(
            logger,
            kind=f"cache:{self.location}",
            event="cache_unreachable",
            message="cache unreachable; pages compute their figures and writes skip the cache",
            error=error,
        )

    def _call(self, operation, fallback):
        if not self.available:
            with self._state.lock:
                self._state.missed += 1
            return fallback
        try:
            return operation()
        except _errors() as error:
            self._failed(error)
            return fallback

    def ping(self) -> None:
        """Reach Redis now, whatever the retry window says; raise if it does not answer."""
        try:
            self._cache.get_client(write=True).ping()
        except _errors() as error:
            self._failed(error)
            raise
        if self._state.down_since is not None:
            self._probe()

    # -- Django's cache API ------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be reached is a counter that does not exist (Django's contract
        # for a missing key), so a rate limit counts afresh rather than failing the request.
        missing = object()
        result = self._call(lambda: super(FailSafeRedisCache, self).incr(key, delta, version), missing)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).set_many(data, timeout, version), list(data))

    def delete_many(self, keys, version=None):
        return self._call(lambda: super(FailSafeRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._call(lambda: super(FailSafeRedisCache, self).clear(), False)
