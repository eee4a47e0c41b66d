import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from forces.models import Force
from inspections.models import TrackedItem
from inspections.rules import headline_q
from tests import factories
from tests.inspections.bulk import make_items

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def _count(response) -> int:
    match = re.search(r'id="result-count">([\d,]+) ', response.content.decode())
    assert match, "no result count on the page"
    return int(match.group(1).replace(",", ""))


def test_liaison_sees_only_their_forces_items(client, liaison_user, item, other_item):
    client.force_login(liaison_user)
    response = client.get(reverse("inspections:item_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert item.force.name in html
    assert other_item.force.name not in html
    assert _count(response) == 1


def test_staff_see_every_force_and_the_count_in_words(client, staff_user, item, other_item):
    client.force_login(staff_user)
    response = client.get(reverse("inspections:item_list"))
    assert _count(response) == 2
    assert "2 recommendations" in response.content.decode()


def test_an_empty_result_says_so(client, staff_user, item):
    client.force_login(staff_user)
    response = client.get(reverse("inspections:item_list"), {"q": "no-such-words-anywhere"})
    html = response.content.decode()
    assert "0 recommendations" in html
    assert "No recommendations match these filters" in html
    assert "Download CSV" not in html


def test_filters_stay_in_the_sort_links_and_show_as_removable_tags(client, staff_user, force, other_force):
    make_items(40, forces=[force, other_force], today=TODAY)
    client.force_login(staff_user)
    response = client.get(reverse("inspections:item_list"), {"force": force.slug, "status": "submitted"})
    html = response.content.decode()
    assert _count(response) == TrackedItem.objects.filter(force=force, status="submitted").count() == 10
    # A sort link keeps the filters; the tag for "force" removes only the force.
    assert re.search(r'href="\?[^"]*force=cleveland-police[^"]*sort=', html.replace("&amp;", "&"))
    assert 'href="/recommendations/?status=submitted"' in html
    assert "Remove this filter" in html


def test_every_filter_narrows_the_list(client, staff_user, force, other_force):
    other_force.region = "London"
    other_force.kind = Force.Kind.FIRE
    other_force.save()
    items = make_items(60, forces=[force, other_force], today=TODAY)
    client.force_login(staff_user)
    url = reverse("inspections:item_list")
    inspection = items[0].finding.inspection
    cases = {
        "region=London": TrackedItem.objects.filter(force=other_force).count(),
        "kind=fire": TrackedItem.objects.filter(force=other_force).count(),
        "programme=peel": 60,
        f"inspection={inspection.reference}": TrackedItem.objects.filter(finding__inspection=inspection).count(),
        "category=recommendation": 60,
        "status=submitted": 15,
        "response=pending": 60,
        "overdue=yes": TrackedItem.objects.filter(headline_q("overdue", today=TODAY)).count(),
        "overdue=no": 60 - TrackedItem.objects.filter(headline_q("overdue", today=TODAY)).count(),
        "q=%2842%29": 1,
        "target_from_day=26&target_from_month=11&target_from_year=2026&target_to_day=25&target_to_month=12&target_to_year=2026": TrackedItem.objects.filter(
            current_target_date__range=(TODAY, dt.date(2026, 12, 25))
        ).count(),
    }
    for query, expected in cases.items():
        assert _count(client.get(f"{url}?{query}")) == expected, query


def test_a_bad_date_is_explained_and_the_list_still_shows(client, staff_user, item):
    client.force_login(staff_user)
    response = client.get(
        reverse("inspections:item_list"),
        {"target_from_day": "31", "target_from_month": "2", "target_from_year": "2026"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Target date from must be a real date" in html


def test_a_force_in_engage_stands_out(client, staff_user, item):
    item.force.monitoring_stage = Force.MonitoringStage.ENGAGE
    item.force.save()
    client.force_login(staff_user)
    for url in (reverse("inspections:item_list"), reverse("forces:force_list"), reverse("dashboard")):
        assert "Engage</strong>" in client.get(url).content.decode(), url


def test_sorting_by_target_date_descending(client, staff_user, force):
    make_items(12, forces=[force], today=TODAY)
    client.force_login(staff_user)
    html = client.get(reverse("inspections:item_list"), {"sort": "-target"}).content.decode()
    assert 'aria-sort="descending"' in html
    refs = re.findall(r">(B\d+)<span", html)
    assert refs[0] == "B11"


def test_pagination_keeps_filters(client, staff_user, force):
    make_items(60, forces=[force], today=TODAY)
    client.force_login(staff_user)
    html = client.get(reverse("inspections:item_list"), {"category": "recommendation"}).content.decode()
    assert "category=recommendation&amp;page=2" in html or "page=2&amp;category=recommendation" in html


def test_inspection_page_rolls_up_each_finding(client, staff_user, force, other_force):
    finding = factories.FindingFactory()
    factories.TrackedItemFactory(finding=finding, force=force, status="complete", closed_on=TODAY)
    factories.TrackedItemFactory(finding=finding, force=other_force)  # target 31 March 2026: overdue
    factories.FollowUpReviewFactory(inspection=finding.inspection, conclusion="Slow progress overall.")
    client.force_login(staff_user)
    html = client.get(reverse("inspections:inspection_detail", args=[finding.inspection.pk])).content.decode()
    assert "1 of 2 forces complete, 1 overdue" in html
    assert "Slow progress overall." in html
    assert force.name in html and other_force.name in html


def test_inspection_page_shows_a_liaison_only_their_forces(client, liaison_user, force, other_force):
    finding = factories.FindingFactory()
    factories.TrackedItemFactory(finding=finding, force=force)
    factories.TrackedItemFactory(finding=finding, force=other_force)
    client.force_login(liaison_user)
    html = client.get(reverse("inspections:inspection_detail", args=[finding.inspection.pk])).content.decode()
    assert force.name in html
    assert other_force.name not in html


def test_review_list_and_inspection_list(client, staff_user, item):
    factories.FollowUpReviewFactory(inspection=item.finding.inspection, conclusion="Good progress on training.")
    client.force_login(staff_user)
    reviews = client.get(reverse("inspections:review_list"))
    assert "Good progress on training." in reviews.content.decode()
    assert _count(reviews) == 1
    inspections = client.get(reverse("inspections:inspection_list"), {"q": item.finding.inspection.reference})
    assert _count(inspections) == 1
    assert item.finding.inspection.title in inspections.content.decode()


# Query counts: the same for 10 rows as for 500 (an N+1 would show as a difference).
PAGES = {
    # -1 since the inspection filter is typed (a reference), not a list of every inspection.
    # +1 since themes: the theme filter's options.
    "item_list": (lambda w: reverse("inspections:item_list"), 12),
    "item_list_filtered": (
        lambda w: reverse("inspections:item_list") + "?show=overdue&region=North+East&sort=-force",
        12,
    ),
    "inspection_list": (lambda w: reverse("inspections:inspection_list"), 11),  # +1: the theme filter
    # +4 since the governing bodies' replies (the addressees, their replies, their governance) and the
    # causes of concern's derived state (the items answering them); +4 for its change history.
    "inspection_detail": (lambda w: reverse("inspections:inspection_detail", args=[w["inspection"]]), 19),
    "review_list": (lambda w: reverse("inspections:review_list"), 9),
    # +1 since the maintained summary: whether any force's figures are out of date.
    "force_list": (lambda w: reverse("forces:force_list"), 10),
    # +1: its escalations; +2: its governing body today and its governance history; +1 since the
    # maintained summary: whether the force's figures are out of date.
    "force_detail": (lambda w: reverse("forces:force_detail", args=[w["force"]]), 16),
    # +2 since the overdue review: the count awaiting review, and recent escalations.
    # +3 since themes: the theme filter's options, open and overdue by theme, implementation rates.
    "dashboard": (lambda w: reverse("dashboard"), 16),
    "dashboard_filtered": (lambda w: reverse("dashboard") + "?region=North+East&kind=police&programme=peel", 17),
}


@pytest.mark.parametrize("size", [10, 500])
@pytest.mark.parametrize("page", list(PAGES))
def test_query_counts_do_not_grow_with_the_data(
    page, size, client, staff_user, force, other_force, django_assert_num_queries
):
    items = make_items(size, forces=[force, other_force], today=TODAY)
    for item in items[:size:5]:
        factories.FollowUpReviewFactory(inspection=item.finding.inspection)
    world = {"inspection": items[0].finding.inspection_id, "force": force.slug}
    client.force_login(staff_user)
    url, expected = PAGES[page]
    with django_assert_num_queries(expected):
        response = client.get(url(world))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 500])
def test_liaison_list_query_count_does_not_grow(
    size, client, liaison_user, force, other_force, django_assert_num_queries
):
    make_items(size, forces=[force, other_force], today=TODAY)
    client.force_login(liaison_user)
    # -1: the inspection filter is typed; +1: the theme filter; +2: the forces whose pages the links
    # may open (inspections/links.py)
    with django_assert_num_queries(17):
        response = client.get(reverse("inspections:item_list"))
    assert _count(response) == size // 2
