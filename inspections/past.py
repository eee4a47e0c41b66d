"""An item's past, for items that enter the tracker with one (a report imported years after it was
published, with the state each force's item has reached and the dated status changes of the
inspectorate's public register).

Two things are decided here, from dates alone, so that the services and the importer agree:

- `past_problems`: whether a past is possible at all (a closed item has a closing date, no date
  is in the future, a claim awaiting verification says since when...), each problem a sentence
  for the person who wrote the file;
- `clock_history`: what the overdue engine's clocks would have recorded had the tracker been
  running all along: each period the item was late, as events dated when it really started and
  ended, and the clock flags as the sweep would have left them today. The sweep then finds nothing
  to do for the past: no event dated today for something years old, no alert, no reminder.

Where the file does not say when something ended (a closed item that never recorded a response),
nothing is invented: that clock records nothing for the item.
"""

import datetime as dt
from dataclasses import dataclass, field

from core.dates import long_date
from inspections import rules
from inspections.models import CLOSED_STATUSES, OPEN_STATUSES, ItemEvent, ItemStatus, Response, TrackedItem

Kind = ItemEvent.Kind
REASONED = TrackedItem.REASONED_RESPONSES


@dataclass(frozen=True)
class PastChange:
    """One dated line of the register: a status reached, a comment made, or both."""

    day: dt.date
    status: str = ""  # an ItemStatus value, or "" for a comment alone
    comment: str = ""


@dataclass(frozen=True)
class ItemPast:
    """Where one force's item stood when it entered the tracker, and how it got there."""

    status: str = ItemStatus.PUBLISHED
    status_on: dt.date | None = None  # the day it reached `status` (required for "submitted")
    response: str = Response.PENDING
    responded_on: dt.date | None = None
    response_reason: str = ""
    closed_on: dt.date | None = None
    closing_note: str = ""
    last_progress_on: dt.date | None = None  # the force's latest progress (its plan, at least)
    superseded_by: str = ""  # for "superseded": the reference of the finding that replaced it
    changes: tuple[PastChange, ...] = field(default_factory=tuple)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


def past_problems(*, past: ItemPast, published_on: dt.date | None, today: dt.date) -> list[str]:
    """Why this past cannot be, in words for the person who wrote the file; empty when it can."""
    problems: list[str] = []
    if past.status not in ItemStatus.values:
        return [f'Status: "{past.status}" is not a status the tracker knows']
    if past.response not in Response.values:
        return [f'Response: "{past.response}" is not a response the tracker knows']
    dated = [
        ("Status date", past.status_on),
        ("Response date", past.responded_on),
        ("Closed on", past.closed_on),
        ("Last progress", past.last_progress_on),
        *(("History", change.day) for change in past.changes),
    ]
    for label, day in dated:
        if day is None:
            continue
        if day > today:
            problems.append(f"{label}: {long_date(day)} is in the future")
        elif published_on is not None and day < published_on:
            problems.append(f"{label}: {long_date(day)} is before the report was published ({long_date(published_on)})")
    if past.is_closed and past.closed_on is None:
        problems.append("Closed on: a closed item needs the date it was closed")
    if not past.is_closed and past.closed_on is not None:
        problems.append(f"Closed on: given, but the status ({ItemStatus(past.status).label.lower()}) is not closed")
    if past.status == ItemStatus.SUBMITTED and past.status_on is None:
        problems.append("Status date: an item submitted for closure needs the day it was submitted")
    if past.status == ItemStatus.SUPERSEDED and not past.superseded_by:
        problems.append("Superseded by: name the finding that replaced it (its reference in the same report)")
    if past.status != ItemStatus.SUPERSEDED and past.superseded_by:
        problems.append("Superseded by: given, but the status is not superseded")
    if past.response in REASONED and not past.response_reason.strip():
        problems.append("Response reason: give the force's reason when the recommendation is not fully accepted")
    if past.response == Response.PENDING and past.responded_on is not None:
        problems.append("Response date: given, but there is no response")
    if past.changes and past.changes[-1].status and past.changes[-1].status != past.status:
        last = past.changes[-1]
        problems.append(
            f"History: the latest status change ({ItemStatus(last.status).label.lower()} on {long_date(last.day)}) "
            f"does not match the status ({ItemStatus(past.status).label.lower()})"
        )
    closing = [change for change in past.changes if change.status in CLOSED_STATUSES]
    if past.is_closed and closing and past.closed_on is not None and closing[-1].day != past.closed_on:
        problems.append(
            f"History: the item was closed on {long_date(closing[-1].day)} by its history, "
            f"but on {long_date(past.closed_on)} by the closed on column"
        )
    days = [change.day for change in past.changes]
    if days != sorted(days):
        problems.append("History: the status changes are not in date order")
    return problems


@dataclass(frozen=True)
class ClockEvent:
    """A clock transition in the past: `late` (with the day as its clock day) or `ended`."""

    kind: str
    day: dt.date
    deadline: dt.date
    late: bool


@dataclass(frozen=True)
class ClockHistory:
    flags: dict[str, dt.date | None]
    events: list[ClockEvent]


def _period(
    *, late_kind: str, ended_kind: str, deadline: dt.date | None, ended_on: dt.date | None, still: bool, today: dt.date
) -> tuple[dt.date | None, list[ClockEvent]]:
    """A clock that was late from the day after `deadline` until `ended_on` (or, if `still`, to
    this day). Returns the flag the sweep would hold today and the events it would have recorded."""
    if deadline is None or deadline >= today:
        return None, []  # not late yet: the sweep will see it, and that is the tracker's own news
    started = deadline + dt.timedelta(days=1)
    if still:
        return started, [ClockEvent(late_kind, started, deadline, late=True)]
    if ended_on is None or ended_on <= deadline:
        return None, []  # never late, or we do not know when it ended: record nothing
    return None, [
        ClockEvent(late_kind, started, deadline, late=True),
        ClockEvent(ended_kind, ended_on, deadline, late=False),
    ]


def clock_history(
    *,
    past: ItemPast,
    current_target: dt.date | None,
    published_on: dt.date | None,
    action_plan_due_on: dt.date | None,
    today: dt.date,
) -> ClockHistory:
    """What the item's own clocks (inspections/overdue/clocks.py: overdue, action plan,
    verification) would have recorded for this item, had the tracker watched it since publication:
    the same conditions, over the dates the file gives. The clocks of the governing bodies'
    replies (comments, the authority's action plan) and of review dates are not the item's history:
    the sweep runs them from what is recorded for the report."""
    is_open = past.status in OPEN_STATUSES
    events: list[ClockEvent] = []
    flags: dict[str, dt.date | None] = {}

    # Overdue: open and past the current target; ends when it is closed.
    flags["overdue_flagged_on"], found = _period(
        late_kind=Kind.BECAME_OVERDUE,
        ended_kind=Kind.NO_LONGER_OVERDUE,
        deadline=current_target,
        ended_on=past.closed_on,
        still=is_open,
        today=today,
    )
    events += found

    # The action plan: due on the finding's date; ends with the first recorded progress.
    plan_deadline = action_plan_due_on
    no_progress = past.last_progress_on is None
    if no_progress and not is_open:
        plan_deadline = None
    flags["action_plan_overdue_flagged_on"], found = _period(
        late_kind=Kind.ACTION_PLAN_LATE,
        ended_kind=Kind.ACTION_PLAN_LATE_ENDED,
        deadline=plan_deadline,
        ended_on=past.last_progress_on,
        still=no_progress and is_open,
        today=today,
    )
    events += found

    # The inspectorate's own backlog: a claim waiting more than VERIFICATION_DAYS (only for a
    # claim still waiting: an old decided claim's dates are not in the file).
    waiting = past.status == ItemStatus.SUBMITTED and past.status_on is not None
    flags["verification_overdue_flagged_on"], found = _period(
        late_kind=Kind.VERIFICATION_LATE,
        ended_kind=Kind.VERIFICATION_LATE_ENDED,
        deadline=past.status_on + dt.timedelta(days=rules.VERIFICATION_DAYS) if waiting else None,
        ended_on=None,
        still=waiting,
        today=today,
    )
    events += found
    return ClockHistory(flags=flags, events=events)
