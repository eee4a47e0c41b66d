"""One rule, one set of items: on a frozen day, for each clock, the items the sweep flags are exactly
the items the matching dashboard figure counts and the recommendations list's filter shows."""

import datetime as dt
import itertools

import pytest
import time_machine

from forces.models import Force
from inspections import rules
from inspections.filters import ItemFilter
from inspections.models import Finding, TrackedItem
from inspections.overdue.clocks import clocks_sweep
from reporting.selectors import dashboard_headlines
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)

# Every combination that moves a clock: status, target (past, today, future, none), response,
# publication (day 58, day 57 and day 56 of the local policing body's 56 days, recent), a claim's
# age, an action plan's date and whether the force has posted its plan; alternately a police force
# and a fire and rescue service; the fire authorities' deadline; whether the governing body's reply
# is recorded; an undated item's next review date.
STATUSES = ["published", "in_progress", "submitted", "complete", "withdrawn"]
TARGETS = [TODAY - dt.timedelta(days=1), TODAY, TODAY + dt.timedelta(days=10), None]
RESPONSES = ["pending", "accepted"]
PUBLISHED = [
    TODAY - dt.timedelta(days=57),
    TODAY - dt.timedelta(days=56),
    TODAY - dt.timedelta(days=55),
    TODAY - dt.timedelta(days=5),
]
SUBMITTED = [TODAY - dt.timedelta(days=31), TODAY - dt.timedelta(days=30)]
PLAN_DUE = [None, TODAY - dt.timedelta(days=1), TODAY]

# clock name on the sweep -> (flag column, the list filter's "show" value, the dashboard figure or None)
CLOCKS = {
    "overdue": ("overdue_flagged_on", "overdue", "overdue"),
    "comments": ("comments_overdue_flagged_on", "comments_overdue", "comments_overdue"),
    "authority_plan": ("authority_plan_overdue_flagged_on", "authority_plans_overdue", "authority_plans_overdue"),
    "review": ("review_overdue_flagged_on", "review_overdue", "review_overdue"),
    "action_plan": ("action_plan_overdue_flagged_on", "action_plan_late", None),
    "verification": ("verification_overdue_flagged_on", "verification_overdue", None),
}


def _build_every_state() -> int:
    police = factories.ForceFactory(name="Rule Force", kind=Force.Kind.POLICE)
    fire = factories.ForceFactory(name="Rule Fire and Rescue Service", kind=Force.Kind.FIRE)
    inspections = {
        (published, plan_due): factories.InspectionFactory(
            published_on=published, authority_plan_due_on=[None, TODAY - dt.timedelta(days=1), TODAY][k % 3]
        )
        for k, (published, plan_due) in enumerate(itertools.product(PUBLISHED, PLAN_DUE))
    }
    # Half the reports have the governing bodies' replies recorded (the comments, the action plan).
    for k, inspection in enumerate(inspections.values()):
        if k % 2 == 0:
            for force in (police, fire):
                factories.ReportReplyFactory(inspection=inspection, force=force)
    count = 0
    for n, (status, target, response, published, plan_due) in enumerate(
        itertools.product(STATUSES, TARGETS, RESPONSES, PUBLISHED, PLAN_DUE)
    ):
        finding = factories.FindingFactory(
            inspection=inspections[(published, plan_due)],
            category=Finding.Category.CAUSE_OF_CONCERN if plan_due else Finding.Category.RECOMMENDATION,
            target_date=target,
            action_plan_due_on=plan_due,
        )
        closed = status in ("complete", "withdrawn")
        item = factories.TrackedItemFactory(
            finding=finding,
            # Police and fire alternate with the response, so every other combination meets both.
            force=police if (n // (len(PUBLISHED) * len(PLAN_DUE))) % 2 == 0 else fire,
            review_by=[TODAY - dt.timedelta(days=1), TODAY, None][n % 3] if target is None else None,
            status=status,
            response=response,
            closed_on=TODAY - dt.timedelta(days=2) if closed else None,
            submitted_on=SUBMITTED[n % 2] if status == "submitted" else None,
        )
        if n % 3 == 0:  # a third of them have posted a progress update (an action plan)
            factories.ProgressUpdateFactory(item=item)
        count += 1
    return count


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("clock", list(CLOCKS))
def test_the_sweep_the_figure_and_the_list_pick_the_same_items(clock, staff_user):
    built = _build_every_state()
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC), tick=False):
        clocks_sweep(today=TODAY)
        flag, show, figure = CLOCKS[clock]
        flagged = _ids(TrackedItem.objects.filter(**{f"{flag}__isnull": False}))
        listed = _ids(ItemFilter({"show": show}, queryset=TrackedItem.objects.all(), user=staff_user).qs)
        by_rule = _ids(TrackedItem.objects.filter(rules.show_q(show, today=TODAY)))
        assert flagged == listed == by_rule
        # Neither empty nor everything: the states above put items on both sides of each clock.
        assert 0 < len(flagged) < built
        if figure is not None:
            counts = dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY).counts
            assert counts[figure] == len(flagged)
        # Only open items are ever late.
        assert not TrackedItem.objects.filter(pk__in=flagged).exclude(status__in=TrackedItem.OPEN_STATUSES).exists()


def test_a_withdrawn_item_of_an_unanswered_police_report_is_not_counted_as_comments_overdue(staff_user):
    published = TODAY - dt.timedelta(days=100)
    item = factories.TrackedItemFactory(
        finding=factories.FindingFactory(inspection=factories.InspectionFactory(published_on=published)),
        status="withdrawn",
        closed_on=TODAY - dt.timedelta(days=1),
    )
    open_twin = factories.TrackedItemFactory(finding=factories.FindingFactory(inspection=item.finding.inspection))
    counts = dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY).counts
    assert item.force.kind == open_twin.force.kind == Force.Kind.POLICE
    assert counts["comments_overdue"] == 1
