"""CSV and Excel downloads of exactly the filtered recommendations list.

Both stream: rows come from `values_list(...).iterator(chunk_size=2000)`, so 100,000 rows cost
the same memory as 2,000. CSV is written row by row into a StreamingHttpResponse; Excel uses
openpyxl's write-only workbook, which keeps rows on disk (a temporary file), never in memory.
Every cell passes through `neutralise`, so a text that starts with "=" cannot run as a formula."""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from core.spreadsheets import neutralise
from forces.models import Force
from inspections import selectors
from inspections.models import Finding, TrackedItem
from inspections.views.lists import filtered_items

# (heading, field) in the order of the columns.
COLUMNS = (
    ("Inspection reference", "finding__inspection__reference"),
    ("Inspection", "finding__inspection__title"),
    ("Programme", "finding__inspection__programme__name"),
    ("Published", "finding__inspection__published_on"),
    ("Finding reference", "finding__reference"),
    ("Category", "finding__category"),
    ("Text", "finding__text"),
    ("Force or service", "force__name"),
    ("Region", "force__region"),
    ("Kind", "force__kind"),
    ("Monitoring stage", "force__monitoring_stage"),
    ("Response", "response"),
    ("Status", "status"),
    ("Original target date", "original_target_date"),
    ("Current target date", "current_target_date"),
    ("Extensions", "extension_count"),
    ("Closed on", "closed_on"),
    ("Latest progress judgement", "latest_progress"),
    ("Item id", "id"),
)
HEADINGS = [heading for heading, _ in COLUMNS] + ["Days overdue"]
LABELS = {
    "finding__category": dict(Finding.Category.choices),
    "force__kind": dict(Force.Kind.choices),
    "force__monitoring_stage": dict(Force.MonitoringStage.choices),
    "response": dict(TrackedItem.Response.choices),
    "status": dict(TrackedItem.Status.choices),
}
CHUNK = 2000


def export_rows(rows: Iterable[tuple], *, today: dt.date) -> Iterator[list]:
    """Rows in words, neutralised, with the days overdue on the day of the download."""
    fields = [field for _, field in COLUMNS]
    status_at = fields.index("status")
    target_at = fields.index("current_target_date")
    for row in rows:
        target = row[target_at]
        is_open = row[status_at] in TrackedItem.OPEN_STATUSES
        overdue = (today - target).days if is_open and target is not None and target < today else 0
        cells = [
            LABELS[field].get(value, value) if field in LABELS else value
            for field, value in zip(fields, row, strict=True)
        ]
        yield [neutralise(cell) for cell in [*cells, overdue]]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterator[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so that Excel reads the file as UTF-8
    yield writer.writerow(HEADINGS)
    for row in rows:
        yield writer.writerow(["" if cell is None else cell for cell in row])


def write_xlsx(rows: Iterator[list], file) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Recommendations")
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    workbook.save(file)


@require_safe
def item_export(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        return HttpResponseBadRequest("The format must be csv or xlsx.")
    filterset = filtered_items(request)
    queryset = filterset.qs.order_by(
        "finding__inspection__reference", "finding__position", "finding__reference", "force__name", "id"
    )
    values = queryset.values_list(*(field for _, field in COLUMNS)).iterator(chunk_size=CHUNK)
    rows = export_rows(values, today=selectors.london_today())
    stamp = selectors.london_today().isoformat()
    if kind == "csv":
        response = StreamingHttpResponse(_csv_stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="recommendations-{stamp}.csv"'
        return response
    # The write-only workbook spools to a temporary file that is deleted when the response closes.
    spool = tempfile.TemporaryFile()
    write_xlsx(rows, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"recommendations-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
