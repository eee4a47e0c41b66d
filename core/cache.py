"""Cached read models: numbers that cost a scan of every tracked item (the dashboard's counts),
kept for at most CACHE_SECONDS and dropped by any write that changes them.

A write never deletes keys one by one: it changes the data "generation" (a random token kept in
the shared cache), and every cached figure's key includes the generation, so after a write every
key is new and the next page computes afresh. Call `data_changed()` from every service that
changes what the dashboard counts (item transitions, judgements, imports, overdue reviews, demo
and benchmark loaders). It changes the generation at once and again when the transaction commits:
a page computed between the two (from the data before the commit) is cached under the
intermediate generation, which the commit leaves behind.

The cache must be shared by every web process and the worker (CACHES["default"]: a file-based
cache under var/cache by default, CACHE_URL=redis://... in production): with a per-process cache
a write in one process would leave the others' figures stale for up to CACHE_SECONDS.

The cache is an optimisation, never a dependency: on Redis the backend (core/cache_backends.py)
answers a miss when Redis is down, so pages compute their figures and writes skip the bump. A
process that could not reach Redis bumps the generation when it reaches it again, before it reads
anything, so a Redis that comes back with its data (a network cut, a paused server) does not serve
figures from before the writes made during the outage."""

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.dispatch import receiver

from core.cache_backends import cache_reconnected

CACHE_SECONDS = 60
T = TypeVar("T")


def _prefix() -> str:
    # Two databases (two deployments, or parallel test workers) may share one cache server.
    return f"tracker:{connection.settings_dict.get('NAME')}"


def _generation_key() -> str:
    return f"{_prefix()}:generation"


def data_generation() -> str:
    """The current data generation (created on first use). With the cache unreachable, a new one
    on every call: nothing cached, and no validator (the register's ETag) matches, so nothing is
    answered from before a write the cache could not record."""
    key = _generation_key()
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        value = cache.get(key) or uuid.uuid4().hex
    return value


def _changed_at_key() -> str:
    return f"{_prefix()}:changed-at"


def _bump() -> None:
    cache.set(_generation_key(), uuid.uuid4().hex, timeout=None)
    cache.set(_changed_at_key(), time.time(), timeout=None)


def data_changed_at() -> float:
    """When the data last changed (a Unix time), as far as the cache knows: the public register's
    Last-Modified. Before any recorded change, the first time anyone asked."""
    key = _changed_at_key()
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time(), timeout=None)
        value = cache.get(key) or time.time()
    return float(value)


@receiver(cache_reconnected)
def _after_an_outage(**kwargs) -> None:
    # Writes made while the cache was down could not bump the generation: do it now.
    _bump()


def data_changed(*, committed: bool = False) -> None:
    """Every cached figure is out of date: now, and again when the current transaction commits
    (`committed=True` after a transaction that has committed already: now only)."""
    _bump()
    if not committed:
        transaction.on_commit(_bump)


def _as_rendered(value):
    """A value json cannot write, as the HTML drawn from it could show it: a model instance by every
    field it was read with and the related objects read with it (select_related); anything else
    (dates, dataclasses of figures) by its repr."""
    if isinstance(value, Model):
        fields = {name: field for name, field in vars(value).items() if not name.startswith("_")}
        return {"model": value._meta.label, "fields": fields, "related": value._state.fields_cache}
    return repr(value)


def content_key(name: str, parts: dict) -> str:
    """A key of `name` for these parts alone, in no generation: for HTML rendered from nothing but
    `parts` (the figures, or the rows, themselves among them, model instances as they were read),
    which a write that leaves them as they were need not render again."""
    text = json.dumps(parts, sort_keys=True, default=_as_rendered)
    return f"{_prefix()}:{name}:content:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def cache_key(name: str, parts: dict) -> str:
    """The key of `name` for these parts (scope, filters, day) in the current generation; also the
    key of a template fragment that shows it ({% cache 60 name key %})."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"{_prefix()}:{name}:{data_generation()}:{digest}"


def cached(name: str, parts: dict, compute: Callable[[], T], *, seconds: int = CACHE_SECONDS) -> T:
    """compute() once per CACHE_SECONDS for these parts (scope, filters, day) and this generation."""
    key = cache_key(name, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value
