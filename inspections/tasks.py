"""Thin Celery tasks for the overdue engine: each calls one service in inspections/overdue.py.
The beat schedule (config/settings.py CELERY_BEAT_SCHEDULE) runs them; all are safe to run twice."""

from celery import shared_task

from inspections.overdue.digests import daily_digests_enqueue, weekly_digests_enqueue
from inspections.overdue.sweep import sweep_run


@shared_task(ignore_result=True)
def sweep_overdue() -> dict[str, int]:
    """Flag and clear every clock, alert the forces, enqueue reminders."""
    return sweep_run()


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    return daily_digests_enqueue()


@shared_task(ignore_result=True)
def send_weekly_digests() -> int:
    return weekly_digests_enqueue()
