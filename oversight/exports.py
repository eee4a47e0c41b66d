import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from accounts.models import User
from core.spreadsheets import Sheet, xlsx_response
from inspections.models import TrackedItem
from oversight.models import OverdueReview

# Each detail column and its width in characters: text columns wide, dates and numbers narrow.
PACK_COLUMNS = [
    ("Force", 28),
    ("Region", 16),
    ("Inspection", 16),
    ("Reference", 11),
    ("Kind", 18),
    ("Text", 60),
    ("Status", 20),
    ("Original target", 14),
    ("Current target", 14),
    ("Days overdue (original)", 12),
    ("Days overdue (current)", 12),
    ("No recent progress", 10),
    ("Latest progress update", 60),
    ("Latest update on", 14),
    ("Latest judgement", 16),
    ("Latest review decision", 22),
    ("Next review", 14),
]
PACK_HEADERS = [heading for heading, _width in PACK_COLUMNS]


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


def _cover(*, scope: str, filters: list[tuple[str, str]], produced_at: dt.datetime, user: User) -> Iterator[list]:
    yield ["Scope", scope]
    yield ["Contents", "Overdue items, and open items with no recent progress, with the latest progress and decisions"]
    for label, value in filters or [("Filters", "None")]:
        yield [f"Filter: {label}" if filters else label, value]
    yield ["Produced at", produced_at.strftime("%-d %B %Y, %H:%M")]
    yield ["Produced by", user.get_full_name() or user.get_username()]


def _summary(summary: dict, changes: dict | None, escalations: list) -> Iterator[list]:
    totals = summary["totals"]
    yield ["Totals", "Overdue", totals["overdue"], None]
    yield ["Totals", "No recent progress (90 days)", totals["stale"], None]
    yield ["Totals", "Items in the pack", totals["pack"], None]
    for row in summary["by_status"]:
        yield ["By status", row["label"], row["count"], None]
    for row in summary["by_force"]:
        yield ["Overdue by force", row["name"], row["count"], row["days"]]
    for row in summary["by_finding"]:
        finding = row["finding"]
        yield [
            "Overdue by finding",
            f"{finding.reference} of {finding.inspection.reference}: {finding.text}",
            row["forces"],
            row["days"],
        ]
    if changes is not None:
        section = f"Since {_since_label(changes)}"
        for row in changes["rows"]:
            yield [section, row["label"], row["count"], None]
    for review in escalations:
        item = review.item
        yield [
            "Escalations (90 days)",
            f"{review.reviewed_at:%-d %B %Y}: {item.finding.reference} of {item.finding.inspection.reference}, "
            f"{item.force.name}: {review.decision_label}",
            None,
            None,
        ]


def _since_label(changes: dict) -> str:
    since = timezone.localtime(changes["since"])
    if changes["previous"] is None:
        return f"{since:%-d %B %Y} (no earlier pack for these filters)"
    return f"the last pack for these filters, {since:%-d %B %Y}"


def meeting_pack_xlsx(
    *,
    items: QuerySet[TrackedItem],
    today: dt.date,
    scope: str,
    filters: list[tuple[str, str]],
    summary: dict,
    changes: dict | None,
    escalations: list,
    user: User,
    produced_at: dt.datetime,
) -> tuple[HttpResponse, int]:
    """The pack as three sheets, written by the service's one Excel writer: a cover (title, scope,
    filters, when and by whom), the summary, and the detail of every overdue and stale item. Also
    how many detail rows it holds (for the record of exports)."""
    written = 0

    def counted():
        nonlocal written
        for row in _rows(items, today):
            written += 1
            yield row

    title = f"Monitoring meeting pack: {scope}, {today:%-d %B %Y}"
    response = xlsx_response(
        filename=f"meeting-pack-{today:%Y-%m-%d}.xlsx",
        sheets=[
            Sheet(
                "Cover",
                [title, ""],
                _cover(scope=scope, filters=filters, produced_at=produced_at, user=user),
                widths=[24, 90],
            ),
            Sheet(
                "Summary",
                ["Section", "Name", "Count", "Worst days overdue"],
                _summary(summary, changes, escalations),
                widths=[22, 90, 10, 12],
                table=True,
            ),
            Sheet(
                "Overdue and stale",
                PACK_HEADERS,
                counted(),
                widths=[width for _heading, width in PACK_COLUMNS],
                table=True,
            ),
        ],
    )
    return response, written
