import datetime as dt

from inspections.models import TrackedItem
from oversight.models import OverdueReview
from oversight.selectors import selection_fingerprint
from tests.access.matrix import Case, expect

# Managers and staff review overdue items; liaison officers are refused.
OVERSIGHT = expect(own_liaison=403, other_liaison=403)


def _overdue(world) -> dict:
    world.item.current_target_date = world.item.original_target_date = dt.date(2020, 1, 1)
    world.item.save()
    return {
        "items": [world.item.pk],
        "decision": "chase",
        "note": "Chased",
        "next_review_on_day": "1",
        "next_review_on_month": "1",
        "next_review_on_year": str(dt.date.today().year + 1),
    }


def _check(world) -> dict:
    """The queue's decision for the item's whole finding, sent to the confirmation step."""
    return {**_overdue(world), "items": [], "findings": [world.item.finding_id], "step": "check"}


def _confirmed(world) -> dict:
    """The same decision confirmed with the fingerprint of the items the confirmation showed."""
    data = _overdue(world)
    item = TrackedItem.objects.get(pk=world.item.pk)
    return {
        **data,
        "items": [item.pk],
        "step": "confirm",
        "fingerprint": selection_fingerprint([(item.pk, item.version)]),
    }


def _reviews(world) -> int:
    return OverdueReview.objects.count()


CASES = [
    Case("oversight:queue", expected=OVERSIGHT),
    # The confirmation page: it shows the numbers and records nothing.
    Case(
        "oversight:queue",
        method="POST",
        data=_check,
        snapshot=_reviews,
        expected=expect(own_liaison=403, other_liaison=403),
    ),
    Case(
        "oversight:queue",
        method="POST",
        data=_confirmed,
        snapshot=_reviews,
        expected=expect(own_liaison=403, other_liaison=403, staff=302, manager=302),
    ),
    Case("oversight:item_review", kwargs=lambda w: {"pk": w.item.pk}, expected=expect(own_liaison=403)),
    Case(
        "oversight:item_review",
        kwargs=lambda w: {"pk": w.item.pk},
        method="POST",
        data=_overdue,
        snapshot=_reviews,
        expected=expect(own_liaison=403, staff=302, manager=302),
    ),
    Case("oversight:meeting_pack", expected=OVERSIGHT),
    Case("oversight:meeting_pack", query="format=xlsx", label="excel", expected=OVERSIGHT),
]
