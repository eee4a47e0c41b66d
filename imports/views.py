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
from imports.forms import InspectionForm, UploadForm
from imports.models import ImportBatch
from imports.parsing import COLUMNS, ImportFileError
from inspections.selectors import findings_similar, findings_visible_to

PREVIEW_PAGE_SIZE = 500
SIMILAR_ROWS = 50
TEMPLATE_ROWS = [
    (
        "CoC1",
        "cause of concern",
        "The force does not consistently assess the risk to missing children.",
        "Cleveland Police",
        "",
        "",
    ),
    (
        "R1",
        "recommendation",
        "Within six months, all chief constables should make sure every missing child is risk assessed.",
        "all police forces",
        "31/03/2027",
        "CoC1",
    ),
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
        try:
            if uploaded.size > request_limit():
                raise ImportFileError(_too_large())
            batch = services.import_batch_create(
                user=request.user,
                inspection=form.cleaned_data["inspection"],
                data=uploaded.read(),
                name=uploaded.name,
            )
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


@require_GET
def template_csv(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(user=request.user)
    return csv_response(filename="findings-template.csv", headings=COLUMNS, rows=TEMPLATE_ROWS)


@require_GET
def template_xlsx(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(user=request.user)
    return xlsx_response(filename="findings-template.xlsx", sheets=[("Findings", COLUMNS, TEMPLATE_ROWS)])


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
    context = {
        "batch": batch,
        "page": page,
        "only_problems": only_problems,
        "problem_rows": problem_rows,
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


@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    selectors.require_staff(user=request.user)
    form = InspectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        inspection = services.inspection_create(
            programme_id=form.cleaned_data["programme"].pk,
            reference=form.cleaned_data["reference"],
            title=form.cleaned_data["title"],
            published_on=form.cleaned_data["published_on"],
        )
        messages.success(request, f"Inspection {inspection.reference} created: now upload its findings")
        return redirect(f"{reverse('imports:upload')}?inspection={inspection.pk}")
    return render(
        request,
        "imports/inspection_new.html",
        {"form": form, "crumbs": _crumbs(("Add an inspection", None))},
    )


@login_not_required
@require_GET
def open_data_csv(request: HttpRequest) -> HttpResponse:
    """The old address of the open-data file: the public register's open data replaced it."""
    return redirect("register:register_download", fmt="csv", permanent=True)
