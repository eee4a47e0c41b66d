"""Links only where the reader may follow them: inspections/links.py answers exactly as the pages'
own access checks do, and the pages show a name without a link where that page would refuse."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from accounts.roles import GROUP_NAMES, Role
from forces.models import Force
from inspections.links import LinkScope, link_scope
from inspections.models import Finding, FollowUpReview, Inspection, TrackedItem
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(force, other_force):
    """Two forces, each with an item of its own inspection, plus a national inspection naming both
    whose finding is tracked by the other force only, and a follow-up review of each inspection."""
    mine = factories.TrackedItemFactory(force=force)
    theirs = factories.TrackedItemFactory(force=other_force)
    national = factories.InspectionFactory(title="National inspection")
    national.forces.set([force, other_force])
    national_theirs = factories.TrackedItemFactory(force=other_force, finding__inspection=national)
    inspections = [mine.finding.inspection, theirs.finding.inspection, national]
    return {
        "forces": [force, other_force],
        "items": [mine, theirs, national_theirs],
        "inspections": inspections,
        "findings": [mine.finding, theirs.finding, national_theirs.finding],
        "reviews": [factories.FollowUpReviewFactory(inspection=inspection) for inspection in inspections],
    }


@pytest.fixture
def readers(staff_user, manager_user, liaison_user, other_liaison_user):
    no_role = factories.UserFactory(username="no.role")
    return [staff_user, manager_user, liaison_user, other_liaison_user, no_role]


def test_every_answer_is_the_pages_own_answer(client, world, readers):
    """For every reader and every object: a URL exactly where the page answers 200, none where it answers 404."""
    for reader in readers:
        client.force_login(reader)
        scope = LinkScope(user=reader)
        for objects in world.values():
            for obj in objects:
                page = _page(obj)
                status = client.get(page).status_code
                assert status in (200, 404), (reader.username, obj, status)
                assert scope.url(obj) == (page if status == 200 else ""), (reader.username, obj, status)


def test_an_items_inspection_is_linked_as_its_page_answers(client, world, readers):
    for reader in readers:
        client.force_login(reader)
        scope = LinkScope(user=reader)
        for item in world["items"]:
            page = reverse("inspections:inspection_detail", args=[item.finding.inspection_id])
            status = client.get(page).status_code
            assert scope.inspection_url_of_item(item) == (page if status == 200 else ""), (reader.username, item)


def _page(obj) -> str:
    if isinstance(obj, Force):
        return reverse("forces:force_detail", args=[obj.slug])
    names = {
        TrackedItem: "inspections:item_detail",
        Inspection: "inspections:inspection_detail",
        Finding: "inspections:finding_detail",
        FollowUpReview: "inspections:review_detail",
    }
    return reverse(names[type(obj)], args=[obj.pk])


def test_a_liaison_officer_sees_other_forces_on_a_national_inspection_as_names(
    client, world, liaison_user, force, other_force
):
    national = world["inspections"][2]
    client.force_login(liaison_user)
    html = client.get(reverse("inspections:inspection_detail", args=[national.pk])).content.decode()
    forces_row = re.search(r"Forces and services</dt>(.*?)</dd>", html).group(1)
    assert f'href="{reverse("forces:force_detail", args=[force.slug])}"' in forces_row
    assert other_force.name in forces_row
    assert reverse("forces:force_detail", args=[other_force.slug]) not in html


def test_staff_see_every_force_on_a_national_inspection_as_a_link(client, world, staff_user, force, other_force):
    national = world["inspections"][2]
    client.force_login(staff_user)
    html = client.get(reverse("inspections:inspection_detail", args=[national.pk])).content.decode()
    for each in (force, other_force):
        assert f'href="{reverse("forces:force_detail", args=[each.slug])}"' in html


def test_a_successor_the_reader_may_not_open_is_named_without_a_link(client, liaison_user, force, other_force):
    force.active_until = dt.date(2026, 3, 31)
    force.successor = other_force
    force.save()
    client.force_login(liaison_user)
    html = client.get(reverse("forces:force_detail", args=[force.slug])).content.decode()
    assert f"succeeded by {other_force.name}" in html
    assert reverse("forces:force_detail", args=[other_force.slug]) not in html


def test_a_superseding_item_of_another_force_is_named_without_a_link(client, liaison_user, item, other_item):
    TrackedItem.objects.filter(pk=item.pk).update(
        status=TrackedItem.Status.SUPERSEDED, superseded_by=other_item, closed_on=dt.date(2026, 3, 1)
    )
    client.force_login(liaison_user)
    html = client.get(reverse("inspections:item_detail", args=[item.pk])).content.decode()
    assert str(other_item) in html
    assert reverse("inspections:item_detail", args=[other_item.pk]) not in html


def test_staff_and_managers_cost_no_query(staff_user, manager_user, world, django_assert_num_queries):
    for reader in (staff_user, manager_user):
        reader.role  # noqa: B018 (the role is read once per request anyway, by the navigation)
        with django_assert_num_queries(0):
            scope = LinkScope(user=reader)
            assert all(scope.url(obj) for objects in world.values() for obj in objects)


def test_a_liaison_officer_costs_two_queries_for_any_number_of_forces(liaison_user, world, django_assert_num_queries):
    many = [factories.ForceFactory() for _ in range(20)]
    liaison_user.role  # noqa: B018
    with django_assert_num_queries(2):  # their forces, then those forces' slugs
        scope = LinkScope(user=liaison_user)
        opened = [scope.url(force) for force in [*world["forces"], *many]]
        opened += [scope.url(item) for item in world["items"]]
    assert sum(bool(url) for url in opened) == 2  # their force and their item


def test_without_a_signed_in_reader_nothing_is_linked(rf, world):
    request = rf.get("/")
    request.user = AnonymousUser()
    scope = link_scope(request)
    assert scope is link_scope(request)  # one per request
    assert not any(scope.url(obj) for objects in world.values() for obj in objects)
    assert not any(link_scope(None).url(obj) for objects in world.values() for obj in objects)


def test_a_user_whose_role_is_liaison_but_has_no_force_gets_no_links(world):
    user = factories.UserFactory(username="new.liaison")
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
    scope = LinkScope(user=user)
    assert not any(scope.url(obj) for objects in world.values() for obj in objects)
