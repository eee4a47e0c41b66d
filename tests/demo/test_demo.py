import datetime as dt

import pytest
from django.db.models import Count

from accounts.models import User
from demo.services import DEMO_PASSWORD, MARKER_REFERENCE, demo_load
from inspections.models import FollowUpReview, Inspection, ItemEvent, TrackedItem

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo():
    return demo_load(today=TODAY)


def test_demo_loads_once_with_the_same_counts(demo):
    again = demo_load(today=TODAY)
    assert demo.created and not again.created
    assert (again.inspections, again.items) == (demo.inspections, demo.items)
    assert 800 <= demo.items <= 1300
    assert 18 <= demo.inspections <= 25


def test_demo_has_every_status_and_response(demo):
    statuses = set(TrackedItem.objects.values_list("status", flat=True))
    assert statuses == set(TrackedItem.Status.values)
    responses = set(TrackedItem.objects.values_list("response", flat=True))
    assert responses == set(TrackedItem.Response.values)


def test_demo_has_overdue_extended_and_due_soon_items(demo):
    open_items = TrackedItem.objects.filter(status__in=TrackedItem.OPEN_STATUSES)
    assert open_items.filter(current_target_date__lt=TODAY).count() > 20
    assert open_items.filter(current_target_date__range=(TODAY, TODAY + dt.timedelta(days=30))).exists()
    extended = TrackedItem.objects.filter(extension_count__gt=0)
    assert extended.exists()
    assert all(i.current_target_date > i.original_target_date for i in extended)


def test_thematic_inspection_reaches_all_43_police_forces(demo):
    thematic = Inspection.objects.get(reference="THEM-2024-AI")
    per_finding = thematic.findings.annotate(n=Count("items")).values_list("n", flat=True)
    assert set(per_finding) == {43}


def test_cleveland_ncpi_and_its_review_as_the_seed_tells_it(demo):
    ncpi = Inspection.objects.get(reference=MARKER_REFERENCE)
    assert ncpi.published_on == dt.date(2017, 5, 23)
    assert ncpi.programme.slug == "ncpi"
    review = FollowUpReview.objects.get(inspection=ncpi)
    assert "slow progress" in review.conclusion.lower()
    assert review.judgements.count() == ncpi.findings.count()
    assert ncpi.follow_up_inspections.get().programme.slug == "post-inspection-review"
    assert ItemEvent.objects.filter(item__finding__inspection=ncpi, kind="judged").count() == ncpi.findings.count()


def test_one_demo_user_per_role_can_sign_in(demo):
    for username in ("staff", "manager", "liaison"):
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.role is not None
    assert User.objects.get(username="liaison").liaison_forces.get().name == "Cleveland Police"


def test_every_item_has_a_creation_event(demo):
    assert TrackedItem.objects.filter(events__kind="created").distinct().count() == TrackedItem.objects.count()


def test_every_force_has_the_demo_staff_lead(demo):
    from forces.models import Force

    assert not Force.objects.filter(staff_lead__isnull=True).exists()
    assert Force.objects.filter(staff_lead__username="staff").count() == 93


def test_the_manager_has_reviewed_and_escalated_some_overdue_items(demo):
    from oversight.models import OverdueReview

    reviews = OverdueReview.objects.filter(item__force__name="Cleveland Police")
    assert reviews.count() == 3
    assert reviews.filter(decision="escalate_chief").count() == 1
