"""The lists, exports, dashboard filters and inspection pages. Lists are scoped to the
user, so every signed-in role gets 200 (tests/inspections/test_lists.py checks what each sees)."""

from tests.access.matrix import READ_ALL_SIGNED_IN, READ_OWN_FORCE, Case, expect

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
    Case("forces:force_list", query="region=North+East&stage=engage", label="filtered"),
]
