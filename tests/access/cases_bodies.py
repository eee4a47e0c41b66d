"""The access matrix for national bodies, the governing bodies' replies and the draft of the local
policing body's comments, starting and closing follow-up reviews, and the next review of undated
findings.

A national body's liaison officer (body_liaison) reads and acts on the body's own items exactly as
a force's officer does on the force's, and sees nothing of a force's."""

from inspections.models import FollowUpReview, Inspection, ItemEvent, Judgement, ReportReply, TrackedItem
from tests.access.cases_workflow import FORCE_ACTION_PAGE, STAFF_ACTION, STAFF_ACTION_PAGE
from tests.access.matrix import Case, expect

# The body's own item and page: its liaison officer reads them; forces' officers do not find them.
BODY_OWN = expect(own_liaison=404, other_liaison=404, body_liaison=200)
STAFF_PAGE = expect(own_liaison=403, other_liaison=403, manager=403)
STAFF_FORM = expect(own_liaison=403, other_liaison=403, staff=302, manager=403)


def snapshot(world) -> tuple:
    return (
        list(ReportReply.objects.values_list("force_id", "published_on", "url").order_by("id")),
        Inspection.objects.get(pk=world.inspection.pk).authority_plan_due_on,
        list(TrackedItem.objects.values_list("status", "review_by", "version").order_by("id")),
        ItemEvent.objects.count(),
        FollowUpReview.objects.count(),
        Judgement.objects.count(),
    )


def _reply(world) -> dict:
    return {"pk": world.inspection.pk, "slug": world.force.slug}


CASES = [
    # A national body's own recommendation, page and actions.
    Case("inspections:item_detail", kwargs=lambda w: {"pk": w.body_item.pk}, label="national body", expected=BODY_OWN),
    Case("forces:force_detail", kwargs=lambda w: {"slug": w.body.slug}, label="national body", expected=BODY_OWN),
    Case(
        "inspections:item_update",
        kwargs=lambda w: {"pk": w.body_item.pk},
        label="national body",
        expected={**FORCE_ACTION_PAGE, "own_liaison": 404, "body_liaison": 200},
    ),
    Case(
        "inspections:item_update",
        kwargs=lambda w: {"pk": w.body_item.pk},
        label="national body",
        method="POST",
        data=lambda w: {"version": "1", "narrative": "The national guidance is drafted."},
        expected=expect(own_liaison=404, other_liaison=404, body_liaison=302, staff=403, manager=403),
    ),
    # Starting a review from the reviews list: staff only.
    Case("inspections:review_start", expected=STAFF_PAGE),
    Case(
        "inspections:review_start",
        query="inspection=NO-SUCH-REFERENCE",
        label="an unknown reference",
        expected=expect(own_liaison=403, other_liaison=403, staff=400, manager=403),
    ),
    # The confirmation page of a review's closures (the world's review has none waiting).
    Case("inspections:review_close", kwargs=lambda w: {"pk": w.review.pk}, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:review_close",
        kwargs=lambda w: {"pk": w.review.pk},
        method="POST",
        data=lambda w: {"close": f"{w.item.pk}:1"},
        expected=expect(own_liaison=403, other_liaison=404, staff=400, manager=403),
        snapshot=snapshot,
    ),
    # The next review of an inspection's undated findings.
    Case("inspections:review_dates", kwargs=lambda w: {"pk": w.inspection.pk}, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:review_dates",
        kwargs=lambda w: {"pk": w.inspection.pk},
        method="POST",
        data=lambda w: {"review_by_day": "31", "review_by_month": "3", "review_by_year": "2030"},
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
    # The local policing body's comments on the report, recorded by staff.
    Case("inspections:reply_record", kwargs=_reply, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:reply_record",
        kwargs=_reply,
        method="POST",
        data=lambda w: {
            "published_on_day": "20",
            "published_on_month": "6",
            "published_on_year": "2025",
            "url": "https://www.example-pcc.gov.uk/comments",
        },
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
    # The draft of the local policing body's comments on the report: whoever reads the report and
    # the force produces it; an organisation the report does not address is not found, even by staff.
    Case("reporting:comments_draft", kwargs=_reply, expected=expect()),
    Case(
        "reporting:comments_draft",
        kwargs=lambda w: {"pk": w.inspection.pk, "slug": w.body.slug},
        label="not addressed",
        expected=expect(own_liaison=404, other_liaison=404, staff=404, manager=404),
    ),
    # The fire and rescue authorities' deadline for a report.
    Case("inspections:authority_plan_deadline", kwargs=lambda w: {"pk": w.inspection.pk}, expected=STAFF_ACTION_PAGE),
    Case(
        "inspections:authority_plan_deadline",
        kwargs=lambda w: {"pk": w.inspection.pk},
        method="POST",
        data=lambda w: {"due_on_day": "30", "due_on_month": "9", "due_on_year": "2025"},
        expected=STAFF_ACTION,
        snapshot=snapshot,
    ),
]
