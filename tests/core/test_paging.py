"""Every list pages through core.tables.paginate: `?per_page=` is kept between 10 and 100, and a page
number that is not one, or is out of range, answers the first or the last page. Never a 500."""

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from core.tables import PER_PAGE_MAX, PER_PAGE_MIN, paginate
from forces.models import Force
from inspections.models import FollowUpReview, Inspection
from inspections.tables import InspectionTable
from tests import factories
from tests.inspections.bulk import make_items

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
MANY = PER_PAGE_MAX + 15  # more rows than the largest page


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def _many_forces() -> list[Force]:
    return Force.objects.bulk_create(
        Force(name=f"Paging Force {i:03}", slug=f"paging-force-{i:03}", kind=Force.Kind.POLICE, region="North East")
        for i in range(MANY)
    )


def _recommendations(force):
    make_items(MANY, forces=[force], today=TODAY)
    return reverse("inspections:item_list"), "table", "page", "per_page"


def _inspections(force):
    programme = factories.ProgrammeFactory()
    Inspection.objects.bulk_create(
        Inspection(programme=programme, reference=f"PAGE-{i}", slug=f"page-{i}", title=f"Paging {i}")
        for i in range(MANY)
    )
    return reverse("inspections:inspection_list"), "table", "page", "per_page"


def _forces(force):
    _many_forces()
    return reverse("forces:force_list"), "table", "page", "per_page"


def _reviews(force):
    inspection, reviewer = factories.InspectionFactory(), factories.UserFactory()
    FollowUpReview.objects.bulk_create(
        FollowUpReview(inspection=inspection, reviewer=reviewer, review_date=TODAY - dt.timedelta(days=i))
        for i in range(MANY)
    )
    return reverse("inspections:review_list"), "table", "page", "per_page"


def _overdue_review(force):
    make_items(MANY * 4, forces=[force], today=TODAY)  # about half are open and overdue
    return reverse("oversight:queue"), "table", "page", "per_page"


def _users(force):
    User.objects.bulk_create(User(username=f"paging{i}", last_name=f"Paging {i:03}") for i in range(MANY))
    return reverse("users:user_list"), "table", "page", "per_page"


def _force_page(force):
    make_items(MANY * 2, forces=[force], today=TODAY)  # three in four are open
    return reverse("forces:force_detail", args=[force.slug]), "table", "page", "per_page"


def _dashboard_by_force(force):
    make_items(MANY * 2, forces=_many_forces(), today=TODAY)  # every force has an open item
    return reverse("dashboard"), "by_force", "force-page", "force-per_page"


LISTS = {
    "recommendations": _recommendations,
    "inspections": _inspections,
    "forces": _forces,
    "follow-up reviews": _reviews,
    "overdue review": _overdue_review,
    "users": _users,
    "a force's open recommendations": _force_page,
    "dashboard, overdue by force": _dashboard_by_force,
}

# (asked, rows shown): "default" is the list's own page size.
PER_PAGE_CASES = [
    ("-1", "default"),
    ("0", PER_PAGE_MIN),
    ("1", PER_PAGE_MIN),
    ("37", 37),
    ("100000", PER_PAGE_MAX),
    ("abc", "default"),
    ("1e3", "default"),
    ("2.5", "default"),
    ("9" * 40, "default"),
    ("\u0663", PER_PAGE_MIN),  # an Arabic-Indic 3: a digit, but below the range
    ("", "default"),
]
PAGE_CASES = [("0", "first"), ("-3", "first"), ("abc", "first"), ("9" * 40, "first"), ("999999", "last"), ("2", 2)]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_clamps_per_page_and_answers_any_page_number(name, client, force, staff_user):
    url, key, page_field, per_page_field = LISTS[name](force)
    client.force_login(staff_user)

    default = client.get(url).context[key]
    default_size = default.paginator.per_page
    assert PER_PAGE_MIN <= default_size <= PER_PAGE_MAX
    assert default.paginator.count > PER_PAGE_MAX, "not enough rows to show the largest page"

    for asked, expected in PER_PAGE_CASES:
        response = client.get(url, {per_page_field: asked})
        assert response.status_code == 200, f"{per_page_field}={asked!r}"
        table = response.context[key]
        size = default_size if expected == "default" else expected
        assert table.paginator.per_page == size, f"{per_page_field}={asked!r}"
        assert len(table.page.object_list) == size, f"{per_page_field}={asked!r}"

    for asked, expected in PAGE_CASES:
        response = client.get(url, {page_field: asked, per_page_field: "10"})
        assert response.status_code == 200, f"{page_field}={asked!r}"
        page = response.context[key].page
        want = {"first": 1, "last": page.paginator.num_pages}.get(expected, expected)
        assert page.number == want, f"{page_field}={asked!r}"


def test_paginate_refuses_a_default_outside_the_range(rf: RequestFactory, db):
    table = InspectionTable(Inspection.objects.none(), counts={})
    with pytest.raises(ValueError):
        paginate(rf.get("/"), table, per_page=PER_PAGE_MAX + 1)


def test_the_last_page_of_an_empty_list_is_its_only_page(rf: RequestFactory, db):
    table = InspectionTable(Inspection.objects.none(), counts={})
    paginate(rf.get("/", {"page": "7"}), table, per_page=25)
    assert table.page.number == 1
    assert list(table.page.object_list) == []


def test_paging_keeps_the_sort_from_the_query_string(rf: RequestFactory, db):
    programme = factories.ProgrammeFactory()
    Inspection.objects.bulk_create(
        Inspection(programme=programme, reference=f"S-{i:02}", slug=f"s-{i:02}", title=f"T {i:02}") for i in range(12)
    )
    table = InspectionTable(Inspection.objects.all(), counts={})
    paginate(rf.get("/", {"sort": "-reference", "per_page": "10", "page": "2"}), table, per_page=25)
    assert [row.record.reference for row in table.page.object_list] == ["S-01", "S-00"]
