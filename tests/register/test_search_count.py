"""The register's search counts its results from the maintained summary when its filters are ones
the summary is kept by, and by counting the items (up to a cap) otherwise. Either way the number
shown is the number of items the search finds."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from forces.models import Force
from inspections import rules
from inspections.models import Finding, Theme, TrackedItem
from register import selectors
from register.filters import RegisterFilter
from tests import factories
from tests.inspections.bulk import make_items

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world(force, other_force):
    fire = factories.ForceFactory(name="Avon Fire and Rescue Service", kind=Force.Kind.FIRE, region="South West")
    forces = [force, other_force, fire]
    items = make_items(96, forces=forces, today=TODAY)
    vetting = Theme.objects.get_or_create(slug="vetting", defaults={"name": "Vetting"})[0]
    custody = Theme.objects.get_or_create(slug="custody", defaults={"name": "Custody"})[0]
    findings = list(Finding.objects.filter(items__in=items).distinct().order_by("pk"))
    for i, finding in enumerate(findings):
        if i % 3 == 0:
            finding.themes.add(vetting)
        if i % 4 == 0:
            finding.themes.add(custody)
    # Another programme, and an inspection still under embargo whose items no count may include.
    other = factories.ProgrammeFactory(slug="fire-inspection", name="Fire inspection")
    for programme, published in (
        (other, TODAY - dt.timedelta(days=30)),
        (findings[0].inspection.programme, TODAY + dt.timedelta(days=5)),
    ):
        inspection = factories.InspectionFactory(programme=programme, published_on=published)
        for n, each in enumerate(forces):
            finding = Finding.objects.create(
                inspection=inspection,
                category=Finding.Category.RECOMMENDATION,
                reference=f"X{n}",
                text="Vet every officer",
            )
            finding.themes.add(vetting)
            target = TODAY - dt.timedelta(days=10)
            TrackedItem.objects.create(
                finding=finding, force=each, original_target_date=target, current_target_date=target
            )
    return {"forces": forces, "themes": [vetting, custody], "programmes": [other, findings[0].inspection.programme]}


def _searched(data: dict) -> RegisterFilter:
    return RegisterFilter(data or None, queryset=selectors.public_items(today=TODAY))


def test_every_count_from_the_summary_equals_the_items_found(world):
    force, _other, fire = world["forces"]
    choices = {
        "force": ["", force.slug, fire.slug],
        "region": ["", "North East", "South West"],
        "kind": ["", Force.Kind.FIRE],
        "programme": ["", world["programmes"][0].slug],
        "theme": ["", "vetting", "custody"],
        "status": ["", *rules.PUBLIC_STATUSES],
        "overdue": ["", "yes", "no"],
    }
    asked = 0
    for values in itertools.product(*choices.values()):
        data = {name: value for name, value in zip(choices, values, strict=True) if value}
        searched = _searched(data)
        counted = searched.summary_count()
        if "status" in data and "overdue" in data:
            assert counted is None, data  # not a column of the summary: the items are counted
            continue
        assert counted == searched.qs.count(), data
        asked += 1
    assert asked > 500
    # Some of these counts are not zero, and they differ: the comparison is not of empty sets.
    assert _searched({"theme": "vetting", "overdue": "yes"}).summary_count() > 0
    assert _searched({}).summary_count() == TrackedItem.objects.count() - len(world["forces"])


@pytest.mark.parametrize(
    "data", [{"q": "child"}, {"inspection": "INSP-1"}, {"category": "recommendation"}, {"year": "2025"}]
)
def test_filters_the_summary_is_not_kept_by_are_counted_from_the_items(world, data):
    assert _searched(data).summary_count() is None


def test_an_invalid_filter_is_not_counted_from_the_summary(world):
    assert _searched({"force": "no-such-force"}).summary_count() is None


def test_a_search_past_the_cap_says_more_than_and_pages_the_first(world, client, monkeypatch):
    monkeypatch.setattr("register.views.SEARCH_COUNT_MAX", 40)
    cache.clear()
    page = client.get(reverse("register:search") + "?q=child").content.decode()
    assert "More than 40 findings for forces and bodies" in page
    assert "Download all of them as" in page
    cache.clear()
    page = client.get(reverse("register:search") + "?q=child&force=avon-fire-and-rescue-service").content.decode()
    expected = _searched({"q": "child", "force": "avon-fire-and-rescue-service"}).qs.count()
    assert 0 < expected <= 40
    assert f"{expected} findings for forces and bodies" in page
    assert "More than" not in page
