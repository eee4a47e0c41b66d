from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.selectors import get_visible_or_404
from core.spreadsheets import csv_response, xlsx_response
from imports import selectors, services
from imports.forms import UploadForm
from imports.history import RESPONSE_WORDS, STATUS_WORDS
from imports.models import ImportBatch
from imports.parsing import COLUMNS, HISTORY_COLUMNS, ImportFileError
from inspections.models import ItemStatus, Programme, Response
from inspections.selectors import findings_similar, findings_visible_to

PREVIEW_PAGE_SIZE = 500
SIMILAR_ROWS = 50
# The template's example rows: one of each kind of finding, each way of giving a deadline, a report
# named on the row, and an item imported with its state. (columns in parsing.COLUMNS order)
TEMPLATE_ROWS = [
    {
        "reference": "CoC1",
        "category": "cause of concern",
        "text": "The force doesn't consistently recognise the risks posed to missing children. "
        "Nor does it respond to them effectively.",
        "forces": "Cleveland Police",
        "accelerated": "no",
        "report_reference": "EXAMPLE-NCPI-1",
        "report_title": "Example: a national child protection inspection",
        "programme": "National child protection inspection",
        "published": "15/01/2025",
        "report_url": "https://www.example.org/reports/example-ncpi-1",
    },
    {
        "reference": "R1",
        "category": "recommendation",
        "text": "Within three months, the force should review how it assesses the risk to children reported "
        "missing.\n\nThe review should cover:\n- the first assessment of risk\n- how supervisors oversee it",
        "forces": "Cleveland Police",
        "cause_of_concern": "CoC1",
        "report_reference": "EXAMPLE-NCPI-1",
        "status": "in progress",
        "status_date": "02/06/2025",
        "response": "accepted",
        "response_date": "20/02/2025",
        "last_progress": "02/06/2025",
    },
    {
        "reference": "AFI1",
        "category": "area for improvement",
        "text": "The force should make sure that officers record the voice of the child.",
        "forces": "Cleveland Police",
        "report_reference": "EXAMPLE-NCPI-1",
        "status": "complete",
        "response": "accepted",
        "response_date": "20/02/2025",
        "closed_on": "30/09/2025",
        "closing_note": "Verified at the revisit.",
    },
    {
        "reference": "R1",
        "category": "recommendation",
        "text": "By 1 October 2023, chief fire officers should make sure their services provide a confidential way "
        "for staff to raise concerns.",
        "forces": "all fire and rescue services",
        "report_reference": "EXAMPLE-THEMATIC-1",
        "report_title": "Example: a thematic inspection of fire and rescue services",
        "programme": "Thematic inspection",
        "published": "30/03/2023",
    },
    {
        "reference": "R2",
        "category": "recommendation",
        "text": "Chief fire officers should review the support available for those who have raised concerns.",
        "forces": "Royal Berkshire FRS; Devon & Somerset FRS",
        "target_date": "Within six months",
        "report_reference": "EXAMPLE-THEMATIC-1",
    },
]
TEMPLATE_HISTORY = [
    {
        "report_reference": "EXAMPLE-NCPI-1",
        "reference": "R1",
        "force": "Cleveland Police",
        "date": "15/01/2025",
        "status": "awaiting review",
        "comment": "New recommendation",
    },
    {
        "report_reference": "EXAMPLE-NCPI-1",
        "reference": "R1",
        "force": "Cleveland Police",
        "date": "02/06/2025",
        "status": "being progressed",
        "comment": "The force has a plan; progress will be reviewed at the revisit.",
    },
]


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Import findings", reverse("imports:upload")), *extra]


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(user=request.user)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        initial={"inspection": request.GET.get("inspection")},
    )
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        history = form.cleaned_data.get("history_file")
        try:
            if uploaded.size > request_limit():
                raise ImportFileError(_too_large())
            if history is not None and history.size > request_limit():
                raise services.HistoryFileError(_too_large())
            batch = services.import_batch_create(
                user=request.user,
                inspection=form.cleaned_data["inspection"],
                data=uploaded.read(),
                name=uploaded.name,
                history_data=history.read() if history is not None else None,
                history_name=history.name if history is not None else "",
            )
        except services.HistoryFileError as error:
            form.add_error("history_file", str(error))
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("imports:preview", pk=batch.pk)
    recent = selectors.import_batches_visible_to(user=request.user)[:10]
    context = {
        "form": form,
        "recent": recent,
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }
    return render(request, "imports/upload.html", context)


def request_limit() -> int:
    return settings.IMPORT_MAX_BYTES


def _too_large() -> str:
    return f"The selected file must be smaller than {filesizeformat(request_limit())}"


def _template_cells(rows: list[dict], columns: tuple[str, ...]) -> list[list[str]]:
    return [[row.get(column, "") for column in columns] for row in rows]


@require_GET
def template_csv(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(user=request.user)
    return csv_response(
        filename="findings-template.csv", headings=COLUMNS, rows=_template_cells(TEMPLATE_ROWS, COLUMNS)
    )


@require_GET
def history_template_csv(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(user=request.user)
    return csv_response(
        filename="history-template.csv",
        headings=HISTORY_COLUMNS,
        rows=_template_cells(TEMPLATE_HISTORY, HISTORY_COLUMNS),
    )


@require_GET
def template_xlsx(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(user=request.user)
    return xlsx_response(
        filename="findings-template.xlsx",
        sheets=[
            ("Findings", COLUMNS, _template_cells(TEMPLATE_ROWS, COLUMNS)),
            ("History", HISTORY_COLUMNS, _template_cells(TEMPLATE_HISTORY, HISTORY_COLUMNS)),
        ],
    )


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(user=request.user)
    context = {
        "columns": selectors.IMPORT_COLUMN_HELP,
        "history_columns": selectors.HISTORY_COLUMN_HELP,
        "organisations": selectors.organisations_with_names(),
        "regions": selectors.regions_and_countries(),
        "programmes": Programme.objects.order_by("name"),
        "statuses": STATUS_WORDS,
        "responses": RESPONSE_WORDS,
        "status_labels": dict(ItemStatus.choices),
        "response_labels": dict(Response.choices),
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "crumbs": _crumbs(("How to write the file", None)),
    }
    return render(request, "imports/help.html", context)


@require_GET
def preview(request: HttpRequest, pk) -> HttpResponse:
    selectors.require_staff(user=request.user)
    batch = get_visible_or_404(selectors.import_batches_visible_to(user=request.user), pk=pk)
    if batch.is_working or batch.state in (ImportBatch.State.DONE, ImportBatch.State.FAILED):
        return redirect("imports:progress", pk=batch.pk)
    only_problems = request.GET.get("show") == "problems"
    rows = [row for row in batch.rows if row["problems"]] if only_problems else batch.rows
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    problem_rows = [row for row in batch.rows if row["problems"]]
    # Each row on this page with the earlier findings worded most like it (the recurring findings).
    earlier = findings_visible_to(user=request.user)
    # One look-up per row: the first SIMILAR_ROWS rows of the page only, so a large page stays quick.
    page.object_list = [
        {**row, "similar": findings_similar(text=row["text"], findings=earlier, limit=3) if n < SIMILAR_ROWS else None}
        for n, row in enumerate(page.object_list)
    ]
    reports = {report["key"]: report for report in batch.reports}
    context = {
        "batch": batch,
        "page": page,
        "only_problems": only_problems,
        "problem_rows": problem_rows,
        "reports": batch.reports,
        "report_of": reports,
        "new_reports": [r for r in batch.reports if not r["inspection_id"]],
        "many_reports": len(batch.reports) > 1 or batch.inspection_id is None,
        "forces": selectors.force_names(rows=page.object_list),
        "crumbs": _crumbs(("Check the findings", None)),
    }
    return render(request, "imports/preview.html", context)


@require_POST
def confirm(request: HttpRequest, pk) -> HttpResponse:
    selectors.require_staff(user=request.user)
    batch = get_visible_or_404(selectors.import_batches_visible_to(user=request.user), pk=pk)
    if not batch.can_confirm:
        if batch.state == ImportBatch.State.PREVIEW:
            messages.error(request, "Correct every problem in the file and upload it again: nothing was saved.")
            return redirect("imports:preview", pk=batch.pk)
        return redirect("imports:progress", pk=batch.pk)
    try:
        batch = services.import_batch_confirm(batch=batch, user=request.user)
    except services.ImportRunError:
        return redirect("imports:progress", pk=batch.pk)
    # The progress page's confirmation panel says what was saved; no banner repeats it.
    return redirect("imports:progress", pk=batch.pk)


@require_GET
def progress(request: HttpRequest, pk) -> HttpResponse:
    selectors.require_staff(user=request.user)
    batch = get_visible_or_404(selectors.import_batches_visible_to(user=request.user), pk=pk)
    if batch.state == ImportBatch.State.PREVIEW:
        return redirect("imports:preview", pk=batch.pk)
    done = services.import_progress_get(batch=batch)
    context = {
        "batch": batch,
        "done": done,
        "percent": int(100 * done / batch.row_count) if batch.row_count else 100,
        "crumbs": _crumbs((batch.get_state_display(), None)),
    }
    return render(request, "imports/progress.html", context)


@login_not_required
@require_GET
def open_data_csv(request: HttpRequest) -> HttpResponse:
    """The old address of the open-data file: the public register's open data replaced it."""
    return redirect("register:register_download", fmt="csv", permanent=True)
