import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.permissions import require_staff, require_staff_or_manager, user_can_act_for_item, user_can_edit
from core.selectors import get_visible_or_404
from forces.selectors import forces_visible_to
from inspections.models import EvidenceFile, TrackedItem
from inspections.selectors import (
    evidence_visible_to,
    findings_visible_to,
    inspections_visible_to,
    item_history,
    items_visible_to,
    reviews_visible_to,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_forces(force, other_force, item, other_item):
    """One item, update, evidence file and review in each of two forces (separate inspections)."""
    data = {}
    for name, the_item in (("own", item), ("other", other_item)):
        update = factories.ProgressUpdateFactory(item=the_item)
        evidence = EvidenceFile.objects.create(
            update=update,
            file=f"evidence/{name}.pdf",
            original_name=f"{name}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
        review = factories.FollowUpReviewFactory(inspection=the_item.finding.inspection)
        data[name] = {"item": the_item, "update": update, "evidence": evidence, "review": review}
    # A third force nobody here acts for.
    data["third"] = {"item": factories.TrackedItemFactory(force=factories.ForceFactory(name="Kent Police"))}
    return data


def _everything(user) -> dict[str, set]:
    return {
        "items": set(items_visible_to(user=user)),
        "inspections": set(inspections_visible_to(user=user)),
        "findings": set(findings_visible_to(user=user)),
        "evidence": set(evidence_visible_to(user=user)),
        "reviews": set(reviews_visible_to(user=user)),
    }


def _of(*parts) -> dict[str, set]:
    return {
        "items": {p["item"] for p in parts},
        "inspections": {p["item"].finding.inspection for p in parts},
        "findings": {p["item"].finding for p in parts},
        "evidence": {p["evidence"] for p in parts if "evidence" in p},
        "reviews": {p["review"] for p in parts if "review" in p},
    }


def test_a_liaison_officer_of_one_force_sees_only_it(liaison_user, two_forces, force):
    assert _everything(liaison_user) == _of(two_forces["own"])
    assert list(forces_visible_to(user=liaison_user)) == [force]


def test_a_liaison_officer_of_two_forces_sees_both(liaison_user, two_forces, other_force):
    factories.LiaisonMembershipFactory(user=liaison_user, force=other_force)
    assert _everything(liaison_user) == _of(two_forces["own"], two_forces["other"])
    assert len(forces_visible_to(user=liaison_user)) == 2


@pytest.mark.parametrize("who", ["staff_user", "manager_user"])
def test_staff_and_managers_see_everything(request, who, two_forces):
    user = request.getfixturevalue(who)
    assert _everything(user) == _of(two_forces["own"], two_forces["other"], two_forces["third"])


def test_a_user_without_a_role_sees_nothing(two_forces, force):
    user = factories.UserFactory(username="no.role")
    factories.LiaisonMembershipFactory(user=user, force=force)  # a force but no liaison role
    assert all(not found for found in _everything(user).values())
    assert not forces_visible_to(user=user).exists()


def test_a_deactivated_manager_sees_nothing(manager_user, two_forces):
    manager_user.is_active = False
    assert all(not found for found in _everything(manager_user).values())


def test_an_inspection_behind_an_item_is_visible_once_even_with_many_items(liaison_user, force):
    finding = factories.FindingFactory()
    for _ in range(3):
        factories.TrackedItemFactory(finding=factories.FindingFactory(inspection=finding.inspection), force=force)
    assert list(inspections_visible_to(user=liaison_user)) == [finding.inspection]


def test_get_visible_or_404_hides_another_forces_item(liaison_user, item, other_item):
    assert get_visible_or_404(items_visible_to(user=liaison_user), pk=item.pk) == item
    with pytest.raises(Http404):
        get_visible_or_404(items_visible_to(user=liaison_user), pk=other_item.pk)


def test_permission_helpers(liaison_user, other_liaison_user, staff_user, manager_user, item):
    assert user_can_act_for_item(liaison_user, item)
    assert not user_can_act_for_item(other_liaison_user, item)
    assert not user_can_act_for_item(staff_user, item)
    assert not user_can_act_for_item(manager_user, item)
    assert user_can_edit(staff_user) and not user_can_edit(manager_user) and not user_can_edit(liaison_user)
    require_staff(staff_user)
    require_staff_or_manager(manager_user)
    with pytest.raises(PermissionDenied):
        require_staff(manager_user)
    with pytest.raises(PermissionDenied):
        require_staff_or_manager(liaison_user)


def test_a_liaison_officer_of_two_forces_acts_for_both(liaison_user, item, other_item, other_force):
    assert not user_can_act_for_item(liaison_user, other_item)
    factories.LiaisonMembershipFactory(user=liaison_user, force=other_force)
    assert user_can_act_for_item(liaison_user, other_item)


def test_item_history_says_who_changed_what_and_when(staff_user):
    with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC), tick=False) as clock:
        item = factories.TrackedItemFactory()
        clock.shift(dt.timedelta(days=3))
        item = TrackedItem.objects.get(pk=item.pk)
        item.current_target_date = dt.date(2026, 9, 30)
        item.status = TrackedItem.Status.IN_PROGRESS
        item.version += 1
        item._history_user = staff_user
        item._change_reason = "Extension approved"
        item.save()
    created, changed = reversed(item_history(item=item))
    assert created.kind == "Created" and created.changes == []
    assert changed.kind == "Changed"
    assert changed.who == staff_user
    assert changed.when == dt.datetime(2026, 2, 4, 10, tzinfo=dt.UTC)
    assert changed.reason == "Extension approved"
    by_field = {change.field: (change.old, change.new) for change in changed.changes}
    assert "Version" not in by_field  # bookkeeping is not shown
    assert by_field["Current target date"] == (dt.date(2026, 3, 31), dt.date(2026, 9, 30))
    assert by_field["Status"] == ("Published", "In progress")


def test_item_history_is_one_query(item, django_assert_num_queries):
    for target in (dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 12, 31)):
        item.current_target_date = target
        item.save()
    with django_assert_num_queries(1):
        entries = item_history(item=item)
    assert [entry.kind for entry in entries] == ["Changed", "Changed", "Changed", "Created"]
    assert entries[0].changes[0].new == dt.date(2026, 12, 31)


def test_item_history_names_the_people_it_mentions(staff_user, item, django_assert_num_queries):
    item.status = TrackedItem.Status.COMPLETE
    item.closed_by = staff_user
    item.closed_on = dt.date(2026, 5, 1)
    item.save()
    with django_assert_num_queries(2):
        latest = item_history(item=item)[0]
    by_field = {change.field: (change.old, change.new) for change in latest.changes}
    assert by_field["Closed by"] == (None, staff_user)
