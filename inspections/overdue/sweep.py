"""The periodic job: the clocks, then the alerts for what they flagged, then the reminders."""

import datetime as dt
import logging

from django.utils import timezone

from core.dates import london_today
from core.health import SWEEP_JOB
from core.services import job_run_record
from inspections.overdue.alerts import clock_events_notify
from inspections.overdue.clocks import clocks_sweep
from inspections.overdue.reminders import reminders_enqueue
from inspections.signals import figures_changed

logger = logging.getLogger(__name__)


def sweep_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Everything the periodic job does: the clocks, then the alerts for what they flagged, then
    the reminders. Flagging commits before anyone is told, so a crash in between only delays."""
    today = today or london_today()
    started_at = timezone.now()
    counts = clocks_sweep(today=today)
    counts["alerts_enqueued"] = clock_events_notify(today=today)
    counts["reminders_enqueued"] = reminders_enqueue(today=today)
    # The dashboard's summary moves to the new day (overdue, due soon, ageing, the quarter, the
    # months, the embargo): every force whose figures were counted for an earlier day, recounted.
    counts["figures_recounted"] = sum(
        answer for _receiver, answer in figures_changed.send(sender=None, force_ids=None, stale_only=True) if answer
    )
    _record_run(started_at=started_at, counts=counts)
    seconds = round((timezone.now() - started_at).total_seconds(), 3)
    logger.info(
        "sweep done in %.1f s",
        seconds,
        extra={"event": "sweep_done", "day": today.isoformat(), "seconds": seconds, **counts},
    )
    return counts


def _record_run(*, started_at: dt.datetime, counts: dict[str, int]) -> None:
    # The health endpoint reports the age of the last successful sweep.
    job_run_record(name=SWEEP_JOB, started_at=started_at, details=counts)
