"""What the health endpoint checks: everything a write needs (the database, the evidence storage),
and what the service needs to be whole (the broker, the shared cache, a recent overdue sweep).

Only the first two fail the check a load balancer acts on (503): with the broker down emails wait in
the outbox, with the cache down pages compute their figures, and a late sweep is a worker or beat
problem, none of them a reason to take a web process out of service."""

import datetime as dt
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from kombu import Connection

from core.models import JobRun

SWEEP_JOB = "overdue_sweep"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    critical: bool = True


def _failure(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _timed(started: float) -> str:
    return f"{(time.monotonic() - started) * 1000:.0f} ms"


def check_database() -> Check:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return Check("database", False, _failure(error))
    return Check("database", True, _timed(started))


def check_storage() -> Check:
    """Evidence files are saved here: write a file and delete it."""
    started = time.monotonic()
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        default_storage.delete(name)
    except Exception as error:  # noqa: BLE001
        return Check("storage", False, _failure(error))
    return Check("storage", True, _timed(started))


def check_broker() -> Check:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            # One attempt (max_retries=1 retries until the timeout: 2 s on every probe of a dead broker).
            conn.ensure_connection(max_retries=0, timeout=2)
    except Exception as error:  # noqa: BLE001
        return Check("broker", False, _failure(error), critical=False)
    return Check("broker", True, "reachable", critical=False)


def check_cache() -> Check:
    """Each distinct cache (the shared one, and the import progress one if it is another)."""
    started = time.monotonic()
    seen = set()
    try:
        for alias in ("default", settings.IMPORT_PROGRESS_CACHE):
            location = (settings.CACHES[alias]["BACKEND"], str(settings.CACHES[alias].get("LOCATION")))
            if location in seen:
                continue
            seen.add(location)
            backend = caches[alias]
            if hasattr(backend, "ping"):
                backend.ping()  # the Redis backend never raises otherwise
                continue
            key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
            backend.set(key, value, timeout=10)
            if backend.get(key) != value:
                raise RuntimeError(f"the {alias!r} cache did not keep a value")
            backend.delete(key)
    except Exception as error:  # noqa: BLE001
        return Check("cache", False, _failure(error), critical=False)
    return Check("cache", True, _timed(started), critical=False)


def sweep_max_age() -> dt.timedelta:
    """Beat sweeps every SWEEP_INTERVAL_SECONDS: one missed run is tolerated, two are not."""
    return dt.timedelta(seconds=2 * settings.SWEEP_INTERVAL_SECONDS)


def check_sweep(now: dt.datetime | None = None) -> Check:
    now = now or timezone.now()
    run = JobRun.objects.filter(name=SWEEP_JOB).first()
    if run is None:
        return Check("last_sweep", False, "never run", critical=False)
    age = now - run.last_success_at
    return Check("last_sweep", age <= sweep_max_age(), f"{int(age.total_seconds())} s ago", critical=False)


def health() -> tuple[bool, list[Check]]:
    database = check_database()
    checks = [database, check_storage(), check_broker(), check_cache()]
    if database.ok:
        checks.append(check_sweep())
    else:
        checks.append(Check("last_sweep", False, "unknown: the database is down", critical=False))
    return all(c.ok for c in checks if c.critical), checks
