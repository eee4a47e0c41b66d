import copy
import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.dates import london_today
from forces.models import Force
from inspections.models import (
    EvidenceFile,
    Finding,
    FollowUpReview,
    Inspection,
    Judgement,
    ProgressUpdate,
    TrackedItem,
)
from oversight.models import OverdueReview
from tests import factories


@dataclass
class World:
    """One of everything, in two forces, and a user for each role."""

    force: Force
    other_force: Force
    inspection: Inspection
    finding: Finding
    item: TrackedItem
    other_item: TrackedItem
    update: ProgressUpdate
    evidence: EvidenceFile
    review: FollowUpReview
    users: dict[str, User | None]
    # The other force's progress update and evidence file, to show they answer 404 to our liaison.
    other_update: ProgressUpdate | None = None
    other_evidence: EvidenceFile | None = None
    # A national body addressed by its own recommendation, with its own liaison officer.
    body: Force | None = None
    body_item: TrackedItem | None = None


def _user(role: Role, username: str, force: Force | None = None) -> User:
    user = factories.UserFactory(username=username)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if force is not None:
        factories.LiaisonMembershipFactory(user=user, force=force)
    return user


def _evidence(update: ProgressUpdate, name: str) -> EvidenceFile:
    evidence = EvidenceFile(update=update, original_name=name, content_type="application/pdf", size=9, sha256="0" * 64)
    evidence.file.save(name, ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    return evidence


def build_world() -> World:
    force = factories.ForceFactory(name="Cleveland Police")
    other_force = factories.ForceFactory(name="Durham Constabulary")
    inspection = factories.InspectionFactory()
    finding = factories.FindingFactory(inspection=inspection)
    item = factories.TrackedItemFactory(finding=finding, force=force)
    # The other force's item is of another inspection, so nothing of it is visible through ours.
    other_item = factories.TrackedItemFactory(force=other_force)
    own_liaison = _user(Role.LIAISON, "own.liaison", force)
    update = factories.ProgressUpdateFactory(item=item, author=own_liaison)
    evidence = _evidence(update, "audit.pdf")
    review = factories.FollowUpReviewFactory(inspection=inspection)
    other_liaison = _user(Role.LIAISON, "other.liaison", other_force)
    other_update = factories.ProgressUpdateFactory(item=other_item, author=other_liaison)
    other_evidence = _evidence(other_update, "other-audit.pdf")
    body = factories.ForceFactory(name="National Police Chiefs' Council", kind=Force.Kind.NATIONAL, region="National")
    body_item = factories.TrackedItemFactory(force=body)
    users = {
        "anonymous": None,
        "own_liaison": own_liaison,
        "other_liaison": other_liaison,
        "body_liaison": _user(Role.LIAISON, "body.liaison", body),
        "staff": _user(Role.STAFF, "staff.member"),
        "manager": _user(Role.MANAGER, "manager.member"),
    }
    return World(
        force,
        other_force,
        inspection,
        finding,
        item,
        other_item,
        update,
        evidence,
        review,
        users,
        other_update,
        other_evidence,
        body,
        body_item,
    )


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module inside a transaction that is rolled back at the end (as
    TestCase.setUpTestData does): each test then runs in its own savepoint, so what one test writes
    is gone before the next. Building it for each of the matrix's hundreds of tests would be most
    of their time."""
    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    media.enable()
    with django_db_blocker.unblock():
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            atomic.__enter__()
        try:
            yield build_world()
        finally:
            for alias, atomic in atomics.items():
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
            media.disable()


@pytest.fixture
def world(_module_world, db) -> World:
    # A fresh copy of the instances for each test (the rows are shared, the Python objects not),
    # like TestCase's class-level test data.
    return copy.deepcopy(_module_world)


EMBARGO_MARK = "EMBARGO-7Q"


@dataclass
class Embargoed:
    """An inspection whose publication date is a month away, with one of everything the world has,
    for both forces: what no one outside the inspectorate may see any of."""

    inspection: Inspection
    finding: Finding
    item: TrackedItem
    other_item: TrackedItem
    update: ProgressUpdate
    evidence: EvidenceFile
    review: FollowUpReview
    other_update: ProgressUpdate
    other_evidence: EvidenceFile


def build_embargoed(world: World) -> Embargoed:
    today = london_today()
    inspection = factories.InspectionFactory(
        reference=f"{EMBARGO_MARK}-INSP", title=f"{EMBARGO_MARK} report", published_on=today + dt.timedelta(days=30)
    )
    inspection.forces.add(world.force, world.other_force)
    # One finding already past its target (it would count as overdue), one due within 30 days.
    finding = factories.FindingFactory(
        inspection=inspection,
        reference=f"{EMBARGO_MARK}-R1",
        text=f"{EMBARGO_MARK} text",
        target_date=dt.date(2020, 1, 1),
    )
    soon = factories.FindingFactory(
        inspection=inspection,
        reference=f"{EMBARGO_MARK}-R2",
        text=f"{EMBARGO_MARK} soon",
        target_date=today + dt.timedelta(days=10),
    )
    item = factories.TrackedItemFactory(finding=finding, force=world.force, status="in_progress")
    other_item = factories.TrackedItemFactory(
        finding=finding, force=world.other_force, status="submitted", submitted_on=today
    )
    soon_items = [factories.TrackedItemFactory(finding=soon, force=force) for force in (world.force, world.other_force)]
    update = factories.ProgressUpdateFactory(
        item=item, author=world.users["own_liaison"], narrative=f"{EMBARGO_MARK} u"
    )
    other_update = factories.ProgressUpdateFactory(
        item=other_item, author=world.users["other_liaison"], narrative=f"{EMBARGO_MARK} v"
    )
    evidence = _evidence(update, f"{EMBARGO_MARK}.pdf")
    other_evidence = _evidence(other_update, f"{EMBARGO_MARK}-other.pdf")
    review = factories.FollowUpReviewFactory(inspection=inspection, conclusion=f"{EMBARGO_MARK} conclusion")
    Judgement.objects.create(review=review, item=item, progress="insufficient", commentary=f"{EMBARGO_MARK} j")
    OverdueReview.objects.create(
        item=item,
        reviewer=world.users["manager"],
        decision=OverdueReview.Decision.ESCALATE_CHIEF,
        note=f"{EMBARGO_MARK} escalation",
        next_review_on=today + dt.timedelta(days=30),
        reviewed_at=timezone.now(),
        batch=uuid.uuid4(),
    )
    factories.ExtensionRequestFactory(
        item=soon_items[0], requested_by=world.users["own_liaison"], reason=f"{EMBARGO_MARK} x"
    )
    return Embargoed(inspection, finding, item, other_item, update, evidence, review, other_update, other_evidence)
