import datetime as dt

from django.utils import timezone

from core.models import JobRun


def job_run_record(*, name: str, started_at: dt.datetime, details: dict | None = None) -> JobRun:
    """Record that a periodic job finished successfully (one row per job, updated in place)."""
    now = timezone.now()
    run, _ = JobRun.objects.update_or_create(
        name=name,
        defaults={
            "last_success_at": now,
            "last_duration_ms": max(0, int((now - started_at).total_seconds() * 1000)),
            "details": details or {},
        },
    )
    return run
