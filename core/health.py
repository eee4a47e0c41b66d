"""What the health endpoint checks: the database, the broker, and the age of the last sweep."""

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from core.models import JobRun

SWEEP_JOB = "overdue_sweep"
# The sweep runs every 15 minutes; an hour without one means the worker or beat is not running.
SWEEP_MAX_AGE = dt.timedelta(hours=1)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    critical: bool = True


def check_database() -> Check:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return Check("database", False, f"{type(error).__name__}: {error}")
    return Check("database", True, f"{(time.monotonic() - started) * 1000:.0f} ms")


def check_broker() -> Check:
    # The broker being down degrades the service (messages wait in the outbox) but does not stop
    # it, so it is reported without failing the check a load balancer acts on.
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            # One attempt (max_retries=1 retries until the timeout: 2 s on every probe of a dead broker).
            conn.ensure_connection(max_retries=0, timeout=2)
    except Exception as error:  # noqa: BLE001
        return Check("broker", False, f"{type(error).__name__}: {error}", critical=False)
    return Check("broker", True, "reachable", critical=False)


def check_sweep(now: dt.datetime | None = None) -> Check:
    now = now or timezone.now()
    run = JobRun.objects.filter(name=SWEEP_JOB).first()
    if run is None:
        return Check("last_sweep", False, "never run", critical=False)
    age = now - run.last_success_at
    return Check("last_sweep", age <= SWEEP_MAX_AGE, f"{int(age.total_seconds())} s ago", critical=False)


def health() -> tuple[bool, list[Check]]:
    checks = [check_database(), check_broker(), check_sweep()]
    return all(c.ok for c in checks if c.critical), checks
