"""CSV and Excel downloads of exactly the filtered recommendations list.

Both stream: rows come from `values_list(...).iterator(chunk_size=5000)`, so 100,000 rows cost
the same memory as 5,000. CSV is written 1,000 rows at a time into a StreamingHttpResponse; Excel uses
openpyxl's write-only workbook, which keeps rows on disk (a temporary file), never in memory. Both
are written by core.spreadsheets: every text cell is cleaned of what the format cannot hold and
neutralised, so a text that starts with "=" cannot run as a formula."""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_safe

from audit.models import ExportKind
from audit.services import export_record_for_request
from core.dates import london_today
from core.spreadsheets import FORMULA_PREFIXES, cell, csv_response, xlsx_response
from core.text import NOT_PRINTABLE_RE
from forces.models import Force
from inspections import rules
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
    ("In the tracker since", "entered_on"),
    ("Item id", "id"),
)
# Worked out on the day of the download: days overdue, the first day overdue (the day after the
# current target date), and whether it was overdue already when it entered the tracker.
HEADINGS = [heading for heading, _ in COLUMNS] + ["Days overdue", "Overdue since", "Arrived overdue"]
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
    "entered_on",
    "id",
}


def export_rows(rows: Iterable[tuple], *, today: dt.date) -> Iterator[list]:
    """Rows in words, cleaned and neutralised, with the days overdue on the day of the download.

    The export's inner loop (100,000 rows and more): each column's treatment is decided once, and
    a text cell goes through core.spreadsheets.cell only when it needs to (a formula's first
    character, or something to clean), not with a call per cell."""
    fields = [field for _, field in COLUMNS]
    status_at = fields.index("status")
    target_at = fields.index("current_target_date")
    entered_at = fields.index("entered_on")
    open_statuses = frozenset(TrackedItem.OPEN_STATUSES)
    labelled = [(i, LABELS[field]) for i, field in enumerate(fields) if field in LABELS]
    # Free text: the labels of known choices are the service's own words, clean already.
    texts = [i for i, field in enumerate(fields) if field not in PLAIN and field not in LABELS]
    prefixes = "".join(FORMULA_PREFIXES)
    dirty = NOT_PRINTABLE_RE.search  # anything `printable` would change
    for row in rows:
        cells = list(row)
        for i, names in labelled:
            label = names.get(cells[i])
            cells[i] = label if label is not None else cell(cells[i])
        for i in texts:
            value = cells[i]
            if value and (value[0] in prefixes or dirty(value)):
                cells[i] = cell(value)
        target = row[target_at]
        overdue = target is not None and target < today and row[status_at] in open_statuses
        cells.append((today - target).days if overdue else 0)
        cells.append(rules.overdue_since(target) if overdue else None)
        cells.append(("yes" if target < row[entered_at] else "no") if overdue else "")
        yield cells


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
        return csv_response(filename=f"recommendations-{stamp}.csv", headings=HEADINGS, rows=rows, cleaned=True)
    return xlsx_response(filename=f"recommendations-{stamp}.xlsx", sheets=[("Recommendations", HEADINGS, rows)])
