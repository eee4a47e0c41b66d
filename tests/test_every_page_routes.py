"""The every-page benchmark (bench/every_page.py) times every route of the URL configuration: its
list (bench/routes.py) must name each route once, as a page to time or with the reason it is not,
and name nothing that is not a route. Each page's addresses, built from a small data set, must
resolve to the route they stand for."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.urls import resolve

from tests import factories

ROUTES_FILE = Path(__file__).resolve().parent.parent / "bench" / "routes.py"


@pytest.fixture(scope="module")
def routes():
    spec = importlib.util.spec_from_file_location("bench_routes", ROUTES_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_routes"] = module
    spec.loader.exec_module(module)
    return module


def test_every_route_is_timed_or_says_why_not(routes):
    names = routes.app_routes()
    assert "dashboard" in names
    assert "inspections:item_list" in names
    assert not any(name.startswith("admin:") for name in names)
    covered = set(routes.PAGES) | set(routes.NOT_TIMED)
    assert sorted(set(names) - covered) == [], "routes the benchmark does not know"
    assert sorted(covered - set(names)) == [], "lines in bench/routes.py that name no route"
    assert not set(routes.PAGES) & set(routes.NOT_TIMED)


def test_every_page_is_timed_for_a_role_it_knows(routes):
    for name, page in routes.PAGES.items():
        assert page.roles, name
        assert set(page.roles) <= {"lead", "liaison", "public"}, name


@pytest.mark.django_db
def test_each_address_resolves_to_its_route(routes, force):
    """Build every page's addresses from a small data set, as the benchmark does at a million
    items, and check each resolves to the route it is listed under (admin addresses to the admin)."""
    from django.contrib.auth.models import Group

    from accounts.roles import GROUP_NAMES, Role
    from inspections.models import ExtensionRequest

    lead = factories.UserFactory(username="lead", is_superuser=True, is_staff=True)
    lead.groups.add(*Group.objects.filter(name__in=[GROUP_NAMES[Role.STAFF], GROUP_NAMES[Role.MANAGER]]))
    liaison = factories.UserFactory(username="liaison")
    factories.LiaisonMembershipFactory(user=liaison, force=force)
    inspection = factories.InspectionFactory(reference="PEEL-2025-TST")
    finding = factories.FindingFactory(inspection=inspection, reference="R1")
    factories.TrackedItemFactory(finding=finding, force=force, status="in_progress")
    factories.TrackedItemFactory(
        finding=factories.FindingFactory(inspection=inspection, reference="R2"),
        force=force,
        status="submitted",
        submitted_on=inspection.published_on,
    )
    factories.TrackedItemFactory(
        finding=factories.FindingFactory(inspection=inspection, reference="R3"),
        force=force,
        status="complete",
        closed_on=inspection.published_on,
    )
    context = routes.Context(lead=lead, liaison=liaison, force=force)
    context.extra.update(
        feed_lead="a" * 32,
        feed_liaison="b" * 32,
        batch="6f1c7a9e-0000-4000-8000-000000000001",
        job="6f1c7a9e-0000-4000-8000-000000000002",
        job_force=force.slug,
        queued_batch="6f1c7a9e-0000-4000-8000-000000000003",
    )
    factories.FollowUpReviewFactory(inspection=inspection)
    # An evidence file (demo data at scale) stands in by its primary key: its address is all that is built.
    context.__dict__["evidence"] = type("Evidence", (), {"pk": 1})()
    assert context.review is not None
    assert context.theme is not None
    assert not ExtensionRequest.objects.exists()  # the item stands in for one with a pending request
    for name, page in routes.PAGES.items():
        variants = page.build(context)
        assert variants, name
        for _label, path in variants:
            assert resolve(path.split("?")[0]).view_name == name, (name, path)
        for path in page.admin(context) if page.admin else []:
            assert resolve(path.split("?")[0]).view_name.startswith("admin:"), (name, path)
