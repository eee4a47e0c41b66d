"""Importing findings addressed to national bodies, alone or beside every service, from the real
register; and each body's liaison officer seeing exactly its own items."""

import csv
import io

import pytest
from django.contrib.auth.models import Group

from accounts.roles import GROUP_NAMES, Role
from forces.models import Force
from forces.services import register_load
from imports.services import import_batch_confirm, import_batch_create
from inspections.models import TrackedItem
from inspections.selectors import items_visible_to
from tests import factories

pytestmark = pytest.mark.django_db
HEADER = ["reference", "category", "text", "forces", "target_date", "cause_of_concern"]
BODIES = ["National Employers", "Local Government Association", "National Fire Chiefs Council"]


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _liaison(username: str, organisation: str):
    user = factories.UserFactory(username=username)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
    factories.LiaisonMembershipFactory(user=user, force=Force.objects.get(name=organisation))
    return user


def test_findings_addressed_to_national_bodies_import_and_each_body_sees_exactly_its_own(staff_user):
    register_load()
    inspection = factories.InspectionFactory(reference="FRS-2023-VALUES")
    data = _csv(
        [
            [
                "R4",
                "recommendation",
                "By 1 October 2023, National Employers, the Local Government Association and the National Fire "
                "Chiefs Council should review the process for handling complaints and grievances.",
                "National Employers; Local Government Association; National Fire Chiefs Council",
                "2023-10-01",
                "",
            ],
            [
                "R5",
                "recommendation",
                "By 1 March 2024, all fire and rescue services and the National Fire Chiefs Council should make sure "
                "that staff have access to an independent reporting line.",
                "all fire and rescue services and the National Fire Chiefs Council",
                "2024-03-01",
                "",
            ],
        ]
    )
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="values.csv")
    assert batch.problem_count == 0, [row["problems"] for row in batch.rows]
    import_batch_confirm(batch=batch, user=staff_user)

    r4 = TrackedItem.objects.filter(finding__reference="R4")
    assert set(r4.values_list("force__name", flat=True)) == set(BODIES)
    r5 = TrackedItem.objects.filter(finding__reference="R5")
    active_fire = Force.objects.filter(kind=Force.Kind.FIRE, active_until__isnull=True)
    assert set(r5.values_list("force_id", flat=True)) == {
        *active_fire.values_list("id", flat=True),
        Force.objects.get(name="National Fire Chiefs Council").id,
    }

    nfcc = _liaison("nfcc.liaison", "National Fire Chiefs Council")
    lga = _liaison("lga.liaison", "Local Government Association")
    assert set(items_visible_to(user=nfcc)) == set(
        TrackedItem.objects.filter(force__name="National Fire Chiefs Council")
    )
    assert items_visible_to(user=nfcc).count() == 2
    assert list(items_visible_to(user=lga).values_list("finding__reference", flat=True)) == ["R4"]


def test_names_with_and_in_them_stay_whole_and_an_unknown_part_is_a_problem(staff_user):
    register_load()
    inspection = factories.InspectionFactory(reference="THEM-1")
    data = _csv(
        [
            [
                "R1",
                "recommendation",
                "Both forces should act.",
                "Avon and Somerset Police and Devon and Cornwall Police",
                "31/03/2027",
                "",
            ],
            [
                "R2",
                "recommendation",
                "Nobody we know.",
                "Avon and Somerset Police and Atlantis Police",
                "31/03/2027",
                "",
            ],
        ]
    )
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="and.csv")
    first, second = batch.rows
    assert first["problems"] == []
    assert set(first["force_ids"]) == set(
        Force.objects.filter(name__in=["Avon and Somerset Police", "Devon and Cornwall Police"]).values_list(
            "id", flat=True
        )
    )
    # The part that names nobody is the problem, and the problem says which part it is.
    [problem] = second["problems"]
    assert problem.startswith('Forces: "Atlantis Police" is not an organisation we know'), problem
