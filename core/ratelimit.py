"""Rate limits: at most N attempts per window for one key (a client address, an email address),
counted in the shared cache (CACHE_URL: Redis in production, where every web process sees the same
count; `incr` is atomic there).

A fixed window: the count starts at the first attempt of each window and is forgotten when the
window ends. Limits are settings of the form "30/15m" (count/window, window in s, m or h)."""

import hashlib
import re
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

_UNITS = {"s": 1, "m": 60, "h": 3600}
_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smh])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))


def parse_rate(text: str, *, setting: str = "rate limit") -> Rate:
    match = _PATTERN.match(text or "")
    if not match or int(match.group(1)) < 1:
        raise ImproperlyConfigured(f'{setting} must look like "30/15m" (attempts per 15 minutes), not "{text}"')
    count, number, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
    if number < 1:
        raise ImproperlyConfigured(f'{setting}: the window must be at least 1{unit}, not "{text}"')
    return Rate(count=count, seconds=number * _UNITS[unit])


def _cache_key(scope: str, key: str, rate: Rate) -> str:
    window = int(time.time()) // rate.seconds
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{rate.seconds}:{window}"


def rate_limit_count(*, scope: str, key: str, rate: Rate) -> bool:
    """Count one attempt. True when this attempt is over the limit (refuse it)."""
    cache_key = _cache_key(scope, key, rate)
    if cache.add(cache_key, 1, timeout=rate.seconds + 5):
        return rate.count < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window ended between add and incr
        cache.add(cache_key, 1, timeout=rate.seconds + 5)
        count = 1
    return count > rate.count
