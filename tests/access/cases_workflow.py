"""The access matrix for an item's page and actions, evidence, findings and follow-up reviews.

Force actions: the item's own liaison officer only (another force's officer 404, staff and
managers 403). Staff actions: staff only (liaison officers 403, or 404 outside their scope;
managers 403). Where an action needs a state (submitted, closed, a pending extension), `kwargs`
puts world.item in it before the request, so the success path is the one exercised."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import (
    EvidenceFile,
    ExtensionRequest,
    FollowUpReview,
    ItemEvent,
    Judgement,
    ProgressUpdate,
    TrackedItem,
)
from tests import factories
from tests.access.matrix import READ_OWN_FORCE, Case, expect

FORCE_ACTION = expect(own_liaison=302, other_liaison=404, staff=403, manager=403)
FORCE_ACTION_PAGE = expect(own_liaison=200, other_liaison=404, staff=403, manager=403)
STAFF_ACTION = expect(own_liaison=403, other_liaison=404, staff=302, manager=403)
STAFF_ACTION_PAGE = expect(own_liaison=403, other_liaison=404, staff=200, manager=403)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LATER = {"requested_date_day": "31", "requested_date_month": "3", "requested_date_year": "2030"}


def snapshot(world) -> tuple:
    item = TrackedItem.objects.get(pk=world.item.pk)
    return (
        item.status,
        item.response,
        item.current_target_date,
        item.extension_count,
        item.closed_on,
        item.version,
        ItemEvent.objects.count(),
        ProgressUpdate.objects.count(),
        EvidenceFile.objects.count(),
        list(ExtensionRequest.objects.values_list("decision", flat=True).order_by("id")),
        FollowUpReview.objects.count(),
        Judgement.objects.count(),
    )


def _item(world) -> dict:
    return {"pk": world.item.pk}


def _submitted(world) -> dict:
    TrackedItem.objects.filter(pk=world.item.pk).update(status="submitted", submitted_on=dt.date(2026, 1, 10))
    return _item(world)


def _closed(world) -> dict:
    TrackedItem.objects.filter(pk=world.item.pk).update(status="withdrawn", closed_on=dt.date(2026, 1, 10))
    return _item(world)


def _pending_extension(world) -> dict:
    factories.ExtensionRequestFactory(
        item=world.item, requested_by=world.users["own_liaison"], requested_date=dt.date(2030, 3, 31)
    )
    return _item(world)


def _version(world) -> int:
    return TrackedItem.objects.get(pk=world.item.pk).version


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")


def _judge_data(world) -> dict:
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-item_id": str(world.item.pk),
        "form-0-progress": "reasonable",
        "form-0-commentary": "Training is under way.",
        "version": str(world.review.version),
    }


CASES = [
    Case("inspections:item_detail", kwargs=_item, expected=READ_OWN_FORCE),
    Case(
        "inspections:item_detail",
        kwargs=lambda w: {"pk": w.other_item.pk},
        label="other force",
        expected=expect(own_liaison=404, other_liaison=200, body_liaison=404),
    ),
    Case("inspections:evidence_download", kwargs=lambda w: {"pk": w.evidence.pk}, expected=READ_OWN_FORCE),
    Case("inspections:finding_detail", kwargs=lambda w: {"pk": w.finding.pk}, expected=READ_OWN_FORCE),
    # The force's actions.
    Case("inspections:item_respond", kwargs=_item, expected=FORCE_ACTION_PAGE),
    Case(
        "inspections:item_respond",
        kwargs=_item,
        method="POST",
        data=lambda w: {"version": _version(w), "response": "accepted"},
        expected=FORCE_ACTION,
        snapshot=snapshot,
    ),
    Case("inspections:item_update", kwargs=_item, expected=FORCE_ACTION_PAGE),
    Case(
        "inspections:item_update",
        kwargs=_item,
        method="POST",
        data=lambda w: {"version": _version(w), "narrative": "Training is under way.", "files": _pdf()},
        expected=FORCE_ACTION,
        snapshot=snapshot,
    ),
    Case("inspections:item_submit", kwargs=_item, expected=FORCE_ACTION_PAGE),
    Case(
        "inspections:item_submit",
        kwargs=_item,
        method="POST",
        data=lambda w: {"version": _version(w), "narrative": "All done.", "files": _pdf()},
        expected=FORCE_ACTION,
        snapshot=snapshot,
    ),
    Case("inspections:item_extension_request", kwargs=_item, expected=FORCE_ACTION_PAGE),
    Case(
        "inspections:item_extension_request",
        kwargs=_item,
        method="POST",
        data=lambda w: {"version": _version(w), "reason": "The new system is late.", **LATER},
        expected=FORCE_ACTION,
        snapshot=snapshot,
    ),
    # The inspectorate's actions.
    Case("inspections:item_verify", kwargs=_submitted, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:item_verify",
        kwargs=_submitted,
        method="POST",
        data=lambda w: {"version": _version(w), "decision": "accept", "note": "Verified on the audit."},
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
    Case("inspections:item_extension_decide", kwargs=_pending_extension, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:item_extension_decide",
        kwargs=_pending_extension,
        method="POST",
        data=lambda w: {"version": _version(w), "approve": "approve", "note": ""},
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
    Case("inspections:item_close", kwargs=_item, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:item_close",
        kwargs=_item,
        method="POST",
        data=lambda w: {"version": _version(w), "status": "withdrawn", "note": "Overtaken by legislation."},
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
    Case("inspections:item_reopen", kwargs=_closed, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:item_reopen",
        kwargs=_closed,
        method="POST",
        data=lambda w: {"version": _version(w), "reason": "Withdrawn in error."},
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
    # Follow-up reviews.
    Case("inspections:review_detail", kwargs=lambda w: {"pk": w.review.pk}, expected=READ_OWN_FORCE),
    Case("inspections:review_create", kwargs=lambda w: {"pk": w.inspection.pk}, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:review_create",
        kwargs=lambda w: {"pk": w.inspection.pk},
        method="POST",
        data=lambda w: {
            "review_date_day": "15",
            "review_date_month": "1",
            "review_date_year": "2026",
            "reviewer": str(w.users["staff"].pk),
            "conclusion": "Slow progress.",
        },
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
    Case("inspections:review_judge", kwargs=lambda w: {"pk": w.review.pk}, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:review_judge",
        kwargs=lambda w: {"pk": w.review.pk},
        method="POST",
        data=_judge_data,
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
]
