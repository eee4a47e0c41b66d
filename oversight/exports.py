import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse

from core.spreadsheets import xlsx_response
from inspections.models import TrackedItem
from oversight.models import OverdueReview

PACK_HEADERS = [
    "Force",
    "Region",
    "Inspection",
    "Reference",
    "Kind",
    "Text",
    "Status",
    "Original target",
    "Current target",
    "Days overdue (original)",
    "Days overdue (current)",
    "No recent progress",
    "Latest progress update",
    "Latest update on",
    "Latest judgement",
    "Latest review decision",
    "Next review",
]


def _rows(items: QuerySet[TrackedItem], today: dt.date) -> Iterator[list]:
    for item in items.iterator(chunk_size=1000):
        yield [
            item.force.name,
            item.force.region,
            item.finding.inspection.reference,
            item.finding.reference,
            item.finding.get_category_display(),
            item.finding.text,
            item.get_status_display(),
            item.original_target_date,
            item.current_target_date,
            item.days_overdue(today, against_original=True),
            item.days_overdue(today),
            "Yes" if item.is_stale else "",
            item.latest_update_text or "",
            item.latest_update_at.date() if item.latest_update_at else None,
            item.latest_progress,
            OverdueReview.Decision(item.last_decision).label if item.last_decision else "",
            item.next_review_on,
        ]


def meeting_pack_xlsx(*, items: QuerySet[TrackedItem], today: dt.date) -> tuple[HttpResponse, int]:
    """The pack of overdue and stale items, written by the service's one Excel writer, and how many
    rows it holds (for the record of exports)."""
    written = 0

    def counted():
        nonlocal written
        for row in _rows(items, today):
            written += 1
            yield row

    response = xlsx_response(
        filename=f"meeting-pack-{today:%Y-%m-%d}.xlsx",
        sheets=[("Overdue and stale", PACK_HEADERS, counted())],
    )
    return response, written
