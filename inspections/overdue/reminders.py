"""Reminders to the force's liaison officers before an item's current target date."""

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import F, Q, QuerySet

from core.dates import london_today
from core.urls import item_url
from inspections.models import TrackedItem
from inspections.overdue.alerts import liaison_officers_by_force, long_date
from inspections.rules import published_q
from inspections.wording import finding_name, item_subject, upper_first
from notifications.services import MessageDraft, messages_enqueue_many

logger = logging.getLogger(__name__)

REMINDER_DAYS = (30, 7)


def reminders_enqueue(*, today: dt.date | None = None) -> int:
    """Remind the force's liaison officers 30 and 7 days before an item's current target date.
    An item is reminded once per (reminder, target date): the first sweep on which it is within
    30 days sends "reminder-30", within 7 days "reminder-7", and the item records what it was
    reminded of (reminded_for, reminded_within) in the same transaction. A run that is missed (a
    day of downtime) still reminds on the next one; a target moved by an extension gets fresh
    reminders; a re-run finds nothing to do. Embargoed items are never reminded of: their force
    does not know of them yet. An officer who joins after a reminder went gets the next one."""
    today = today or london_today()
    due = reminders_due(today=today).filter(published_q(today=today, path="finding__inspection__"))
    if not due.exists():  # the usual run: one short index range, no transaction
        return 0
    with transaction.atomic():
        items = list(
            due.select_related("finding__inspection", "force").select_for_update(of=("self",), skip_locked=True)
        )
        if not items:
            return 0
        officers = liaison_officers_by_force({item.force_id for item in items})
        drafts = []
        reminded: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
        for item in items:
            days = (item.current_target_date - today).days
            window = reminder_window(days)
            reminded[(window, item.current_target_date)].append(item.pk)
            for user in officers.get(item.force_id, []):
                drafts.append(
                    MessageDraft(
                        recipient=user,
                        reason=f"reminder-{window}",
                        key=f"{user.pk}:reminder-{window}:{item.pk}:{item.current_target_date.isoformat()}",
                        subject=item_subject(item, f"due {_in_days(days)}"),
                        body=(
                            f"{upper_first(finding_name(item.finding))} for {item.force.name} is due on "
                            f"{long_date(item.current_target_date)}, {_in_days(days)}.\n\n"
                            f"{item.finding.text}\n\n{item_url(item.pk)}\n"
                        ),
                    )
                )
        enqueued = messages_enqueue_many(drafts=drafts)
        # Marked as the rows were read (locked above): an extension approved meanwhile waits for
        # this transaction, then moves the target, which no longer matches what is marked.
        for (window, target), pks in reminded.items():
            TrackedItem.objects.filter(pk__in=pks, current_target_date=target).update(
                reminded_for=target, reminded_within=window
            )
    if enqueued:
        logger.info(
            "reminders: %s messages enqueued", enqueued, extra={"event": "reminders_enqueued", "enqueued": enqueued}
        )
    return enqueued


def reminder_window(days: int) -> int:
    """The reminder an item `days` before its target is in: the smallest of REMINDER_DAYS it is
    within (30 from 30 days before, 7 from 7 days before)."""
    return min(d for d in REMINDER_DAYS if days <= d)


def reminders_due(*, today: dt.date) -> QuerySet[TrackedItem]:
    """Open items within the longest reminder's reach whose current target was not yet reminded
    of, or was reminded of only by a longer reminder than the one they are now in. Read from the
    item_open_reminder_idx index alone: nothing to remind costs one short index range."""
    longest = max(REMINDER_DAYS)
    not_yet = Q(reminded_for__isnull=True) | ~Q(reminded_for=F("current_target_date"))
    for days in sorted(REMINDER_DAYS)[:-1]:  # now in a shorter reminder than the one sent
        not_yet |= Q(current_target_date__lte=today + dt.timedelta(days=days), reminded_within__gt=days)
    return TrackedItem.objects.filter(
        not_yet,
        status__in=TrackedItem.OPEN_STATUSES,
        current_target_date__gte=today,
        current_target_date__lte=today + dt.timedelta(days=longest),
    )


def _in_days(days: int) -> str:
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
