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
from inspections import rules, selectors
from inspections.models import ItemEvent, TrackedItem

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
    # SQL on the item alone: true for every flagged item that may have stopped being late other
    # than by closing or a return to embargo (which every clock's clear step looks for). Empty: every
    # flagged item is checked. With it, a clear step with nothing to clear reads index ranges
    # that are empty instead of every flagged item.
    may_have_ended: str = ""
    # SQL on the item alone, asked with the flag step only: true for every item that may be late
    # (an index can find them); the late condition itself is asked of them too.
    may_be_late: str = ""


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
            may_have_ended="i.current_target_date >= %(today)s OR i.current_target_date IS NULL",
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
            # comments_due_on (worked out first: comments_due_refresh) is this deadline when the
            # rest holds and COMMENTS_NEVER otherwise: item_comments_due_idx finds the candidates
            # to flag, item_comments_flagged_due_idx those to clear, and the whole condition is
            # asked again of them (so an item whose date is still empty is never cleared by it).
            may_be_late="i.comments_due_on < %(today)s",
            may_have_ended="i.comments_due_on >= %(today)s OR i.comments_due_on IS NULL",
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


# The comments clock's deadline of an item it can never run on (TrackedItem.comments_due_on).
COMMENTS_NEVER = dt.date.max


def comments_due_refresh() -> int:
    """Work out TrackedItem.comments_due_on for every item whose date is empty (new items, and those
    a change emptied: overdue/comments_due.py): day 56 of the report when the comments clock can
    run on the item, COMMENTS_NEVER when it cannot. One set-based UPDATE over the index of the
    empty ones; returns how many it wrote."""
    pg = connection.vendor == "postgresql"
    days = rules.COMMENTS_DAYS - 1
    deadline = f"(n.published_on + {days})" if pg else f"date(n.published_on, '+{days} days')"
    runs = (
        f"n.published_on IS NOT NULL AND {_of_kind(Force.Kind.POLICE)} AND NOT {_REPLY_RECORDED} "
        f"AND i.entered_on <= {deadline}"
    )
    value = f"CASE WHEN {runs} THEN {deadline} ELSE %(never)s END"
    params = {"never": connection.ops.adapt_datefield_value(COMMENTS_NEVER)}
    with connection.cursor() as cursor:
        if pg:
            cursor.execute(
                f"""UPDATE inspections_trackeditem i SET comments_due_on = {value}
                    FROM {_JOINS_FROM} WHERE {_JOINS_WHERE} AND i.comments_due_on IS NULL""",  # noqa: S608
                params,
            )
        else:
            cursor.execute(
                f"""UPDATE inspections_trackeditem AS i SET comments_due_on = (
                        SELECT {value} FROM {_JOINS_FROM} WHERE {_JOINS_WHERE}
                    ) WHERE i.comments_due_on IS NULL""",  # noqa: S608
                params,
            )
        return cursor.rowcount


def _may_have_ended(clock: Clock, embargoed: str) -> str:
    """The clear step's candidates: closed, back under embargo, or the clock's own condition."""
    if not clock.may_have_ended or not embargoed:
        return "TRUE"
    return f"(i.status IN {CLOSED_SQL} OR {embargoed} OR {clock.may_have_ended})"


CLOSED_SQL = rules.sql_values(tuple(str(s) for s in TrackedItem.CLOSED_STATUSES))


def _embargoed_findings_sql(today: dt.date) -> str:
    """SQL on the item: its finding is under embargo today ("FALSE" when none is), or "" when there
    are too many to list (then every flagged item is checked). An item flagged and then put back
    under embargo (its report's date moved later) is looked for among these findings."""
    ids = selectors.embargoed_finding_ids(today=today)
    if ids is None:
        return ""
    return f"i.finding_id IN ({', '.join(str(int(pk)) for pk in ids)})" if ids else "FALSE"


def _late(clock: Clock) -> str:
    # Published (rules.published_q, in SQL): an embargoed item is never late.
    published = "n.published_on <= %(today)s"
    return f"i.status IN {rules.OPEN_SQL} AND {published} AND {clock.deadline} < %(today)s AND {clock.extra}"


def _flag_where(clock: Clock) -> str:
    where = f"{_late(clock)} AND i.{clock.flag} IS NULL"
    return f"{where} AND {clock.may_be_late}" if clock.may_be_late else where


_JOINS_FROM = "inspections_finding f, inspections_inspection n"
_JOINS_WHERE = "f.id = i.finding_id AND n.id = f.inspection_id"
_JOINS_SQLITE = (
    "JOIN inspections_finding f ON f.id = i.finding_id JOIN inspections_inspection n ON n.id = f.inspection_id"
)
_EVENT_COLUMNS = "(item_id, kind, at, actor_id, from_status, to_status, note, target_date, clock_day)"


def statement_postgresql(clock: Clock, *, flag: bool, embargoed: str = "") -> tuple[str, str]:
    """The one statement for a transition on PostgreSQL, and the event kind it records.
    `embargoed`: _embargoed_findings_sql's answer, for the clear step."""
    if flag:
        where = _flag_where(clock)
        set_to, kind = "%(today)s", clock.late_kind
    else:
        # COALESCE: a NULL deadline (no target, unpublished) means "not late".
        where = (
            f"i.{clock.flag} IS NOT NULL AND {_may_have_ended(clock, embargoed)} "
            f"AND NOT COALESCE(({_late(clock)}), FALSE)"
        )
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


def _transition_postgresql(clock: Clock, *, flag: bool, params: dict, embargoed: str) -> int:
    sql, kind = statement_postgresql(clock, flag=flag, embargoed=embargoed)
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "kind": kind})
        return cursor.rowcount


def _transition_sqlite(clock: Clock, *, flag: bool, params: dict, embargoed: str) -> int:
    # SQLite: RETURNING may name only the updated table, so the deadline is read back by id.
    joins = _JOINS_SQLITE
    if flag:
        where = _flag_where(clock)
        set_to, kind = "%(today)s", clock.late_kind
    else:
        where = (
            f"i.{clock.flag} IS NOT NULL AND {_may_have_ended(clock, embargoed)} AND NOT COALESCE(({_late(clock)}), 0)"
        )
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
    worked_out = comments_due_refresh()
    embargoed = _embargoed_findings_sql(today)
    counts: dict[str, int] = {}
    for clock in clocks():
        # Each transition is its own statement (its own transaction in autocommit), so a long
        # sweep holds its row locks no longer than one statement.
        counts[f"{clock.name}_flagged"] = transition(clock, flag=True, params=params, embargoed=embargoed)
        counts[f"{clock.name}_cleared"] = transition(clock, flag=False, params=params, embargoed=embargoed)
    logger.info(
        "overdue sweep for %s: %s (comments deadlines worked out for %s items)",
        today.isoformat(),
        " ".join(f"{k}={v}" for k, v in counts.items()),
        worked_out,
        extra={"event": "clocks_swept", "day": today.isoformat(), "comments_due_worked_out": worked_out, **counts},
    )
    return counts
