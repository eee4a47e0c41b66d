"""CSV and Excel downloads of exactly the filtered recommendations list.

Both stream: rows come from `values_list(...).iterator(chunk_size=5000)`, so 100,000 rows cost
the same memory as 5,000. CSV is written 1,000 rows at a time into a StreamingHttpResponse; Excel uses
openpyxl's write-only workbook, which keeps rows on disk (a temporary file), never in memory.
Every cell passes through `neutralise`, so a text that starts with "=" cannot run as a formula."""

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from audit.models import ExportKind
from audit.services import export_record_for_request
from core.dates import london_today
from core.spreadsheets import FORMULA_PREFIXES, neutralise
from forces.models import Force
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
CHUNK = 5000
# Dates and numbers: never a formula, written as they are.
PLAIN = {
    "finding__inspection__published_on",
    "original_target_date",
    "current_target_date",
    "extension_count",
    "closed_on",
    "id",
}
ROWS_PER_WRITE = 1000


def export_rows(rows: Iterable[tuple], *, today: dt.date) -> Iterator[list]:
    """Rows in words, neutralised, with the days overdue on the day of the download.

    The export's inner loop (100,000 rows and more): each column's treatment is decided once, and
    a text cell is neutralised inline (core.spreadsheets.neutralise, without a call per cell)."""
    fields = [field for _, field in COLUMNS]
    status_at = fields.index("status")
    target_at = fields.index("current_target_date")
    open_statuses = frozenset(TrackedItem.OPEN_STATUSES)
    labelled = [(i, LABELS[field]) for i, field in enumerate(fields) if field in LABELS]
    texts = [i for i, field in enumerate(fields) if field not in PLAIN]
    prefixes = "".join(FORMULA_PREFIXES)
    for row in rows:
        cells = list(row)
        for i, names in labelled:
            cells[i] = names.get(cells[i], cells[i])
        for i in texts:
            value = cells[i]
            if value and value[0] in prefixes:
                cells[i] = neutralise(value)
        target = row[target_at]
        cells.append(
            (today - target).days if target is not None and target < today and row[status_at] in open_statuses else 0
        )
        yield cells


def _csv_stream(rows: Iterator[list]) -> Iterator[str]:
    """CSV text in pieces of ROWS_PER_WRITE rows (csv.writer writes None as an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # a byte-order mark, so that Excel reads the file as UTF-8
    writer.writerow(HEADINGS)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending == ROWS_PER_WRITE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


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
    # Counted before streaming, so the record of the export is written even if the download is cut.
    export_record_for_request(
        request=request,
        kind=ExportKind.ITEMS_CSV if kind == "csv" else ExportKind.ITEMS_XLSX,
        row_count=queryset.count(),
    )
    values = queryset.values_list(*(field for _, field in COLUMNS)).iterator(chunk_size=CHUNK)
    rows = export_rows(values, today=london_today())
    stamp = london_today().isoformat()
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
