"""Inspections added and edited through the service, and findings published with their past."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from inspections import services
from inspections.models import Finding, ItemEvent, Programme, TrackedItem
from inspections.past import ItemPast, PastChange
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


def fields(**changes) -> services.InspectionFields:
    values = {
        "programme": Programme.objects.get(slug="ncpi"),
        "reference": "NCPI-2017-CLE",
        "title": "Cleveland: National child protection inspection",
        "published_on": dt.date(2017, 9, 21),
        "fieldwork_start": dt.date(2017, 5, 8),
        "fieldwork_end": dt.date(2017, 5, 19),
        "report_url": "https://www.example.org/ncpi-cleveland",
        "lead_inspector": "Mike Cunningham",
        "summary": "Inspected in May 2017.",
    }
    return services.InspectionFields(**{**values, **changes})


def test_an_inspection_is_added_with_every_field_and_its_history(staff_user, force, other_force):
    inspection = services.inspection_create(user=staff_user, fields=fields(forces=(force, other_force)))
    inspection.refresh_from_db()
    assert (inspection.fieldwork_start, inspection.lead_inspector, inspection.report_url) == (
        dt.date(2017, 5, 8),
        "Mike Cunningham",
        "https://www.example.org/ncpi-cleveland",
    )
    assert set(inspection.forces.all()) == {force, other_force}
    assert inspection.history.filter(history_user=staff_user).exists()
    assert inspection.history.order_by("history_id").first().history_change_reason == "Added"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reference": "ncpi-2017-cle"}, "reference", "An inspection with this reference exists"),
        (
            {"reference": "OTHER", "fieldwork_end": dt.date(2017, 5, 1)},
            "fieldwork_end",
            "Fieldwork must end on or after",
        ),
        ({"reference": "OTHER", "title": "  "}, "title", "Enter the title"),
    ],
)
def test_an_inspection_that_cannot_be_is_refused(staff_user, changes, field, message):
    services.inspection_create(user=staff_user, fields=fields())
    with pytest.raises(services.TransitionRefused, match=message) as refused:
        services.inspection_create(user=staff_user, fields=fields(**changes))
    assert refused.value.field == field


def test_only_staff_add_or_edit_inspections(manager_user, liaison_user, staff_user):
    for user in (manager_user, liaison_user):
        with pytest.raises(PermissionDenied):
            services.inspection_create(user=user, fields=fields())
    inspection = services.inspection_create(user=staff_user, fields=fields())
    with pytest.raises(PermissionDenied):
        services.inspection_update(inspection=inspection, user=manager_user, fields=fields(title="Changed"))


def test_editing_the_publication_date_moves_the_action_plan_dates(staff_user, force, other_force):
    inspection = services.inspection_create(user=staff_user, fields=fields(forces=(force,)))
    services.findings_publish(
        inspection=inspection,
        user=staff_user,
        drafts=[
            services.FindingDraft(
                reference="CoC1", category="cause_of_concern", text="Missing children.", force_ids=(force.pk,)
            )
        ],
        source="test",
        today=TODAY,
    )
    concern = Finding.objects.get(reference="CoC1")
    assert concern.action_plan_due_on == dt.date(2017, 11, 2)  # six weeks after 21 September 2017

    services.inspection_update(
        inspection=inspection,
        user=staff_user,
        fields=fields(published_on=dt.date(2017, 10, 1), forces=(force, other_force)),
        seen_updated_at=inspection.updated_at,
    )

    concern.refresh_from_db()
    assert concern.action_plan_due_on == dt.date(2017, 11, 12)
    assert concern.history.first().history_change_reason == "Publication date or programme changed"
    inspection.refresh_from_db()
    assert set(inspection.forces.all()) == {force, other_force}
    assert inspection.history.count() >= 3  # added, forces set, changed


def test_an_edit_on_a_stale_form_is_refused(staff_user):
    inspection = services.inspection_create(user=staff_user, fields=fields())
    seen = inspection.updated_at
    services.inspection_update(
        inspection=inspection, user=staff_user, fields=fields(title="First"), seen_updated_at=seen
    )
    with pytest.raises(services.TransitionRefused, match="changed by someone else"):
        services.inspection_update(
            inspection=inspection, user=staff_user, fields=fields(title="Second"), seen_updated_at=seen
        )
    inspection.refresh_from_db()
    assert inspection.title == "First"


def test_an_inspection_cannot_follow_itself_up(staff_user):
    first = services.inspection_create(user=staff_user, fields=fields())
    review = services.inspection_create(user=staff_user, fields=fields(reference="REVIEW-1", follows_up=first))
    with pytest.raises(services.TransitionRefused, match="cannot follow itself up"):
        services.inspection_update(inspection=first, user=staff_user, fields=fields(follows_up=review))


def test_published_findings_enter_with_their_past_dated_when_it_happened(staff_user, force, other_force):
    inspection = factories.InspectionFactory(
        published_on=dt.date(2016, 12, 8), programme=Programme.objects.get(slug="peel")
    )
    past = ItemPast(
        status="in_progress",
        response="accepted",
        responded_on=dt.date(2017, 1, 20),
        changes=(
            PastChange(day=dt.date(2016, 12, 9), comment="New recommendation"),
            PastChange(day=dt.date(2018, 1, 29), status="in_progress", comment="Being progressed."),
        ),
    )
    result = services.findings_publish(
        inspection=inspection,
        user=staff_user,
        drafts=[
            services.FindingDraft(
                reference="V1",
                category="recommendation",
                text="Within six months, all forces should…",
                target_date=dt.date(2017, 6, 8),
                force_ids=(force.pk, other_force.pk),
                past={force.pk: past},
            )
        ],
        source="history.csv",
        today=TODAY,
    )
    assert (result.findings, result.items) == (1, 2)
    item = TrackedItem.objects.get(force=force)
    assert (item.status, item.version, item.entered_on, item.overdue_flagged_on) == (
        "in_progress",
        1,
        TODAY,
        dt.date(2017, 6, 9),
    )
    events = {event.kind: event for event in item.events.all()}
    assert events["created"].at.date() == dt.date(2016, 12, 8)
    assert events["response"].note == "Accepted"
    assert events["became_overdue"].notified_at is not None and events["became_overdue"].actor is None
    assert all(event.imported for event in item.events.all())
    recorded = item.events.filter(kind=ItemEvent.Kind.RECORDED).order_by("at")
    assert [(e.to_status, e.note) for e in recorded] == [
        ("", "New recommendation"),
        ("in_progress", "Being progressed."),
    ]
    untouched = TrackedItem.objects.get(force=other_force)
    assert untouched.status == "published"
    # Nothing but publication and the overdue clock for it.
    assert sorted(untouched.events.values_list("kind", flat=True)) == ["became_overdue", "created"]
    assert item.history.count() == untouched.history.count() == 1


def test_an_accelerated_cause_of_concern_gets_its_plan_date_when_published(staff_user, force):
    inspection = factories.InspectionFactory(published_on=dt.date(2026, 11, 2))
    services.findings_publish(
        inspection=inspection,
        user=staff_user,
        drafts=[
            services.FindingDraft(
                reference="CoC1", category="cause_of_concern", text="x", accelerated=True, force_ids=(force.pk,)
            )
        ],
        source="form",
        today=TODAY,
    )
    assert Finding.objects.get().action_plan_due_on == dt.date(2026, 11, 30)
