"""Imports (staff only) and the old open-data address (a redirect to the public register)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportBatch
from inspections.models import Finding, Inspection
from tests.access.matrix import STAFF_ONLY, Case, expect

STAFF_WRITE = expect(own_liaison=403, other_liaison=403, staff=302, manager=403)


def _batch(world, state: str = ImportBatch.State.PREVIEW) -> ImportBatch:
    """One checked batch per world and state, with one clean row addressed to the item's force."""
    key = f"_batch_{state}"
    if not hasattr(world, key):
        batch = ImportBatch.objects.create(
            inspection=world.inspection,
            uploaded_by=world.users["staff"],
            original_name="findings.csv",
            state=state,
            rows=[
                {
                    "line": 2,
                    "report": f"id:{world.inspection.pk}",
                    "reference": "R-NEW",
                    "category": "recommendation",
                    "text": "Assess every missing child.",
                    "forces_label": world.force.name,
                    "readings": [],
                    "force_ids": [world.force.pk],
                    "target_date": "2027-03-31",
                    "target_how": "",
                    "cause_of_concern": "",
                    "accelerated": False,
                    "state": None,
                    "history": {},
                    "action": "new",
                    "finding_id": None,
                    "notes": [],
                    "problems": [],
                }
            ],
            reports=[
                {
                    "key": f"id:{world.inspection.pk}",
                    "line": 2,
                    "inspection_id": world.inspection.pk,
                    "reference": world.inspection.reference,
                    "title": world.inspection.title,
                    "programme_id": world.inspection.programme_id,
                    "programme": world.inspection.programme.name,
                    "published": None,
                    "report_url": "",
                    "made_reference": False,
                    "rows": 1,
                    "new_rows": 1,
                    "skipped_rows": 0,
                    "items": 1,
                }
            ],
            row_count=1,
            item_count=1,
        )
        setattr(world, key, batch)
    return getattr(world, key)


def _upload(world) -> dict:
    content = (
        "reference,category,text,forces,target_date,cause_of_concern\n"
        f"R-UP,recommendation,Assess every missing child.,{world.force.name},31/03/2027,\n"
    ).encode()
    return {"inspection": world.inspection.reference, "file": SimpleUploadedFile("findings.csv", content)}


def _counts(world) -> tuple[int, int, int]:
    return ImportBatch.objects.count(), Finding.objects.count(), Inspection.objects.count()


CASES = [
    Case("imports:upload", expected=STAFF_ONLY),
    Case("imports:upload", method="POST", data=_upload, snapshot=_counts, expected=STAFF_WRITE),
    Case("imports:template_csv", expected=STAFF_ONLY),
    Case("imports:template_xlsx", expected=STAFF_ONLY),
    Case("imports:preview", kwargs=lambda w: {"pk": _batch(w).pk}, expected=STAFF_ONLY),
    Case(
        "imports:confirm",
        kwargs=lambda w: {"pk": _batch(w).pk},
        method="POST",
        snapshot=_counts,
        expected=STAFF_WRITE,
    ),
    Case("imports:progress", kwargs=lambda w: {"pk": _batch(w, ImportBatch.State.DONE).pk}, expected=STAFF_ONLY),
    Case("imports:help", expected=STAFF_ONLY),
    Case("imports:history_template_csv", expected=STAFF_ONLY),
    # The old open-data address: a permanent redirect to the public register's file, for anyone.
    Case(
        "imports:open_data", expected=expect(anonymous=301, own_liaison=301, other_liaison=301, staff=301, manager=301)
    ),
]
