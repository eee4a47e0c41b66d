"""The tracker's rules, each defined once. The sweep's clocks, the dashboard's headlines, the lists'
filters, the exports and the API all take their definitions from here, so that a figure, the list
its link opens and the items the sweep flags are always the same set.

Dates are London dates (`london_today`): a target of 31 March is overdue from 1 April.
docs/governance-and-reviews.md and docs/overdue-engine.md explain the rules in words.
"""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, DateField, Exists, ExpressionWrapper, F, OuterRef, Q, Value, When
from django.utils import timezone

from forces.models import Force
from inspections.models import OPEN_STATUSES, Finding, ItemStatus, Judgement, ReportReply, TrackedItem

# Police reports: the local policing body (the police and crime commissioner, the police, fire
# and crime commissioner, the mayor, or the City of London Corporation) must publish its comments
# on an inspection report on its force "before the end of the period of 56 days beginning with the
# day on which the report is published" (Police Act 1996, section 55(5A)). Day 1 is publication
# day, so the last day allowed is publication + 55 and the comments are overdue from day 57.
# It is the body's comment on the report, not the force's own response to each recommendation,
# which is recorded on the item and has no statutory clock.
COMMENTS_DAYS = 56
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


def out_of_embargo(published_on: dt.date | None, *, today: dt.date) -> bool:
    """published_q for one inspection's publication date: published, and on or before `today`."""
    return published_on is not None and published_on <= today


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


def overdue_review_cutoff(*, today: dt.date) -> dt.datetime:
    """An item last reviewed by a manager before this moment is due another overdue review on
    `today`: the start of the day OVERDUE_REVIEW_INTERVAL_DAYS - 1 days ago, in London. An item
    reviewed on 1 June (at any hour) is due again for the whole of 1 July with a 30-day interval.
    Counted in days, not to the minute, so the count of items awaiting review changes only with a
    write or with the date, like every other figure the maintained summary keeps."""
    first_day_not_due = today - dt.timedelta(days=settings.OVERDUE_REVIEW_INTERVAL_DAYS - 1)
    return timezone.make_aware(dt.datetime.combine(first_day_not_due, dt.time.min))


def awaiting_overdue_review_q(*, today: dt.date) -> Q:
    """The managers' overdue review queue: overdue, and never reviewed or last reviewed
    OVERDUE_REVIEW_INTERVAL_DAYS or more days ago (overdue_review_cutoff;
    TrackedItem.latest_overdue_review_at, written with each review). The queue, its counts and the
    dashboard's "await review" (kept in the maintained summary) all read this."""
    return overdue_q(today=today) & (
        Q(latest_overdue_review_at__isnull=True) | Q(latest_overdue_review_at__lt=overdue_review_cutoff(today=today))
    )


def due_soon_q(*, today: dt.date) -> Q:
    """Open and due today or in the next DUE_SOON_DAYS days."""
    return open_q() & Q(
        current_target_date__gte=today, current_target_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
    )


def awaiting_verification_q() -> Q:
    """Submitted for closure and waiting for the inspectorate."""
    return Q(status=ItemStatus.SUBMITTED)


def comments_due_on(published_on: dt.date) -> dt.date:
    """The last day the local policing body may publish its comments on a report published on
    `published_on`: day 56, counting publication day as day 1."""
    return published_on + dt.timedelta(days=COMMENTS_DAYS - 1)


def comments_deadline_passed_before(*, today: dt.date) -> dt.date:
    """Police reports published before this day are past the comments deadline on `today`."""
    return today - dt.timedelta(days=COMMENTS_DAYS - 1)


def comments_apply(*, kind: str) -> bool:
    """Section 55 binds the local policing bodies, so its clock runs for territorial police forces
    (each has one); never for fire and rescue services, other policing bodies or national bodies."""
    return kind == Force.Kind.POLICE


def authority_plan_applies(*, kind: str) -> bool:
    """The national framework expects a fire and rescue authority to publish an action plan on the
    inspectorate's recommendations: fire and rescue services only."""
    return kind == Force.Kind.FIRE


def _reply_recorded() -> Exists:
    return Exists(
        ReportReply.objects.filter(inspection_id=OuterRef("finding__inspection_id"), force_id=OuterRef("force_id"))
    )


def _entered_by(deadline) -> Q:
    """The item was in the tracker on the reply's deadline. An item that entered later (an old
    report imported, with or without its history) never had the reply watched for: the tracker
    does not know whether the body replied, so it does not call the reply overdue."""
    return Q(entered_on__lte=ExpressionWrapper(deadline, output_field=DateField()))


def comments_overdue_q(*, today: dt.date) -> Q:
    """Open items of police reports whose local policing body had not published (as recorded here)
    its comments on the report by day 56 after publication. One report counts once per item."""
    return (
        open_q()
        & Q(force__kind=Force.Kind.POLICE)
        & Q(finding__inspection__published_on__lt=comments_deadline_passed_before(today=today))
        & _entered_by(F("finding__inspection__published_on") + dt.timedelta(days=COMMENTS_DAYS - 1))
        & ~Q(_reply_recorded())
    )


def authority_plan_overdue_q(*, today: dt.date) -> Q:
    """Open items of fire and rescue reports whose fire and rescue authority had not published
    (as recorded here) its action plan by the deadline the inspectorate set for the report."""
    return (
        open_q()
        & Q(force__kind=Force.Kind.FIRE)
        & Q(finding__inspection__authority_plan_due_on__lt=today)
        & _entered_by(F("finding__inspection__authority_plan_due_on"))
        & ~Q(_reply_recorded())
    )


def reply_kind_for(*, kind: str) -> str | None:
    """What an organisation's governing body publishes on a report about it, or None."""
    if comments_apply(kind=kind):
        return ReportReply.Kind.COMMENTS
    if authority_plan_applies(kind=kind):
        return ReportReply.Kind.ACTION_PLAN
    return None


def reply_due_on(*, kind: str, published_on: dt.date | None, authority_plan_due_on: dt.date | None) -> dt.date | None:
    """The day the governing body's reply to a report is due, or None where no clock runs."""
    if published_on is None:
        return None
    if comments_apply(kind=kind):
        return comments_due_on(published_on)
    if authority_plan_applies(kind=kind):
        return authority_plan_due_on
    return None


def review_overdue_q(*, today: dt.date) -> Q:
    """Open items with no target date whose "next review by" date has passed. Never part of
    "overdue", which is about target dates."""
    return open_q() & Q(current_target_date__isnull=True, review_by__lt=today)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_by_default(*, start: dt.date | None, review_months: int | None) -> dt.date | None:
    """The programme's rule for an undated finding's next review: its cycle after `start` (the
    report's publication, or the review that last judged it)."""
    if start is None or not review_months:
        return None
    return add_months(start, review_months)


UNDATED_CATEGORIES = (Finding.Category.AREA_FOR_IMPROVEMENT, Finding.Category.CAUSE_OF_CONCERN)


def verification_overdue_q(*, today: dt.date) -> Q:
    """A closure claim waiting more than VERIFICATION_DAYS days for the inspectorate."""
    return awaiting_verification_q() & Q(submitted_on__lt=today - dt.timedelta(days=VERIFICATION_DAYS))


def action_plan_overdue_q(*, today: dt.date) -> Q:
    """Open, the finding's action plan date has passed, and no progress (the plan) is recorded yet:
    the force has posted no progress update, and no imported history gives a last progress date.
    Both set `last_update_at`, so it is the one column to read (the sweep's clock reads it too)."""
    return open_q() & Q(finding__action_plan_due_on__lt=today, last_update_at__isnull=True)


def quiet_for_q(*, today: dt.date, days: int) -> Q:
    """Open, and no progress update for `days` days (or, with none at all, nothing since
    publication for that long)."""
    cutoff = today - dt.timedelta(days=days)
    cutoff_at = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return open_q() & (
        Q(last_update_at__lt=cutoff_at) | Q(last_update_at__isnull=True, finding__inspection__published_on__lt=cutoff)
    )


def no_recent_progress_q(*, today: dt.date) -> Q:
    """Open, and no progress update for STALE_PROGRESS_DAYS (or, with none at all, nothing since
    publication for that long). TrackedItem.no_recent_progress is its twin for one row."""
    return quiet_for_q(today=today, days=settings.STALE_PROGRESS_DAYS)


def quarter_start(today: dt.date) -> dt.date:
    """The first day of the calendar quarter (January, April, July, October) holding `today`."""
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def closed_this_quarter_q(*, today: dt.date) -> Q:
    return Q(closed_on__gte=quarter_start(today), closed_on__lte=today)


@dataclass(frozen=True)
class Headline:
    label: str
    definition: Callable[..., Q]  # definition(today=...) -> Q on TrackedItem
    explanation: str  # one sentence, shown beside the figure and in the digests


# The dashboard's headline figures, in their order on the page; the recommendations list's "show"
# filter offers the same names, so a figure's link opens exactly the items it counts.
HEADLINES = {
    "open": Headline("Open", lambda *, today: open_q(), "Not yet closed by the inspectorate."),
    "overdue": Headline("Overdue", overdue_q, "Open and past the current target date."),
    "due_soon": Headline("Due in 30 days", due_soon_q, "Open, with a target between today and 30 days from today."),
    "awaiting_verification": Headline(
        "Awaiting verification",
        lambda *, today: awaiting_verification_q(),
        "Submitted for closure by the force and waiting for the inspectorate.",
    ),
    "comments_overdue": Headline(
        "Comments overdue",
        comments_overdue_q,
        "Open items of police reports whose local policing body has not published its comments within "
        "56 days of publication (Police Act 1996, section 55).",
    ),
    "authority_plans_overdue": Headline(
        "Fire action plans overdue",
        authority_plan_overdue_q,
        "Open items of fire and rescue reports whose fire and rescue authority has not published its action "
        "plan by the inspectorate's deadline.",
    ),
    "review_overdue": Headline(
        "Review overdue",
        review_overdue_q,
        "Open items with no target date (most areas for improvement and causes of concern) past their "
        '"next review by" date; never counted as overdue.',
    ),
    "closed_this_quarter": Headline(
        "Closed this quarter", closed_this_quarter_q, "Closed since the first day of this calendar quarter."
    ),
}


# The overdue figure split by where the lateness comes from: the dashboard shows both beside the
# headline, the managers' queue filters by them, and the list's "show" filter offers them.
OVERDUE_ORIGINS = {
    "overdue_here": Headline(
        "Became overdue under the tracker",
        overdue_here_q,
        "Overdue, and its target date passed after it entered the tracker.",
    ),
    "arrived_overdue": Headline(
        "Arrived overdue",
        arrived_overdue_q,
        "Overdue, and already past its target date when it was imported from the record before the tracker.",
    ),
}


def headline_q(name: str, *, today: dt.date) -> Q:
    """A headline's or an overdue origin's condition, by name."""
    return (HEADLINES | OVERDUE_ORIGINS)[name].definition(today=today)


# The further sets the recommendations list's "show" filter offers beside the headlines.
LIST_VIEWS = {
    "stale": Headline(
        "No recent progress (90 days)",
        no_recent_progress_q,
        "Open, and no progress update for 90 days (or none since publication).",
    ),
    "action_plan_late": Headline(
        "Action plan late",
        action_plan_overdue_q,
        "Open, the finding's action plan date has passed and the force has posted no progress update.",
    ),
    "verification_overdue": Headline(
        f"Closure claim waiting over {VERIFICATION_DAYS} days",
        verification_overdue_q,
        f"Submitted for closure more than {VERIFICATION_DAYS} days ago and not yet decided.",
    ),
}


def show_q(name: str, *, today: dt.date) -> Q:
    """A headline's or a list view's condition, by its name in the "show" filter."""
    return (HEADLINES | OVERDUE_ORIGINS | LIST_VIEWS)[name].definition(today=today)


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


# --- The public register ---------------------------------------------------------------------
# What the public sees of an item's status. A force's claim that it is done ("submitted for
# closure") is not verified, so in public it stays "being progressed" until the inspectorate
# decides; nothing else a force or the inspectorate's staff say internally reaches the register.
PUBLIC_STATUSES = {
    "awaiting_review": ("Awaiting review", (ItemStatus.PUBLISHED,)),
    "being_progressed": ("Being progressed", (ItemStatus.IN_PROGRESS, ItemStatus.SUBMITTED)),
    "complete": ("Complete", (ItemStatus.COMPLETE,)),
    "not_implemented": ("Not implemented", (ItemStatus.NOT_IMPLEMENTED,)),
    "superseded": ("Superseded", (ItemStatus.SUPERSEDED,)),
    "withdrawn": ("Withdrawn", (ItemStatus.WITHDRAWN,)),
}
PUBLIC_STATUS_OF = {status: name for name, (_label, statuses) in PUBLIC_STATUSES.items() for status in statuses}


def public_status(status: str) -> str:
    """The public name of an item status ("submitted" -> "being_progressed")."""
    return PUBLIC_STATUS_OF.get(status, "awaiting_review")


def public_status_label(status: str) -> str:
    return PUBLIC_STATUSES[public_status(status)][0]


def public_status_q(name: str) -> Q:
    return Q(status__in=PUBLIC_STATUSES[name][1])


def public_item_q(*, today: dt.date) -> Q:
    """An item the public register may show: its inspection is out of embargo."""
    return published_q(today=today, path="finding__inspection__")


# --- Implementation rates (as the US GAO reports them) ------------------------------------------
# Of the items (one finding for one force) published in a period, the share the inspectorate closed
# as complete within one, two and four years of publication. A window counts only items old enough
# for it: an item published eight months ago is in no denominator of "within one year" yet. One
# year is 365 days, two 730 and four 1,461, the same on every database. Against the ORIGINAL
# target date as well, so that extensions cannot hide slippage: of the items whose original target
# date has passed, the share complete on or before it.
IMPLEMENTATION_WINDOWS = {1: 365, 2: 730, 4: 1461}


def window_elapsed_q(*, years: int, today: dt.date, path: str = "finding__inspection__") -> Q:
    """Published at least the window's days before `today`."""
    return Q(**{f"{path}published_on__lte": today - dt.timedelta(days=IMPLEMENTATION_WINDOWS[years])})


def complete_within_q(*, years: int, path: str = "finding__inspection__") -> Q:
    """Closed as complete no later than the window's days after publication."""
    return Q(
        status=ItemStatus.COMPLETE,
        closed_on__lte=F(f"{path}published_on") + dt.timedelta(days=IMPLEMENTATION_WINDOWS[years]),
    )


def original_target_passed_q(*, today: dt.date) -> Q:
    return Q(original_target_date__lt=today)


def complete_by_original_target_q() -> Q:
    """Closed as complete on or before the original target date (extensions do not count)."""
    return Q(status=ItemStatus.COMPLETE, closed_on__lte=F("original_target_date"))


def complete_by_current_target_q() -> Q:
    return Q(status=ItemStatus.COMPLETE, closed_on__lte=F("current_target_date"))


def current_target_passed_q(*, today: dt.date) -> Q:
    return Q(current_target_date__lt=today)


# Causes of concern. A cause of concern always comes with recommendations; for one force its
# state follows from that force's items for those recommendations and the latest judgement of its
# own item. It is discharged when the inspectorate closes it as complete (at a revisit).


@dataclass(frozen=True)
class ConcernState:
    open: bool
    recommendations: int
    complete: int
    latest_progress: str  # a Judgement.Progress value, or ""

    @property
    def ready_to_discharge(self) -> bool:
        return self.open and self.recommendations > 0 and self.complete == self.recommendations

    def label(self, *, progress_labels: dict[str, str] | None = None) -> str:
        """ "Open: 2 of 3 recommendations complete; latest judgement: reasonable progress"."""
        if not self.open:
            return "Closed"
        text = f"Open: {self.complete} of {self.recommendations} recommendation{'s' if self.recommendations != 1 else ''} complete"
        if self.latest_progress:
            shown = (progress_labels or {}).get(self.latest_progress, self.latest_progress)
            text += f"; latest judgement: {shown.lower()}"
        if self.ready_to_discharge:
            text += "; ready to be discharged"
        return text


@dataclass(frozen=True)
class AnsweringItem:
    """One force's item for a recommendation answering a cause of concern: all the state needs."""

    force_id: int
    status: str


def cause_of_concern_state(*, concern: TrackedItem, recommendations: list[AnsweringItem]) -> ConcernState:
    """The state of one force's cause of concern, from its own item and that force's items for the
    recommendations answering it."""
    mine = [item for item in recommendations if item.force_id == concern.force_id]
    return ConcernState(
        open=concern.status in OPEN_STATUSES,
        recommendations=len(mine),
        complete=sum(item.status == ItemStatus.COMPLETE for item in mine),
        latest_progress=concern.latest_progress,
    )


# --- Red, amber, green ---------------------------------------------------------------------------
# The rating the committee papers give each open item, for the bodies that govern forces. Fixed
# at 90 days (not STALE_PROGRESS_DAYS), so that the words printed in every paper stay true.
#   red:   overdue (open and past its current target date), or the latest follow-up review judged
#          no meaningful or insufficient progress;
#   amber: not red, and due within RAG_DUE_DAYS (its current target date is today or in the next
#          90 days), or no progress update for RAG_QUIET_DAYS (none since publication, with none);
#   green: any other open item.
RAG_DUE_DAYS = 90
RAG_QUIET_DAYS = 90
RAG_POOR_PROGRESS = (Judgement.Progress.NONE, Judgement.Progress.INSUFFICIENT)
RAG_RATINGS = ("red", "amber", "green")
RAG_RULE = {
    "red": "Red: overdue (past its current target date), or the inspectorate's latest follow-up review "
    "judged no meaningful or insufficient progress.",
    "amber": f"Amber: not red, and due within {RAG_DUE_DAYS} days, or no progress update from the force "
    f"for {RAG_QUIET_DAYS} days (or, with none, none since the report was published).",
    "green": "Green: every other open item (on track).",
}


def rag_red_q(*, today: dt.date) -> Q:
    return overdue_q(today=today) | (open_q() & Q(latest_progress__in=RAG_POOR_PROGRESS))


def rag_amber_q(*, today: dt.date) -> Q:
    """Amber before red is taken out: use with ~rag_red_q, or through rag_rating, which does."""
    due_within = Q(current_target_date__gte=today, current_target_date__lte=today + dt.timedelta(days=RAG_DUE_DAYS))
    return open_q() & (due_within | quiet_for_q(today=today, days=RAG_QUIET_DAYS))


def rag_q(rating: str, *, today: dt.date) -> Q:
    """The open items of one rating, as a filter: each open item is in exactly one."""
    red, amber = rag_red_q(today=today), rag_amber_q(today=today)
    return {"red": red, "amber": ~red & amber, "green": open_q() & ~red & ~amber}[rating]


def rag_rating(*, today: dt.date) -> Case:
    """The rating as an annotation ("red", "amber", "green"; "" for a closed item)."""
    return Case(
        When(rag_red_q(today=today), then=Value("red")),
        When(rag_amber_q(today=today), then=Value("amber")),
        When(open_q(), then=Value("green")),
        default=Value(""),
        output_field=CharField(),
    )
