"""The lists, exports, dashboard filters and inspection pages. Lists are scoped to the
user, so every signed-in role gets 200 (tests/inspections/test_lists.py checks what each sees)."""

from inspections.models import Inspection
from tests.access.matrix import READ_ALL_SIGNED_IN, READ_OWN_FORCE, STAFF_ONLY, Case, expect

# Adding and editing an inspection: staff only. A refused write leaves every inspection as it was.
STAFF_WRITE = expect(own_liaison=403, other_liaison=403, staff=302, manager=403)


def _inspections(world) -> list[tuple]:
    return list(Inspection.objects.order_by("pk").values_list())


def _inspection_form(world, **changes) -> dict:
    return {
        "programme": world.inspection.programme_id,
        "reference": "NEW-2026-1",
        "title": "A new thematic inspection",
        "published_on_day": "27",
        "published_on_month": "3",
        "published_on_year": "2026",
        **changes,
    }


CASES = [
    Case("dashboard", query="region=North+East&kind=police", label="filtered"),
    Case("inspections:item_list", expected=READ_ALL_SIGNED_IN),
    Case("inspections:item_list", query="show=overdue&sort=-force", label="filtered", expected=READ_ALL_SIGNED_IN),
    Case("reporting:item_export", query="format=csv", label="csv", expected=READ_ALL_SIGNED_IN),
    Case("reporting:item_export", query="format=xlsx", label="xlsx", expected=READ_ALL_SIGNED_IN),
    Case(
        "reporting:item_export",
        query="format=pdf",
        label="unknown format",
        expected=expect(own_liaison=400, other_liaison=400, staff=400, manager=400),
    ),
    Case("inspections:inspection_list", expected=READ_ALL_SIGNED_IN),
    Case(
        "inspections:inspection_detail",
        kwargs=lambda w: {"pk": w.inspection.pk},
        label="own force's inspection",
        expected=READ_OWN_FORCE,
    ),
    Case(
        "inspections:inspection_detail",
        kwargs=lambda w: {"pk": w.other_item.finding.inspection_id},
        label="other force's inspection",
        expected=expect(own_liaison=404, other_liaison=200, body_liaison=404),
    ),
    Case("inspections:review_list", expected=READ_ALL_SIGNED_IN),
    Case("inspections:inspection_create", expected=STAFF_ONLY),
    Case(
        "inspections:inspection_create",
        method="POST",
        data=_inspection_form,
        snapshot=_inspections,
        expected=STAFF_WRITE,
    ),
    Case(
        "inspections:inspection_edit",
        kwargs=lambda w: {"pk": w.inspection.pk},
        label="own force's inspection",
        expected=expect(own_liaison=403, other_liaison=404, manager=403),
    ),
    Case(
        "inspections:inspection_edit",
        kwargs=lambda w: {"pk": w.inspection.pk},
        label="own force's inspection",
        method="POST",
        data=lambda w: _inspection_form(w, reference=w.inspection.reference, title="Renamed"),
        snapshot=_inspections,
        expected=expect(own_liaison=403, other_liaison=404, staff=302, manager=403),
    ),
    Case("forces:force_list", query="region=North+East&stage=engage", label="filtered"),
]
