from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from forces.models import Force
from inspections.models import EvidenceFile, Finding, FollowUpReview, Inspection, ProgressUpdate, TrackedItem
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


def _user(role: Role, username: str, force: Force | None = None) -> User:
    user = factories.UserFactory(username=username)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    if force is not None:
        factories.LiaisonMembershipFactory(user=user, force=force)
    return user


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    force = factories.ForceFactory(name="Cleveland Police")
    other_force = factories.ForceFactory(name="Durham Constabulary")
    inspection = factories.InspectionFactory()
    finding = factories.FindingFactory(inspection=inspection)
    item = factories.TrackedItemFactory(finding=finding, force=force)
    # The other force's item is of another inspection, so nothing of it is visible through ours.
    other_item = factories.TrackedItemFactory(force=other_force)
    own_liaison = _user(Role.LIAISON, "own.liaison", force)
    update = factories.ProgressUpdateFactory(item=item, author=own_liaison)
    evidence = EvidenceFile(
        update=update, original_name="audit.pdf", content_type="application/pdf", size=9, sha256="0" * 64
    )
    evidence.file.save("audit.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    review = factories.FollowUpReviewFactory(inspection=inspection)
    users = {
        "anonymous": None,
        "own_liaison": own_liaison,
        "other_liaison": _user(Role.LIAISON, "other.liaison", other_force),
        "staff": _user(Role.STAFF, "staff.member"),
        "manager": _user(Role.MANAGER, "manager.member"),
    }
    return World(force, other_force, inspection, finding, item, other_item, update, evidence, review, users)
