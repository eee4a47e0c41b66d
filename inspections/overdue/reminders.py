"""Reminders to the force's liaison officers before an item's current target date."""

import datetime as dt
import logging

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
    An item is reminded once per (officer, reminder, item, target date): the first sweep on which
    it is within 30 days sends "reminder-30", within 7 days "reminder-7". A run that is missed
    (a day of downtime) still reminds on the next one; a target moved by an extension gets fresh
    reminders; a re-run finds the key taken and sends nothing. Embargoed items are never reminded
    of: their force does not know of them yet."""
    today = today or london_today()
    longest = max(REMINDER_DAYS)
    items = list(
        TrackedItem.objects.filter(
            published_q(today=today, path="finding__inspection__"),
            status__in=TrackedItem.OPEN_STATUSES,
            current_target_date__gte=today,
            current_target_date__lte=today + dt.timedelta(days=longest),
        ).select_related("finding__inspection", "force")
    )
    officers = liaison_officers_by_force({item.force_id for item in items})
    drafts = []
    for item in items:
        days = (item.current_target_date - today).days
        window = min(d for d in REMINDER_DAYS if days <= d)
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
    if enqueued:
        logger.info(
            "reminders: %s messages enqueued", enqueued, extra={"event": "reminders_enqueued", "enqueued": enqueued}
        )
    return enqueued


def _in_days(days: int) -> str:
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
