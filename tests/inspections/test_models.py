"""Invariants the database itself enforces: an invalid row is refused by the database, not only
by a form. Each test writes around the model layer (queryset .update / .create without clean())."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from inspections.models import ExtensionRequest, Finding, TrackedItem
from tests import factories

pytestmark = pytest.mark.django_db


def refused(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


def test_one_item_per_finding_and_force(item):
    assert refused(lambda: TrackedItem.objects.create(finding=item.finding, force=item.force))


def test_a_closed_item_needs_a_closing_date(item):
    assert refused(lambda: TrackedItem.objects.filter(pk=item.pk).update(status="complete"))
    TrackedItem.objects.filter(pk=item.pk).update(status="complete", closed_on=dt.date(2026, 1, 5))
    assert TrackedItem.objects.get(pk=item.pk).status == "complete"


def test_an_open_item_has_no_closing_date(item):
    assert refused(lambda: TrackedItem.objects.filter(pk=item.pk).update(closed_on=dt.date(2026, 1, 5)))


def test_a_superseded_item_names_its_successor(item, force):
    successor = factories.TrackedItemFactory(force=force)
    assert refused(
        lambda: TrackedItem.objects.filter(pk=item.pk).update(status="superseded", closed_on=dt.date(2026, 1, 5))
    )
    assert refused(lambda: TrackedItem.objects.filter(pk=item.pk).update(superseded_by=successor))
    TrackedItem.objects.filter(pk=item.pk).update(
        status="superseded", closed_on=dt.date(2026, 1, 5), superseded_by=successor
    )
    assert TrackedItem.objects.get(pk=item.pk).superseded_by == successor


def test_an_item_cannot_supersede_itself(item):
    assert refused(
        lambda: TrackedItem.objects.filter(pk=item.pk).update(
            status="superseded", closed_on=dt.date(2026, 1, 5), superseded_by=item
        )
    )


@pytest.mark.parametrize("response", ["partially_accepted", "not_accepted"])
def test_a_response_short_of_acceptance_needs_a_reason(item, response):
    assert refused(lambda: TrackedItem.objects.filter(pk=item.pk).update(response=response))
    TrackedItem.objects.filter(pk=item.pk).update(response=response, response_reason="Existing plan covers it.")
    assert TrackedItem.objects.get(pk=item.pk).response == response


def test_target_dates_are_both_set_or_both_empty(item):
    assert refused(lambda: TrackedItem.objects.filter(pk=item.pk).update(current_target_date=None))


def test_submitted_for_closure_has_a_date(item):
    assert refused(lambda: TrackedItem.objects.filter(pk=item.pk).update(status="submitted"))


def test_finding_reference_unique_within_an_inspection(item):
    finding = item.finding
    assert refused(
        lambda: Finding.objects.create(
            inspection=finding.inspection, category="recommendation", reference=finding.reference, text="x"
        )
    )


def test_only_recommendations_answer_a_cause_of_concern(item):
    concern = factories.FindingFactory(
        inspection=item.finding.inspection, category="cause_of_concern", reference="CoC1"
    )
    assert refused(
        lambda: Finding.objects.create(
            inspection=concern.inspection,
            category="area_for_improvement",
            reference="AFI1",
            text="x",
            cause_of_concern=concern,
        )
    )
    rec = Finding.objects.create(
        inspection=concern.inspection, category="recommendation", reference="R9", text="x", cause_of_concern=concern
    )
    assert list(concern.recommendations.all()) == [rec]


def test_finding_text_required(item):
    assert refused(
        lambda: Finding.objects.create(
            inspection=item.finding.inspection, category="recommendation", reference="R99", text=""
        )
    )


def test_extension_must_move_the_date_later(item, liaison_user):
    assert refused(
        lambda: ExtensionRequest.objects.create(
            item=item,
            requested_by=liaison_user,
            previous_target_date=item.current_target_date,
            requested_date=item.current_target_date,
            reason="More time",
        )
    )


def test_only_one_pending_extension_per_item(item, liaison_user):
    factories.ExtensionRequestFactory(item=item, requested_by=liaison_user)
    assert refused(lambda: factories.ExtensionRequestFactory(item=item, requested_by=liaison_user))


def test_one_judgement_per_item_per_review(item):
    judgement = factories.JudgementFactory(item=item)
    assert refused(lambda: factories.JudgementFactory(item=item, review=judgement.review))


def test_days_overdue_against_current_and_original(item):
    item.original_target_date = dt.date(2026, 3, 31)
    item.current_target_date = dt.date(2026, 6, 30)
    assert item.days_overdue(dt.date(2026, 3, 31)) == 0
    assert item.days_overdue(dt.date(2026, 4, 1), against_original=True) == 1
    assert item.days_overdue(dt.date(2026, 7, 10)) == 10
    item.status = TrackedItem.Status.COMPLETE
    assert item.days_overdue(dt.date(2026, 7, 10)) == 0


def test_partial_index_on_open_items_by_target_exists():
    index = next(i for i in TrackedItem._meta.indexes if i.name == "item_open_reminder_idx")
    assert index.fields == ["current_target_date"]
    assert index.include == ("reminded_for", "reminded_within")
    assert index.condition is not None
