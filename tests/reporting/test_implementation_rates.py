"""Implementation rates: the SQL aggregate equals a plain Python recount, on random data."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections.models import Finding, Theme, TrackedItem
from reporting.selectors import RATE_GROUPS, implementation_rates
from tests import factories

TODAY = dt.date(2026, 6, 1)
WINDOW_DAYS = {1: 365, 2: 730, 4: 1461}
day = st.dates(min_value=dt.date(2017, 1, 1), max_value=TODAY)
item_spec = st.fixed_dictionaries(
    {
        "published": st.integers(0, 3),  # which of four inspections
        "force": st.integers(0, 2),
        # Superseded needs a successor item; its rules are those of any other closed status.
        "status": st.sampled_from([s.value for s in TrackedItem.Status if s != "superseded"]),
        "closed_after": st.integers(0, 2000),
        "target_after": st.one_of(st.none(), st.integers(-100, 1500)),
        "extended_by": st.integers(0, 400),
        "themes": st.sets(st.integers(0, 2), max_size=2),
    }
)


def _recount(items: list[TrackedItem], by: str) -> dict:
    """The definitions, item by item, in plain Python."""
    groups: dict = {}
    for item in items:
        published = item.finding.inspection.published_on
        keys = {
            "year": [published.year],
            "programme": [item.finding.inspection.programme.slug],
            "force": [item.force.slug],
            "theme": [t.slug for t in item.finding.themes.all()],
        }[by]
        for key in keys:
            row = groups.setdefault(
                key, {"total": 0, "open": 0, "within": {y: [0, 0] for y in WINDOW_DAYS}, "orig": [0, 0], "curr": [0, 0]}
            )
            row["total"] += 1
            row["open"] += item.is_open
            complete = item.status == "complete"
            for years, days in WINDOW_DAYS.items():
                if (TODAY - published).days >= days:
                    row["within"][years][1] += 1
                    row["within"][years][0] += complete and (item.closed_on - published).days <= days
            for name, target in (("orig", item.original_target_date), ("curr", item.current_target_date)):
                if target is not None and target < TODAY:
                    row[name][1] += 1
                    row[name][0] += complete and item.closed_on <= target
    return groups


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(published=st.lists(day, min_size=4, max_size=4), specs=st.lists(item_spec, min_size=0, max_size=25))
def test_sql_rates_equal_a_python_recount(published, specs):
    TrackedItem.objects.all().delete()
    Finding.objects.all().delete()
    themes = [Theme.objects.get_or_create(slug=f"t{n}", defaults={"name": f"Theme {n}"})[0] for n in range(3)]
    forces = [factories.ForceFactory(name=f"Force {n}") for n in range(3)]
    programmes = [factories.ProgrammeFactory(slug=f"p{n}", name=f"P{n}") for n in range(2)]
    inspections = [
        factories.InspectionFactory(published_on=day_, programme=programmes[n % 2]) for n, day_ in enumerate(published)
    ]
    for n, spec in enumerate(specs):
        inspection = inspections[spec["published"]]
        finding = factories.FindingFactory(inspection=inspection, reference=f"R{n}")
        finding.themes.set([themes[t] for t in spec["themes"]])
        closed = spec["status"] in TrackedItem.CLOSED_STATUSES
        target = None
        if spec["target_after"] is not None:
            target = inspection.published_on + dt.timedelta(days=spec["target_after"])
        factories.TrackedItemFactory(
            finding=finding,
            force=forces[spec["force"]],
            status=spec["status"],
            submitted_on=inspection.published_on if spec["status"] == "submitted" else None,
            closed_on=min(TODAY, inspection.published_on + dt.timedelta(days=spec["closed_after"])) if closed else None,
            superseded_by=None,
            original_target_date=target,
            current_target_date=target + dt.timedelta(days=spec["extended_by"]) if target else None,
        )
    items = list(
        TrackedItem.objects.select_related("finding__inspection__programme", "force").prefetch_related(
            "finding__themes"
        )
    )
    for by in RATE_GROUPS:
        expected = _recount(items, by)
        rows = implementation_rates(items=TrackedItem.objects.all(), by=by, today=TODAY)
        got = {
            row.key: {
                "total": row.total,
                "open": row.still_open,
                "within": {y: list(pair) for y, pair in row.within.items()},
                "orig": list(row.by_original),
                "curr": list(row.by_current),
            }
            for row in rows
        }
        assert got == expected, by
