import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from forces.models import Force
from inspections import rules
from inspections.models import Inspection, TrackedItem
from inspections.rules import HEADLINES, quarter_start
from reporting.selectors import (
    dashboard_by_force,
    dashboard_headlines,
    dashboard_trend,
)
from tests import factories
from tests.inspections.bulk import make_items

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def _list_count(client, url: str) -> int:
    html = client.get(url.replace("&amp;", "&")).content.decode()
    return int(re.search(r'id="result-count">([\d,]+) ', html).group(1).replace(",", ""))


def test_each_headline_links_to_exactly_the_items_it_counts(client, staff_user, force, other_force):
    make_items(120, forces=[force, other_force], today=TODAY)
    # Comments overdue: a police report published 57 days ago (day 57) with no comments recorded;
    # another whose local policing body's comments are recorded does not count.
    stale = factories.InspectionFactory(published_on=TODAY - dt.timedelta(days=56))
    factories.TrackedItemFactory(finding=factories.FindingFactory(inspection=stale), force=force)
    answered = factories.InspectionFactory(published_on=TODAY - dt.timedelta(days=56))
    factories.TrackedItemFactory(finding=factories.FindingFactory(inspection=answered), force=force)
    factories.ReportReplyFactory(inspection=answered, force=force)
    # A fire report past the inspectorate's deadline for the authority's action plan.
    fire = factories.ForceFactory(name="Test Fire and Rescue Service", kind=Force.Kind.FIRE)
    plan_late = factories.InspectionFactory(
        published_on=TODAY - dt.timedelta(days=90), authority_plan_due_on=TODAY - dt.timedelta(days=1)
    )
    factories.TrackedItemFactory(finding=factories.FindingFactory(inspection=plan_late), force=fire)
    # An undated area for improvement past its next review date.
    factories.TrackedItemFactory(
        force=fire,
        finding=factories.FindingFactory(category="area_for_improvement", target_date=None),
        review_by=TODAY - dt.timedelta(days=3),
    )
    client.force_login(staff_user)
    html = client.get(reverse("dashboard")).content.decode()
    for name, headline in HEADLINES.items():
        match = re.search(rf'href="([^"]+)" id="headline-{name}">\s*<span class="app-headline__number">([\d,]+)<', html)
        assert match, name
        shown = int(match.group(2).replace(",", ""))
        assert _list_count(client, match.group(1)) == shown, name
        assert headline.explanation in html.replace("&#x27;", "'").replace("&quot;", '"'), name
    numbers = dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY).counts
    assert numbers["open"] == TrackedItem.objects.filter(status__in=TrackedItem.OPEN_STATUSES).count()
    # The bulk inspections are 400 days old and have no comments recorded: each OPEN police item is
    # late, and the one on the day-57 report; not the answered report, nor any fire item.
    open_police = TrackedItem.objects.filter(status__in=TrackedItem.OPEN_STATUSES, force__kind=Force.Kind.POLICE)
    assert numbers["comments_overdue"] == open_police.exclude(finding__inspection=answered).count()
    assert numbers["authority_plans_overdue"] == 1
    assert numbers["review_overdue"] == 1
    assert numbers["awaiting_verification"] == 30


def test_ageing_bands_add_up_to_overdue_and_link_to_their_items(client, staff_user, force):
    make_items(200, forces=[force], today=TODAY)
    client.force_login(staff_user)
    html = client.get(reverse("dashboard")).content.decode()
    section = html.split("Ageing of overdue items")[1].split("</table>")[0]
    links = re.findall(r'href="([^"]+)">([\d,]+)<span', section)
    assert len(links) == 4
    total = 0
    for url, shown in links:
        assert _list_count(client, url) == int(shown)
        total += int(shown)
    assert total == dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY).counts["overdue"]


def test_closed_this_quarter_uses_calendar_quarters():
    assert quarter_start(dt.date(2026, 11, 26)) == dt.date(2026, 10, 1)
    assert quarter_start(dt.date(2027, 3, 31)) == dt.date(2027, 1, 1)
    assert quarter_start(dt.date(2026, 4, 1)) == dt.date(2026, 4, 1)


def test_overdue_starts_the_day_after_the_target(force):
    factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(target_date=TODAY))
    factories.TrackedItemFactory(
        force=force, finding=factories.FindingFactory(target_date=TODAY - dt.timedelta(days=1))
    )
    counts = dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY).counts
    assert counts["overdue"] == 1
    assert counts["due_soon"] == 1


def test_overdue_by_force_is_worst_first_with_region_and_kind(force, other_force):
    make_items(30, forces=[force, other_force], today=TODAY)
    factories.TrackedItemFactory(
        force=other_force, finding=factories.FindingFactory(target_date=TODAY - dt.timedelta(days=3))
    )
    rows = dashboard_by_force(items=TrackedItem.objects.all(), today=TODAY)
    overdue = [row["overdue"] for row in rows]
    assert overdue == sorted(overdue, reverse=True)
    assert (
        rows[0]["overdue"]
        == TrackedItem.objects.filter(
            force_id=rows[0]["force_id"], status__in=TrackedItem.OPEN_STATUSES, current_target_date__lt=TODAY
        ).count()
    )
    assert {"region", "kind", "open", "oldest_overdue_days", "percent_complete"} <= set(rows[0])


def test_trend_has_24_months_and_closed_counts(force):
    item = factories.TrackedItemFactory(force=force, status="complete", closed_on=dt.date(2026, 10, 15))
    Inspection.objects.filter(pk=item.finding.inspection_id).update(published_on=dt.date(2025, 1, 10))
    trend = dashboard_trend(items=TrackedItem.objects.all(), today=TODAY)
    assert len(trend) == 24
    assert trend[0]["month"] == dt.date(2024, 12, 1) and trend[-1]["month"] == dt.date(2026, 11, 1)
    by_month = {row["month"]: row for row in trend}
    assert by_month[dt.date(2026, 10, 1)]["closed"] == 1
    assert by_month[dt.date(2024, 12, 1)]["open"] == 0  # not yet published
    assert by_month[dt.date(2025, 1, 1)]["open"] == 1
    assert by_month[dt.date(2026, 9, 1)]["open"] == 1
    assert by_month[dt.date(2026, 10, 1)]["open"] == 0
    # Target 31 March 2026: overdue at the end of April 2026, not at the end of March.
    assert by_month[dt.date(2026, 3, 1)]["overdue"] == 0
    assert by_month[dt.date(2026, 4, 1)]["overdue"] == 1


def test_chart_is_accessible_svg_with_the_same_numbers_in_a_table(client, staff_user, item):
    client.force_login(staff_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert '<svg class="app-chart" role="img" aria-labelledby="trend-title trend-desc"' in html
    assert '<title id="trend-title">' in html and '<desc id="trend-desc">' in html
    assert "Show the data" in html
    assert html.count("<polyline") == 3
    assert "November 2026" in html.split("Show the data")[1]


def test_dashboard_filters_narrow_every_figure_and_carry_into_links(client, staff_user, force, other_force):
    other_force.region = "London"
    other_force.save()
    make_items(40, forces=[force, other_force], today=TODAY)
    client.force_login(staff_user)
    html = client.get(reverse("dashboard"), {"region": "London"}).content.decode()
    open_london = TrackedItem.objects.filter(force=other_force, status__in=TrackedItem.OPEN_STATUSES).count()
    assert re.search(
        rf'region=London&amp;show=open" id="headline-open">\s*<span class="app-headline__number">{open_london}<', html
    )
    assert force.name not in html.split("Overdue by force</h2>")[1]


def test_liaison_dashboard_is_their_forces_version(client, liaison_user, force, other_force):
    factories.TrackedItemFactory(
        force=force, finding=factories.FindingFactory(target_date=TODAY - dt.timedelta(days=5))
    )
    factories.TrackedItemFactory(
        force=force, finding=factories.FindingFactory(target_date=TODAY + dt.timedelta(days=5))
    )
    factories.TrackedItemFactory(
        force=force, finding=factories.FindingFactory(target_date=TODAY + dt.timedelta(days=200))
    )
    factories.TrackedItemFactory(force=other_force)
    force.monitoring_stage = Force.MonitoringStage.ENGAGE
    force.save()
    client.force_login(liaison_user)
    html = client.get(reverse("dashboard")).content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert "Cleveland Police Engage: 3 open, 1 overdue, 1 due in the next 30 days" in " ".join(text.split())
    assert "What needs you now" in html
    assert other_force.name not in html
    assert "Overdue by force" not in html


def test_liaison_needs_now_puts_returned_claims_first_then_the_soonest_once_each(force, other_force):
    from reporting.selectors import liaison_needs_now

    def item(reference, days, status="in_progress", at=force):
        return factories.TrackedItemFactory(
            force=at,
            status=status,
            submitted_on=TODAY if status == "submitted" else None,
            finding=factories.FindingFactory(reference=reference, target_date=TODAY + dt.timedelta(days=days)),
        )

    late_return = item("RET-LATE", 200)
    overdue_return = item("RET-OVERDUE", -50)
    for returned in (late_return, overdue_return):
        factories.ItemEventFactory(item=returned, kind="returned")
    item("OLDEST", -400)
    item("SOON", 10)
    item("WAITING", -30, status="submitted")
    item("LATER", 300)
    item("ELSEWHERE", -500, at=other_force)
    items = TrackedItem.objects.filter(force=force)
    got = [i.finding.reference for i in liaison_needs_now(items=items, today=TODAY, limit=20)]
    assert got == ["RET-OVERDUE", "RET-LATE", "OLDEST", "SOON"]
    assert [i.finding.reference for i in liaison_needs_now(items=items, today=TODAY, limit=3)] == got[:3]
    assert [i.finding.reference for i in liaison_needs_now(items=items, today=TODAY, limit=1)] == got[:1]
    assert [getattr(i, "was_returned", False) for i in liaison_needs_now(items=items, today=TODAY, limit=20)] == [
        True,
        True,
        False,
        False,
    ]


def test_liaison_needs_now_lists_returned_claims(client, liaison_user, force):
    returned = factories.TrackedItemFactory(
        force=force,
        status="in_progress",
        finding=factories.FindingFactory(reference="RET1", target_date=TODAY + dt.timedelta(days=300)),
    )
    factories.ItemEventFactory(item=returned, kind="returned")
    factories.TrackedItemFactory(
        force=force, finding=factories.FindingFactory(reference="LATER", target_date=TODAY + dt.timedelta(days=300))
    )
    client.force_login(liaison_user)
    section = client.get(reverse("dashboard")).content.decode().split("What needs you now</h2>")[1].split("</table>")[0]
    assert "RET1" in section
    assert "Returned to you" in section
    assert "LATER" not in section


@pytest.mark.parametrize("size", [10, 500])
def test_liaison_dashboard_query_count_does_not_grow(
    size, client, liaison_user, force, other_force, django_assert_num_queries
):
    items = make_items(size, forces=[force, other_force], today=TODAY)
    for item in items[:size:7]:
        factories.ItemEventFactory(item=item, kind="returned")
    client.force_login(liaison_user)
    # +3: the theme filter's options, by theme, implementation rates; +2: the forces whose pages the
    # links may open (inspections/links.py); +2 since the maintained summary: whether the force's
    # figures are out of date, and whether the user sees embargoed inspections (their forces again);
    # +1: what needs them now in two queries (returned claims, then what is overdue or due soon)
    with django_assert_num_queries(23):
        response = client.get(reverse("dashboard"))
    assert "What needs you now" in response.content.decode()


def test_overdue_is_split_into_what_became_overdue_here_and_what_arrived_overdue(client, manager_user, force):
    inspection = factories.InspectionFactory(published_on=dt.date(2019, 1, 1))
    here = factories.TrackedItemFactory(
        finding=factories.FindingFactory(inspection=inspection, target_date=dt.date(2026, 10, 1)),
        force=force,
        entered_on=dt.date(2026, 1, 1),
    )
    factories.TrackedItemFactory(  # imported this month, years after its target: arrived overdue
        finding=factories.FindingFactory(inspection=inspection, target_date=dt.date(2019, 7, 1)),
        force=force,
        entered_on=dt.date(2026, 11, 2),
    )
    extended = factories.TrackedItemFactory(  # arrived late, then given until after it came in: its own again
        finding=factories.FindingFactory(inspection=inspection, target_date=dt.date(2019, 7, 1)),
        force=force,
        entered_on=dt.date(2026, 3, 2),
        current_target_date=dt.date(2026, 6, 30),
    )
    numbers = dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY)
    assert numbers.counts["overdue"] == 3
    assert numbers.origins == {"overdue_here": 2, "arrived_overdue": 1}
    client.force_login(manager_user)
    html = client.get(reverse("dashboard")).content.decode()
    for name, count in numbers.origins.items():
        match = re.search(rf'id="origin-{name}" href="([^"]+)"><strong>(\d+)</strong>', html)
        assert int(match.group(2)) == count
        assert _list_count(client, match.group(1)) == count
    assert {here.pk, extended.pk} == set(
        TrackedItem.objects.filter(rules.headline_q("overdue_here", today=TODAY)).values_list("pk", flat=True)
    )
