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

No clock runs on an embargoed item (rules.published_q): until its inspection's publication date
nothing about it is late, so nothing is flagged, recorded or emailed; on that date the clocks
start as for any other item. Every clock therefore joins the item's finding and inspection.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core.dates import london_today
from forces.models import Force
from inspections import rules
from inspections.models import ItemEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clock:
    name: str
    flag: str  # the TrackedItem column holding the day it was flagged
    late_kind: str
    ended_kind: str
    # SQL on the item `i`, its finding `f` and inspection `n`: the deadline, and any further
    # condition for being late. Vendor-specific date arithmetic is filled in below.
    deadline: str
    extra: str = "TRUE"


def _of_kind(kind: str) -> str:
    # The organisation's kind, read from the register; `kind` is one of Force.Kind's constants.
    return f"EXISTS (SELECT 1 FROM forces_force o WHERE o.id = i.force_id AND o.kind = '{kind}')"  # noqa: S608


# The governing body's reply to the report (comments or action plan) is recorded for the force.
_REPLY_RECORDED = (
    "EXISTS (SELECT 1 FROM inspections_reportreply r WHERE r.inspection_id = n.id AND r.force_id = i.force_id)"
)


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
        # Police reports: the local policing body's comments, due by day 56 counting publication
        # day as day 1 (Police Act 1996, s.55). Late for every open item of the report for the
        # force until the comments are recorded (one ReportReply per report and force). Only for
        # items in the tracker by the deadline (rules._entered_by: an old report imported is not).
        Clock(
            name="comments",
            flag="comments_overdue_flagged_on",
            late_kind=ItemEvent.Kind.COMMENTS_LATE,
            ended_kind=ItemEvent.Kind.COMMENTS_LATE_ENDED,
            deadline=plus("n.published_on", rules.COMMENTS_DAYS - 1),
            extra=f"{_of_kind(Force.Kind.POLICE)} AND NOT {_REPLY_RECORDED} "
            f"AND i.entered_on <= {plus('n.published_on', rules.COMMENTS_DAYS - 1)}",
        ),
        # Fire reports: the fire and rescue authority's action plan, due by the date the
        # inspectorate set on the report (no date, no clock).
        Clock(
            name="authority_plan",
            flag="authority_plan_overdue_flagged_on",
            late_kind=ItemEvent.Kind.FRA_PLAN_LATE,
            ended_kind=ItemEvent.Kind.FRA_PLAN_LATE_ENDED,
            deadline="n.authority_plan_due_on",
            extra=f"{_of_kind(Force.Kind.FIRE)} AND NOT {_REPLY_RECORDED} AND i.entered_on <= n.authority_plan_due_on",
        ),
        # The action plan: a finding with action_plan_due_on (set on publication: six weeks for an
        # NCPI cause of concern, the accelerated cause of concern's own date) expects each force
        # to post a first progress update (its plan) by then. Late while no progress is recorded
        # (rules.action_plan_overdue_q: last_update_at, set by every update and by imported history).
        Clock(
            name="action_plan",
            flag="action_plan_overdue_flagged_on",
            late_kind=ItemEvent.Kind.ACTION_PLAN_LATE,
            ended_kind=ItemEvent.Kind.ACTION_PLAN_LATE_ENDED,
            deadline="f.action_plan_due_on",
            extra="i.last_update_at IS NULL",
        ),
        # The inspectorate's own backlog: a claim submitted for closure waiting over 30 days.
        Clock(
            name="verification",
            flag="verification_overdue_flagged_on",
            late_kind=ItemEvent.Kind.VERIFICATION_LATE,
            ended_kind=ItemEvent.Kind.VERIFICATION_LATE_ENDED,
            deadline=plus("i.submitted_on", rules.VERIFICATION_DAYS),
            extra="i.status = 'submitted'",
        ),
        # Undated findings: past their "next review by" date (item_open_review_by_idx). Its own
        # clock and flag, never part of "overdue".
        Clock(
            name="review",
            flag="review_overdue_flagged_on",
            late_kind=ItemEvent.Kind.REVIEW_LATE,
            ended_kind=ItemEvent.Kind.REVIEW_LATE_ENDED,
            deadline="i.review_by",
            extra="i.current_target_date IS NULL",
        ),
    ]


def _late(clock: Clock) -> str:
    # Published (rules.published_q, in SQL): an embargoed item is never late.
    published = "n.published_on <= %(today)s"
    return f"i.status IN {rules.OPEN_SQL} AND {published} AND {clock.deadline} < %(today)s AND {clock.extra}"


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
    # Built only from this module's constants; every value is a query parameter.
    sql = f"""
        WITH changed AS (
            UPDATE inspections_trackeditem i SET {clock.flag} = {set_to}
            FROM {_JOINS_FROM}
            WHERE {_JOINS_WHERE} AND {where}
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
    joins = _JOINS_SQLITE
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
