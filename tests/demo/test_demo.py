import datetime as dt

import pytest
from django.db import models
from django.db.models import Count

from accounts.models import User
from demo.services import DEMO_PASSWORD, MARKER_REFERENCE, demo_load
from inspections.models import FollowUpReview, Inspection, ItemEvent, TrackedItem
from tests.committed_data import flush, restore_migration_data

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and committed (about half a minute); every test here
    only reads it, inside its own transaction. Emptied when the module ends."""
    from django.test.utils import override_settings

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast, django_db_blocker.unblock():
        restore_migration_data()
        loaded = demo_load(today=TODAY)
    yield loaded
    with django_db_blocker.unblock():
        flush()


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
    assert Force.objects.filter(staff_lead__username="staff").count() == 103


def test_the_manager_has_reviewed_and_escalated_some_overdue_items(demo):
    from oversight.models import OverdueReview

    reviews = OverdueReview.objects.filter(item__force__name="Cleveland Police")
    assert reviews.count() == 3
    assert reviews.filter(decision="escalate_chief").count() == 1


def test_a_newcomer_sees_national_bodies_governance_and_the_new_clocks(demo):
    from forces.models import Force
    from inspections.models import ExtensionRequest, ReportReply
    from inspections.selectors import items_visible_to
    from reporting.selectors import dashboard_headlines

    # A recommendation to three national bodies alone, and one to every fire service and a body.
    fire = Inspection.objects.get(reference="FRS-2023-VALUES")
    alone = set(fire.findings.get(reference="R4").items.values_list("force__name", flat=True))
    assert alone == {"National Employers", "Local Government Association", "National Fire Chiefs Council"}
    beside = fire.findings.get(reference="R5").items
    assert beside.filter(force__kind=Force.Kind.FIRE).count() == 44
    assert beside.filter(force__kind=Force.Kind.NATIONAL).count() == 1
    # The NPCC's liaison officer sees the NPCC's items and nothing else.
    officer = User.objects.get(username="liaison.npcc")
    mine = items_visible_to(user=officer)
    assert mine.exists() and set(mine.values_list("force__name", flat=True)) == {"National Police Chiefs' Council"}
    # Governance, the replies recorded, and each clock with something to show.
    assert Force.objects.get(name="Greater Manchester Police").governance.count() == 2
    assert ReportReply.objects.filter(kind="comments").exists()
    assert ReportReply.objects.filter(kind="action_plan").exists()
    numbers = dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY).counts
    assert numbers["comments_overdue"] > 0 and numbers["authority_plans_overdue"] > 0
    assert numbers["review_overdue"] > 0
    from inspections import rules

    late = set(
        TrackedItem.objects.filter(rules.comments_overdue_q(today=TODAY)).values_list(
            "finding__inspection__reference", flat=True
        )
    )
    assert "CUST-LATE-CLE" in late and "CUST-RECENT-DUR" not in late
    assert ExtensionRequest.objects.filter(approved_date__lt=models.F("requested_date")).exists()
