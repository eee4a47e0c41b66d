"""The public register's pages ask the database the same number of questions for 10 published
items as for 500: an N+1, or a figure that went back from the maintained summary to counting the
items row by row, would show as a difference. Each page is asked uncached (the shared cache
cleared first)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from tests.inspections.bulk import make_items

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)

# Page: (its address, the number of queries). The figures are sums over the summary's cells, after
# one query that asks whether any force's cells are out of date.
PAGES = {
    "home": (lambda w: reverse("register:home"), 4),
    "force_list": (lambda w: reverse("register:force_list"), 3),
    # The force, its summary, its newest inspections (one batch here, read with their programmes)
    # and their counts, a page of items (ids and rows: the count is the summary's), the rate
    # limit's and the page's reads.
    "force_detail": (lambda w: reverse("register:force_detail", kwargs={"slug": w["force"]}), 11),
    "theme_list": (lambda w: reverse("register:theme_list"), 3),
    "implementation": (lambda w: reverse("register:implementation"), 2),
    "implementation_by_force": (lambda w: reverse("register:implementation") + "?by=force", 2),
    # PostgreSQL's text search also looks up the forces whose name matches the words first, and
    # reads the matching findings' ids before the items.
    "search": (
        lambda w: reverse("register:search") + "?q=child&status=being_progressed",
        {"postgresql": 10, "sqlite": 8},
    ),
    # Filters the summary is kept by: the results are counted from its cells, not the items.
    "search_no_filter": (lambda w: reverse("register:search"), 9),
    "search_overdue_by_region": (lambda w: reverse("register:search") + "?overdue=yes&region=North+East", 9),
    # A theme is chosen on the findings: PostgreSQL reads their ids first (the count is the summary's).
    "search_theme_status": (
        lambda w: reverse("register:search") + "?theme=vetting&status=being_progressed",
        {"postgresql": 9, "sqlite": 8},
    ),
}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize("page", list(PAGES))
def test_register_query_counts_do_not_grow_with_the_data(page, client, force, other_force, django_assert_num_queries):
    url, expected = PAGES[page]
    if isinstance(expected, dict):
        expected = expected[connection.vendor]
    world = {"force": force.slug}
    make_items(10, forces=[force, other_force], today=TODAY)
    cache.clear()
    with django_assert_num_queries(expected):
        assert client.get(url(world)).status_code == 200
    make_items(490, forces=[force, other_force], today=TODAY)
    cache.clear()
    with django_assert_num_queries(expected):
        response = client.get(url(world))
    assert response.status_code == 200
    if page == "home":  # the figures read are those of all 500 items, not of the first 10
        assert "500 findings tracked" in response.content.decode()
