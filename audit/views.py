"""The record of exports, for inspectorate staff: who exported what, filterable, and itself
downloadable as CSV (which is recorded too)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import require_staff
from audit.filters import ExportRecordFilter
from audit.models import ExportKind
from audit.selectors import export_records_list
from audit.services import export_record_for_request
from audit.tables import ExportRecordTable, filters_in_words
from core.spreadsheets import csv_response
from core.tables import paginate

CSV_HEADINGS = ["When", "Username", "Name", "What", "Address read", "Scope", "Filters", "Rows", "Client address"]


def _csv(records) -> HttpResponse:
    rows = (
        [
            timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            record.user.username,
            str(record.user),
            record.get_kind_display(),
            record.path,
            record.scope,
            filters_in_words(record.filters),
            record.row_count,
            record.address or "",
        ]
        for record in records.iterator(chunk_size=2000)
    )
    return csv_response(filename=f"exports-{timezone.localdate():%Y-%m-%d}.csv", headings=CSV_HEADINGS, rows=rows)


@require_safe
def export_list(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    filterset = ExportRecordFilter(request.GET or None, queryset=export_records_list())
    records = filterset.qs
    if request.GET.get("format") == "csv":
        response = _csv(records)
        export_record_for_request(request=request, kind=ExportKind.EXPORT_RECORDS_CSV, row_count=records.count())
        return response
    table = ExportRecordTable(records, order_by=request.GET.get("sort") or "-created_at")
    paginate(request, table, per_page=50)
    query = request.GET.copy()
    query["format"] = "csv"
    query.pop("page", None)
    context = {
        "filter": filterset,
        "table": table,
        "count": table.paginator.count,
        "csv_query": query.urlencode(),
        "retention_days": settings.EXPORT_RECORD_RETENTION_DAYS,
    }
    return render(request, "audit/export_list.html", context)
