"""The tracker's rules, each defined once. The sweep's clocks, the dashboard's headlines, the lists'
filters, the exports and the API all take their definitions from here, so that a figure, the list
its link opens and the items the sweep flags are always the same set.

Dates are London dates (`london_today`): a target of 31 March is overdue from 1 April.
docs/domain.md explains the rules in words.
"""

import datetime as dt

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from inspections.models import OPEN_STATUSES, ItemStatus, Response

# The local policing body publishes its comments on a report within 56 days of publication
# (Police Act 1996, section 55); until the body's comments are recorded per report, the force's
# response to each recommendation stands in for them.
RESPONSE_DAYS = 56
# The inspectorate's own target for verifying a closure claim.
VERIFICATION_DAYS = 30
# "Due soon" on the dashboard and in the lists.
DUE_SOON_DAYS = 30


def sql_values(values: tuple[str, ...]) -> str:
    """A tuple of this module's own constants as an SQL list, for the sweep's hand-written SQL."""
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


OPEN_SQL = sql_values(tuple(str(s) for s in OPEN_STATUSES))


def published_q(*, today: dt.date, path: str = "") -> Q:
    """Published on or before `today`: out of embargo. `path` reaches the inspection from the model
    queried ("" for inspections, "inspection__" for findings, "finding__inspection__" for items).
    Before its publication date an inspection is embargoed: nobody outside the inspectorate may see
    a finding, a count or a line of text from it."""
    return Q(**{f"{path}published_on__lte": today})


def open_q() -> Q:
    """Not yet closed: published, in progress or submitted for closure."""
    return Q(status__in=OPEN_STATUSES)


def overdue_q(*, today: dt.date) -> Q:
    """Open and past its current target date."""
    return open_q() & Q(current_target_date__lt=today)


def overdue_since(target: dt.date) -> dt.date:
    """The first day an item with this current target date is overdue: the day after it (London
    dates). Pages, lists, exports, emails and the API all say "overdue since" this day, never the
    day the sweep happened to notice."""
    return target + dt.timedelta(days=1)


# Where an overdue item's lateness comes from. An item whose current target had already passed on
# the day it entered the tracker (TrackedItem.entered_on: imported from an old report, or with its
# history) ARRIVED overdue; any other overdue item BECAME overdue under the tracker. Loading years
# of history therefore leaves "became overdue under the tracker" - today's slippage - as it was.
# An extension that moves an arrived-overdue item's target past the day it entered makes any later
# lateness the tracker's own.
def arrived_overdue_q(*, today: dt.date) -> Q:
    """Overdue, and already past its current target when it entered the tracker."""
    return overdue_q(today=today) & Q(current_target_date__lt=F("entered_on"))


def overdue_here_q(*, today: dt.date) -> Q:
    """Overdue, and it became so while the tracker was watching it."""
    return overdue_q(today=today) & Q(current_target_date__gte=F("entered_on"))


def due_soon_q(*, today: dt.date) -> Q:
    """Open and due today or in the next DUE_SOON_DAYS days."""
    return open_q() & Q(
        current_target_date__gte=today, current_target_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
    )


def awaiting_verification_q() -> Q:
    """Submitted for closure and waiting for the inspectorate."""
    return Q(status=ItemStatus.SUBMITTED)


def response_deadline_passed_before(*, today: dt.date) -> dt.date:
    """Reports published before this day are past the response deadline on `today`."""
    return today - dt.timedelta(days=RESPONSE_DAYS)


def response_overdue_q(*, today: dt.date) -> Q:
    """Open, no response yet, and more than RESPONSE_DAYS days since the report was published. A
    closed item cannot record a response, so it is never counted."""
    return open_q() & Q(
        response=Response.PENDING,
        finding__inspection__published_on__lt=response_deadline_passed_before(today=today),
    )


def verification_overdue_q(*, today: dt.date) -> Q:
    """A closure claim waiting more than VERIFICATION_DAYS days for the inspectorate."""
    return awaiting_verification_q() & Q(submitted_on__lt=today - dt.timedelta(days=VERIFICATION_DAYS))


def action_plan_overdue_q(*, today: dt.date) -> Q:
    """Open, the finding's action plan date has passed, and no progress (the plan) is recorded yet:
    the force has posted no progress update, and no imported history gives a last progress date.
    Both set `last_update_at`, so it is the one column to read (the sweep's clock reads it too)."""
    return open_q() & Q(finding__action_plan_due_on__lt=today, last_update_at__isnull=True)


def no_recent_progress_q(*, today: dt.date) -> Q:
    """Open, and no progress update for STALE_PROGRESS_DAYS (or, with none at all, nothing since
    publication for that long). TrackedItem.no_recent_progress is its twin for one row."""
    cutoff = today - dt.timedelta(days=settings.STALE_PROGRESS_DAYS)
    cutoff_at = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return open_q() & (
        Q(last_update_at__lt=cutoff_at) | Q(last_update_at__isnull=True, finding__inspection__published_on__lt=cutoff)
    )


def quarter_start(today: dt.date) -> dt.date:
    """The first day of the calendar quarter (January, April, July, October) holding `today`."""
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def closed_this_quarter_q(*, today: dt.date) -> Q:
    return Q(closed_on__gte=quarter_start(today), closed_on__lte=today)


# The dashboard's headline figures, in their order on the page; the recommendations list's "show"
# filter offers the same names, so a figure's link opens exactly the items it counts.
HEADLINES = {
    "open": ("Open", lambda *, today: open_q()),
    "overdue": ("Overdue", overdue_q),
    "due_soon": ("Due in 30 days", due_soon_q),
    "awaiting_verification": ("Awaiting verification", lambda *, today: awaiting_verification_q()),
    "responses_overdue": ("Responses overdue", response_overdue_q),
    "closed_this_quarter": ("Closed this quarter", closed_this_quarter_q),
}


# The overdue figure split by where the lateness comes from: the dashboard shows both beside the
# headline, the managers' queue filters by them, and the list's "show" filter offers them.
OVERDUE_ORIGINS = {
    "overdue_here": ("Became overdue under the tracker", overdue_here_q),
    "arrived_overdue": ("Arrived overdue", arrived_overdue_q),
}


def headline_q(name: str, *, today: dt.date) -> Q:
    if name in OVERDUE_ORIGINS:
        return OVERDUE_ORIGINS[name][1](today=today)
    return HEADLINES[name][1](today=today)


# Action plans. A finding that demands a plan carries the day it is due; the day follows from the
# finding and its programme, counted from the report's publication:
#   - an accelerated cause of concern: ACCELERATED_PLAN_DAYS (the inspectorate asks within days);
#   - a cause of concern in a National Child Protection Inspection: NCPI_PLAN_DAYS (six weeks);
#   - anything else: no plan date (the force's response and target dates cover it).
ACCELERATED_PLAN_DAYS = 28
NCPI_PLAN_DAYS = 42
NCPI_PROGRAMME_SLUG = "ncpi"


def action_plan_due(
    *, category: str, accelerated: bool, programme_slug: str, published_on: dt.date | None
) -> dt.date | None:
    """The day a finding's action plan is due under the rule above, or None."""
    if published_on is None or category != "cause_of_concern":
        return None
    if accelerated:
        return published_on + dt.timedelta(days=ACCELERATED_PLAN_DAYS)
    if programme_slug == NCPI_PROGRAMME_SLUG:
        return published_on + dt.timedelta(days=NCPI_PLAN_DAYS)
    return None
