"""The overdue engine: the clocks that flag what is late, the notifier that tells the force, the
reminders before a target, and the digests. Writes only; tasks and the `sweep` command call these.

Each clock is a condition on an item ("late") and a flag column on the item holding the day the
sweep flagged it. A sweep makes two transitions per clock, each ONE set-based conditional UPDATE
that also records an ItemEvent per row it changed:

- flag: late and not flagged -> set the flag, record the clock's "late" event;
- clear: flagged and no longer late (closed, answered, target moved) -> clear it, record "ended".

Safe to run twice: the second run finds no row matching either WHERE. Safe in two workers at once:
on PostgreSQL under READ COMMITTED the second UPDATE waits on the rows the first one locked, then
re-checks its WHERE against the committed row (flag no longer NULL) and skips it, so it records no
event for it; the partial unique constraint `event_one_clock_per_day` is the backstop
(ON CONFLICT DO NOTHING). On SQLite, which has no data-modifying CTEs, the same is an UPDATE ...
RETURNING followed by the INSERT, in one transaction (SQLite serialises writers anyway).

Dates are London dates (`london_today`): a target of 31 March is overdue from 00:00 on 1 April
in London, which in summer time is 23:00 UTC on 31 March.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, DateField, ExpressionWrapper, F, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.health import SWEEP_JOB
from core.services import job_run_record
from core.urls import item_url
from forces.models import Force, LiaisonMembership
from inspections.models import ItemEvent, TrackedItem
from inspections.selectors import london_today
from notifications.services import MessageDraft, messages_enqueue_many

logger = logging.getLogger(__name__)

OPEN = "('published', 'in_progress', 'submitted')"
RESPONSE_DAYS = 56  # Police Act 1996 s.55: the PCC's response within 56 days of publication.
VERIFICATION_DAYS = 30  # The inspectorate's own target for verifying a closure claim.
REMINDER_DAYS = (30, 7)
SOON_DUE_DAYS = 14  # "Soon due" in the daily digest.
# Clock events older than this when the notifier first sees them are marked, not emailed (for
# example history loaded by the demo or an import): a stale alert helps nobody.
NOTIFY_WINDOW_DAYS = 7
NOTIFY_BATCH = 2000


@dataclass(frozen=True)
class Clock:
    name: str
    flag: str  # the TrackedItem column holding the day it was flagged
    late_kind: str
    ended_kind: str
    # SQL on the item `i` (and, with `joins`, finding `f` and inspection `n`): the deadline, and
    # any further condition for being late. Vendor-specific date arithmetic is filled in below.
    deadline: str
    extra: str = "TRUE"
    joins: bool = False


def clocks() -> list[Clock]:
    pg = connection.vendor == "postgresql"
    plus = (lambda col, days: f"({col} + {days})") if pg else (lambda col, days: f"date({col}, '+{days} days')")
    return [
        # The partial indexes item_open_unflagged_idx / item_flagged_idx answer these: the WHERE
        # repeats their conditions (open statuses; flag IS [NOT] NULL).
        Clock(
            name="overdue",
            flag="overdue_flagged_on",
            late_kind=ItemEvent.Kind.BECAME_OVERDUE,
            ended_kind=ItemEvent.Kind.NO_LONGER_OVERDUE,
            deadline="i.current_target_date",
        ),
        Clock(
            name="response",
            flag="response_overdue_flagged_on",
            late_kind=ItemEvent.Kind.RESPONSE_LATE,
            ended_kind=ItemEvent.Kind.RESPONSE_LATE_ENDED,
            deadline=plus("n.published_on", RESPONSE_DAYS),
            extra="i.response = 'pending'",
            joins=True,
        ),
        # The action plan: a finding with action_plan_due_on (set on publication: six weeks for an
        # NCPI cause of concern, the accelerated cause of concern's own date) expects each force
        # to post a first progress update (its plan) by then. Late while it has posted none.
        Clock(
            name="action_plan",
            flag="action_plan_overdue_flagged_on",
            late_kind=ItemEvent.Kind.ACTION_PLAN_LATE,
            ended_kind=ItemEvent.Kind.ACTION_PLAN_LATE_ENDED,
            deadline="f.action_plan_due_on",
            extra="NOT EXISTS (SELECT 1 FROM inspections_progressupdate u WHERE u.item_id = i.id)",
            joins=True,
        ),
        # The inspectorate's own backlog: a claim submitted for closure waiting over 30 days.
        Clock(
            name="verification",
            flag="verification_overdue_flagged_on",
            late_kind=ItemEvent.Kind.VERIFICATION_LATE,
            ended_kind=ItemEvent.Kind.VERIFICATION_LATE_ENDED,
            deadline=plus("i.submitted_on", VERIFICATION_DAYS),
            extra="i.status = 'submitted'",
        ),
    ]


def _late(clock: Clock) -> str:
    return f"i.status IN {OPEN} AND {clock.deadline} < %(today)s AND {clock.extra}"


_JOINS_FROM = "inspections_finding f, inspections_inspection n"
_JOINS_WHERE = "f.id = i.finding_id AND n.id = f.inspection_id"
_JOINS_SQLITE = (
    "JOIN inspections_finding f ON f.id = i.finding_id JOIN inspections_inspection n ON n.id = f.inspection_id"
)
_EVENT_COLUMNS = "(item_id, kind, at, actor_id, from_status, to_status, note, target_date, clock_day)"


def statement_postgresql(clock: Clock, *, flag: bool) -> tuple[str, str]:
    """The one statement for a transition on PostgreSQL, and the event kind it records."""
    if flag:
        where = f"{_late(clock)} AND i.{clock.flag} IS NULL"
        set_to, kind = "%(today)s", clock.late_kind
    else:
        # COALESCE: a NULL deadline (no target, unpublished) means "not late".
        where = f"i.{clock.flag} IS NOT NULL AND NOT COALESCE(({_late(clock)}), FALSE)"
        set_to, kind = "NULL", clock.ended_kind
    joins_from = f"FROM {_JOINS_FROM}" if clock.joins else ""
    joins_where = f"{_JOINS_WHERE} AND " if clock.joins else ""
    # Built only from this module's constants; every value is a query parameter.
    sql = f"""
        WITH changed AS (
            UPDATE inspections_trackeditem i SET {clock.flag} = {set_to}
            {joins_from}
            WHERE {joins_where}{where}
            RETURNING i.id, i.status, {clock.deadline} AS deadline
        )
        INSERT INTO inspections_itemevent {_EVENT_COLUMNS}
        SELECT id, %(kind)s, %(now)s, NULL, '', '', '', deadline, %(today)s FROM changed
        ON CONFLICT DO NOTHING
    """  # noqa: S608
    return sql, kind


def _transition_postgresql(clock: Clock, *, flag: bool, params: dict) -> int:
    sql, kind = statement_postgresql(clock, flag=flag)
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "kind": kind})
        return cursor.rowcount


def _transition_sqlite(clock: Clock, *, flag: bool, params: dict) -> int:
    # SQLite: RETURNING may name only the updated table, so the deadline is read back by id.
    joins = _JOINS_SQLITE if clock.joins else ""
    if flag:
        where = f"{_late(clock)} AND i.{clock.flag} IS NULL"
        set_to, kind = "%(today)s", clock.late_kind
    else:
        where = f"i.{clock.flag} IS NOT NULL AND NOT COALESCE(({_late(clock)}), 0)"
        set_to, kind = "NULL", clock.ended_kind
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE inspections_trackeditem SET {clock.flag} = {set_to}
                WHERE id IN (SELECT i.id FROM inspections_trackeditem i {joins} WHERE {where})
                RETURNING id""",  # noqa: S608
            params,
        )
        ids = [row[0] for row in cursor.fetchall()]
        inserted = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"""INSERT OR IGNORE INTO inspections_itemevent {_EVENT_COLUMNS}
                    SELECT i.id, %(kind)s, %(now)s, NULL, '', '', '', {clock.deadline}, %(today)s
                    FROM inspections_trackeditem i {joins}
                    WHERE i.id IN ({", ".join(str(int(pk)) for pk in chunk)})""",  # noqa: S608
                {**params, "kind": kind},
            )
            inserted += cursor.rowcount
        return inserted


def clocks_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """Flag what became late and clear what stopped being late, on every clock. Returns (and logs)
    the number of events recorded per transition."""
    today = today or london_today()
    now = timezone.now()
    params = {
        "today": connection.ops.adapt_datefield_value(today),
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    transition = _transition_postgresql if connection.vendor == "postgresql" else _transition_sqlite
    counts: dict[str, int] = {}
    for clock in clocks():
        # Each transition is its own statement (its own transaction in autocommit), so a long
        # sweep holds its row locks no longer than one statement.
        counts[f"{clock.name}_flagged"] = transition(clock, flag=True, params=params)
        counts[f"{clock.name}_cleared"] = transition(clock, flag=False, params=params)
    logger.info(
        "overdue sweep for %s: %s",
        today.isoformat(),
        " ".join(f"{k}={v}" for k, v in counts.items()),
        extra={"event": "clocks_swept", "day": today.isoformat(), **counts},
    )
    return counts


# --- Telling people ---------------------------------------------------------------------------


def _liaison_officers_by_force(force_ids: set[int]) -> dict[int, list[User]]:
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
        "Overdue: {ref} ({force})",
        "{ref} for {force} passed its target date of {deadline} and is now overdue.",
    ),
    ItemEvent.Kind.RESPONSE_LATE: (
        "response-late",
        "Response overdue: {ref} ({force})",
        "The force's response to {ref} was due by {deadline}, 56 days after the report was published.",
    ),
    ItemEvent.Kind.ACTION_PLAN_LATE: (
        "action-plan-late",
        "Action plan overdue: {ref} ({force})",
        "The action plan for {ref} was due by {deadline} and no progress update has been posted.",
    ),
}


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
                .select_related("item__finding", "item__force")
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
            officers = _liaison_officers_by_force({e.item.force_id for e in fresh})
            drafts = []
            for event in fresh:
                reason, subject, body = _ALERTS[event.kind]
                words = {
                    "ref": event.item.finding.reference,
                    "force": event.item.force.name,
                    "deadline": _long_date(event.target_date),
                }
                for user in officers.get(event.item.force_id, []):
                    drafts.append(
                        MessageDraft(
                            recipient=user,
                            reason=reason,
                            key=f"{user.pk}:{reason}:{event.item_id}:{event.clock_day.isoformat()}",
                            subject=subject.format(**words),
                            body=f"{body.format(**words)}\n\n{item_url(event.item_id)}\n",
                        )
                    )
            enqueued += messages_enqueue_many(drafts=drafts)
            ItemEvent.objects.filter(id__in=[e.id for e in events]).update(notified_at=timezone.now())
    if enqueued:
        logger.info(
            "clock alerts: %s messages enqueued", enqueued, extra={"event": "alerts_enqueued", "enqueued": enqueued}
        )
    return enqueued


def _long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "its target date"


def reminders_enqueue(*, today: dt.date | None = None) -> int:
    """Remind the force's liaison officers 30 and 7 days before an item's current target date.
    An item is reminded once per (officer, reminder, item, target date): the first sweep on which
    it is within 30 days sends "reminder-30", within 7 days "reminder-7". A run that is missed
    (a day of downtime) still reminds on the next one; a target moved by an extension gets fresh
    reminders; a re-run finds the key taken and sends nothing."""
    today = today or london_today()
    longest = max(REMINDER_DAYS)
    items = list(
        TrackedItem.objects.filter(
            status__in=TrackedItem.OPEN_STATUSES,
            current_target_date__gte=today,
            current_target_date__lte=today + dt.timedelta(days=longest),
        ).select_related("finding", "force")
    )
    officers = _liaison_officers_by_force({item.force_id for item in items})
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
                    subject=f"Due {_in_days(days)}: {item.finding.reference} ({item.force.name})",
                    body=(
                        f"{item.finding.reference} for {item.force.name} is due on "
                        f"{_long_date(item.current_target_date)}, {_in_days(days)}.\n\n"
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


def daily_digests_enqueue(*, today: dt.date | None = None) -> int:
    """07:00 London: each liaison officer who wants digests gets their forces' items that became
    overdue since yesterday's digest and those due in the next 14 days. Nothing to say, no email."""
    today = today or london_today()
    officers = User.objects.filter(
        is_active=True, receives_digests=True, groups__name=GROUP_NAMES[Role.LIAISON]
    ).exclude(email="")
    memberships = LiaisonMembership.objects.filter(user__in=officers).values_list("user_id", "force_id")
    forces_of: dict[int, set[int]] = defaultdict(set)
    for user_id, force_id in memberships:
        forces_of[user_id].add(force_id)
    all_forces = set().union(*forces_of.values()) if forces_of else set()
    newly = defaultdict(list)
    # "Newly": flagged in the 24 hours since the previous digest (items still overdue).
    for event in (
        ItemEvent.objects.filter(
            kind=ItemEvent.Kind.BECAME_OVERDUE,
            at__gt=timezone.now() - dt.timedelta(hours=24),
            item__force_id__in=all_forces,
            item__overdue_flagged_on__isnull=False,
        )
        .select_related("item__finding", "item__force")
        .order_by("item__force__name", "item__finding__reference")
    ):
        newly[event.item.force_id].append(event.item)
    soon = defaultdict(list)
    for item in (
        TrackedItem.objects.filter(
            force_id__in=all_forces,
            status__in=TrackedItem.OPEN_STATUSES,
            current_target_date__gte=today,
            current_target_date__lte=today + dt.timedelta(days=SOON_DUE_DAYS),
        )
        .select_related("finding", "force")
        .order_by("current_target_date", "id")
    ):
        soon[item.force_id].append(item)
    drafts = []
    for user in officers.distinct():
        mine_new = [item for force_id in sorted(forces_of[user.pk]) for item in newly[force_id]]
        mine_soon = [item for force_id in sorted(forces_of[user.pk]) for item in soon[force_id]]
        if not mine_new and not mine_soon:
            continue
        lines = [f"Your recommendation tracker digest for {_long_date(today)}.", ""]
        if mine_new:
            lines += ["Newly overdue:"] + [
                f"- {i.finding.reference} ({i.force.name}), due {_long_date(i.current_target_date)}: {item_url(i.pk)}"
                for i in mine_new
            ]
            lines.append("")
        if mine_soon:
            lines += [f"Due in the next {SOON_DUE_DAYS} days:"] + [
                f"- {i.finding.reference} ({i.force.name}), due {_long_date(i.current_target_date)}: {item_url(i.pk)}"
                for i in mine_soon
            ]
            lines.append("")
        lines.append("You can turn these digests off on your account page.")
        drafts.append(
            MessageDraft(
                recipient=user,
                reason="digest-daily",
                key=f"{user.pk}:digest-daily:all:{today.isoformat()}",
                subject=f"Tracker digest: {len(mine_new)} newly overdue, {len(mine_soon)} due soon",
                body="\n".join(lines),
            )
        )
    return messages_enqueue_many(drafts=drafts)


def weekly_digests_enqueue(*, today: dt.date | None = None) -> int:
    """Monday 07:00 London: each manager who wants digests gets the national overdue picture by
    force (overdue items now, and how many became overdue in the last seven days)."""
    today = today or london_today()
    week_start = today - dt.timedelta(days=today.weekday())
    managers = (
        User.objects.filter(is_active=True, receives_digests=True, groups__name=GROUP_NAMES[Role.MANAGER])
        .exclude(email="")
        .distinct()
    )
    if not managers:
        return 0
    # Two grouped counts, not one annotate over two joins (which would multiply the rows).
    overdue = dict(
        TrackedItem.objects.filter(status__in=TrackedItem.OPEN_STATUSES, current_target_date__lt=today)
        .values_list("force_id")
        .annotate(n=Count("id"))
    )
    new = dict(
        ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE, clock_day__gt=today - dt.timedelta(days=7))
        .values_list("item__force_id")
        .annotate(n=Count("id"))
    )
    names = dict(Force.objects.filter(id__in=set(overdue) | set(new)).values_list("id", "name"))
    rows = sorted(names, key=lambda force_id: (-overdue.get(force_id, 0), names[force_id]))
    total = sum(overdue.values())
    backlog = TrackedItem.objects.filter(verification_overdue_flagged_on__isnull=False).count()
    lines = [
        f"Overdue recommendations nationally on {_long_date(today)}: {total}.",
        f"Closure claims waiting more than {VERIFICATION_DAYS} days for verification: {backlog}.",
        "",
        "By force (overdue now; newly overdue in the last 7 days):",
    ] + [f"- {names[f]}: {overdue.get(f, 0)}; {new.get(f, 0)} new" for f in rows]
    lines += ["", "You can turn these digests off on your account page."]
    drafts = [
        MessageDraft(
            recipient=user,
            reason="digest-weekly",
            key=f"{user.pk}:digest-weekly:all:{week_start.isoformat()}",
            subject=f"Weekly overdue picture: {total} overdue",
            body="\n".join(lines),
        )
        for user in managers
    ]
    return messages_enqueue_many(drafts=drafts)


def sweep_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Everything the periodic job does: the clocks, then the alerts for what they flagged, then
    the reminders. Flagging commits before anyone is told, so a crash in between only delays."""
    today = today or london_today()
    started_at = timezone.now()
    counts = clocks_sweep(today=today)
    counts["alerts_enqueued"] = clock_events_notify(today=today)
    counts["reminders_enqueued"] = reminders_enqueue(today=today)
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
