"""Telling people: outbox messages for the force's liaison officers about what the clocks flagged."""

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import DateField, ExpressionWrapper, F, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.dates import london_today
from core.urls import absolute_url, item_url
from forces.models import LiaisonMembership
from forces.selectors import governance_on
from inspections import rules
from inspections.models import ItemEvent
from inspections.wording import finding_name, item_subject, report_subject
from notifications.services import MessageDraft, messages_enqueue_many

logger = logging.getLogger(__name__)

# Clock events older than this when the notifier first sees them are marked, not emailed (for
# example history loaded by the demo or an import): a stale alert helps nobody.
NOTIFY_WINDOW_DAYS = 7
NOTIFY_BATCH = 2000


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "its target date"


def liaison_officers_by_force(force_ids: set[int]) -> dict[int, list[User]]:
    memberships = LiaisonMembership.objects.filter(
        force_id__in=force_ids, user__is_active=True, user__groups__name=GROUP_NAMES[Role.LIAISON]
    ).select_related("user")
    officers: dict[int, list[User]] = defaultdict(list)
    for membership in memberships:
        if membership.user.email:
            officers[membership.force_id].append(membership.user)
    return officers


_ALERTS = {
    ItemEvent.Kind.BECAME_OVERDUE: (
        "overdue",
        "overdue since {since}",
        "{kind_ref} for {force} passed its target date of {deadline} and is overdue since {since}.",
    ),
    # Per report, not per item: one email for the report, however many items it holds (the
    # outbox key names the report).
    ItemEvent.Kind.COMMENTS_LATE: (
        "comments-late",
        "local policing body's comments overdue",
        "{body} had to publish its comments on {report} by {deadline}, within 56 days of the report's "
        "publication (Police Act 1996, section 55), covering each recommendation. The inspectorate has no "
        "record of them: please send the inspectorate the link once they are published.",
    ),
    ItemEvent.Kind.FRA_PLAN_LATE: (
        "fire-plan-late",
        "fire and rescue authority's action plan overdue",
        "{body} had to publish its action plan on the recommendations of {report} by {deadline}, the date "
        "the inspectorate set. The inspectorate has no record of it: please send the inspectorate the link "
        "once it is published.",
    ),
    ItemEvent.Kind.ACTION_PLAN_LATE: (
        "action-plan-late",
        "action plan overdue",
        "The action plan for {kind_ref} was due by {deadline} and no progress update has been posted.",
    ),
}


_PER_REPORT = (ItemEvent.Kind.COMMENTS_LATE, ItemEvent.Kind.FRA_PLAN_LATE)


def _governing_bodies(events: list[ItemEvent]) -> dict[tuple[int, dt.date], str]:
    """The name of the body governing each force on the day its report was published, for the
    per-report alerts: one query per publication day among them (a handful)."""
    wanted: dict[dt.date, set[int]] = defaultdict(set)
    for event in events:
        published = event.item.finding.inspection.published_on
        if event.kind in _PER_REPORT and published is not None:
            wanted[published].add(event.item.force_id)
    names = {}
    for day, force_ids in wanted.items():
        for force_id, period in governance_on(force_ids=force_ids, day=day).items():
            names[(force_id, day)] = period.body.name
    return names


def clock_events_notify(*, today: dt.date | None = None) -> int:
    """Turn the clock events nobody has been told about into outbox messages for the force's
    liaison officers, then mark the events notified, in one transaction per batch. Returns the
    number of messages enqueued. A crash before the commit leaves the events unnotified: the next
    run enqueues them, and the outbox key (recipient, reason, item, day) stops a second copy."""
    today = today or london_today()
    oldest = today - dt.timedelta(days=NOTIFY_WINDOW_DAYS)
    window = dt.timedelta(days=NOTIFY_WINDOW_DAYS)
    # Stale events (found long after their deadline, as after an import) are marked in one
    # statement rather than row by row: there is nobody to tell about them.
    ItemEvent.objects.filter(notified_at__isnull=True, kind__in=list(_ALERTS)).filter(
        Q(clock_day__isnull=True)
        | Q(clock_day__lt=oldest)
        | Q(target_date__lt=ExpressionWrapper(F("clock_day") - window, output_field=DateField()))
    ).update(notified_at=timezone.now())
    enqueued = 0
    while True:
        with transaction.atomic():
            events = list(
                ItemEvent.objects.filter(notified_at__isnull=True, kind__in=list(_ALERTS))
                .select_related("item__finding__inspection", "item__force")
                .select_for_update(of=("self",), skip_locked=True)
                .order_by("id")[:NOTIFY_BATCH]
            )
            if not events:
                break
            # Only what became late recently: a first sweep over old data (an import, the demo)
            # should not send an alert per long-late item; the digests cover those.
            fresh = [
                e
                for e in events
                if e.clock_day is not None
                and e.clock_day >= oldest
                and (e.target_date is None or e.target_date >= e.clock_day - dt.timedelta(days=NOTIFY_WINDOW_DAYS))
            ]
            officers = liaison_officers_by_force({e.item.force_id for e in fresh})
            bodies = _governing_bodies(fresh)
            drafts = []
            for event in fresh:
                reason, subject, body = _ALERTS[event.kind]
                item, inspection = event.item, event.item.finding.inspection
                words = {
                    "ref": item.finding.reference,
                    "kind_ref": finding_name(item.finding),
                    "force": item.force.name,
                    "deadline": long_date(event.target_date),
                    "report": inspection.title,
                    "body": bodies.get((item.force_id, inspection.published_on), "The governing body"),
                    "since": long_date(rules.overdue_since(event.target_date)) if event.target_date else "then",
                }
                per_report = event.kind in _PER_REPORT
                about = f"report-{inspection.pk}-{item.force_id}" if per_report else str(event.item_id)
                link = absolute_url("inspections:inspection_detail", pk=inspection.pk)
                for user in officers.get(item.force_id, []):
                    drafts.append(
                        MessageDraft(
                            recipient=user,
                            reason=reason,
                            key=f"{user.pk}:{reason}:{about}:{event.clock_day.isoformat()}",
                            subject=(
                                report_subject(force=item.force, inspection=inspection, what=subject.format(**words))
                                if per_report
                                else item_subject(item, subject.format(**words))
                            ),
                            body=f"{body.format(**words)}\n\n{link if per_report else item_url(event.item_id)}\n",
                        )
                    )
            enqueued += messages_enqueue_many(drafts=drafts)
            ItemEvent.objects.filter(id__in=[e.id for e in events]).update(notified_at=timezone.now())
    if enqueued:
        logger.info(
            "clock alerts: %s messages enqueued", enqueued, extra={"event": "alerts_enqueued", "enqueued": enqueued}
        )
    return enqueued
