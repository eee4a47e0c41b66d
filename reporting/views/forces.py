"""The forces list and a force's page (counts come from grouped queries, never one per row), and the
Word documents for the bodies that govern forces: a force's committee paper, and the draft of a
local policing body's comments on one police report."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from audit.models import ExportKind
from audit.services import export_record_for_request
from core.dates import london_today
from core.selectors import get_visible_or_404
from core.tables import paginate
from forces.selectors import forces_visible_to, governance_history, governing_body_on
from inspections import rules, selectors
from inspections.filters import selected_filters
from inspections.models import TrackedItem
from inspections.tables import FindingItemTable
from oversight.selectors import escalations_recent
from oversight.tables import EscalationTable
from reporting.filters import ForceFilter
from reporting.papers import DOCX_CONTENT_TYPE
from reporting.selectors import committee_paper_size, paper_jobs_of
from reporting.services import (
    comments_draft_write,
    committee_paper_filename,
    committee_paper_write,
    paper_job_request,
    paper_progress_get,
)
from reporting.summary import force_counts, forces_with_counts
from reporting.tables import ForceTable

PER_PAGE = 25
FORCES_PER_PAGE = 100
INSPECTIONS_SHOWN = 50


@require_safe
def force_list(request: HttpRequest) -> HttpResponse:
    today = london_today()
    forces = forces_with_counts(user=request.user, today=today)
    filterset = ForceFilter(request.GET or None, queryset=forces, user=request.user)
    table = ForceTable(filterset.qs, order_by=request.GET.get("sort") or "name")
    paginate(request, table, per_page=FORCES_PER_PAGE)
    return render(
        request,
        "forces/force_list.html",
        {
            "filter": filterset,
            "table": table,
            "count": table.paginator.count,
            "selected": selected_filters(filterset, request.GET),
        },
    )


@require_safe
def force_detail(request: HttpRequest, slug: str) -> HttpResponse:
    force = get_visible_or_404(forces_visible_to(user=request.user).select_related("successor"), slug=slug)
    today = london_today()
    items = selectors.items_visible_to(user=request.user).filter(force=force)
    counts = force_counts(user=request.user, force=force, today=today)
    table = FindingItemTable(
        items.filter(status__in=TrackedItem.OPEN_STATUSES).select_related("finding__inspection", "force", "finding"),
        today=today,
        order_by=request.GET.get("sort") or "target",
        label="Open recommendations",
    )
    paginate(request, table, per_page=PER_PAGE)
    inspections = (
        selectors.inspections_visible_to(user=request.user)
        # The inspections naming the force, and those with an item for it: the items are looked
        # up by force (item_force_status_idx), not joined to every inspection's findings.
        .filter(Q(forces=force) | Q(pk__in=items.values("finding__inspection_id")))
        .select_related("programme")
        .distinct()
        .order_by("-published_on", "title")
    )
    # At national scale a police force has been inspected thousands of times: the latest are shown.
    inspections = list(inspections[: INSPECTIONS_SHOWN + 1])
    more_inspections = len(inspections) > INSPECTIONS_SHOWN
    inspections = inspections[:INSPECTIONS_SHOWN]
    comments_apply = rules.comments_apply(kind=force.kind)
    for inspection in inspections:
        # A draft of the local policing body's comments, from the report's publication day.
        inspection.comments_draft = comments_apply and rules.out_of_embargo(inspection.published_on, today=today)
    liaison_officers = force.liaison_memberships.select_related("user").order_by("user__last_name", "user__first_name")
    escalations = (
        None
        if request.user.is_liaison
        else EscalationTable(list(escalations_recent(user=request.user, force_id=force.id)[:10]), orderable=False)
    )
    return render(
        request,
        "forces/force_detail.html",
        {
            "force": force,
            "counts": counts,
            "table": table,
            "inspections": inspections,
            "more_inspections": more_inspections,
            "liaison_officers": liaison_officers,
            "governing_body": governing_body_on(force=force, day=today),
            "governance": list(governance_history(force=force)),
            "escalations": escalations,
            "comments_apply": comments_apply,
            "today": today,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def force_committee_paper(request: HttpRequest, slug: str) -> HttpResponse:
    """The committee paper for one force, as a Word file: whoever may read the force's page may
    produce it (staff, managers, the force's own liaison officers); anyone else is not found. Up
    to COMMITTEE_PAPER_INLINE_MAX_ITEMS items it is written in the request; a larger one is asked
    of the worker (POST), with a progress page and the download when it is written."""
    force = get_visible_or_404(forces_visible_to(user=request.user), slug=slug)
    today = london_today()
    count = committee_paper_size(user=request.user, force=force, today=today)
    if request.method == "POST":
        job = paper_job_request(user=request.user, force=force, item_count=count)
        return redirect("forces:committee_paper_job", slug=force.slug, pk=job.pk)
    if count <= settings.COMMITTEE_PAPER_INLINE_MAX_ITEMS:
        content, written = committee_paper_write(user=request.user, force=force, today=today)
        return _docx_download(
            request,
            content=content,
            kind=ExportKind.COMMITTEE_PAPER,
            row_count=written,
            filename=committee_paper_filename(force=force, day=today),
        )
    return render(
        request,
        "forces/committee_paper.html",
        {
            "force": force,
            "count": count,
            "governing_body": governing_body_on(force=force, day=today),
            "jobs": list(paper_jobs_of(user=request.user, force=force)[:5]),
            "keep_days": settings.PAPER_JOB_KEEP_DAYS,
        },
    )


@require_safe
def committee_paper_job(request: HttpRequest, slug: str, pk) -> HttpResponse:
    """A paper the worker is writing or has written: its progress, then its download. Only the
    one who asked sees it."""
    force = get_visible_or_404(forces_visible_to(user=request.user), slug=slug)
    job = get_visible_or_404(paper_jobs_of(user=request.user, force=force), pk=pk)
    done = paper_progress_get(job=job)
    return render(
        request,
        "forces/committee_paper_job.html",
        {
            "force": force,
            "job": job,
            "done": done,
            "percent": int(100 * done / job.item_count) if job.item_count else 100,
            "keep_until": job.created_at + dt.timedelta(days=settings.PAPER_JOB_KEEP_DAYS),
        },
    )


@require_safe
def committee_paper_job_download(request: HttpRequest, slug: str, pk) -> HttpResponse:
    force = get_visible_or_404(forces_visible_to(user=request.user), slug=slug)
    job = get_visible_or_404(paper_jobs_of(user=request.user, force=force).defer(None), pk=pk)
    if job.state != job.State.READY:
        return redirect("forces:committee_paper_job", slug=force.slug, pk=job.pk)
    return _docx_download(
        request,
        content=bytes(job.content),
        kind=ExportKind.COMMITTEE_PAPER,
        row_count=job.written,
        filename=committee_paper_filename(force=force, day=timezone.localtime(job.created_at).date()),
    )


@require_safe
def comments_draft(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """A draft of the local policing body's comments on one police report about one force it
    addresses, as a Word file: whoever may read the report and the force (staff, managers, the
    force's own liaison officers) may produce it; anyone else, any other organisation, and a fire
    and rescue service (whose authority publishes an action plan instead) is not found."""
    inspection = get_visible_or_404(selectors.inspections_visible_to(user=request.user), pk=pk)
    addressed = selectors.forces_addressed_by(inspection=inspection).values("pk")
    force = get_visible_or_404(forces_visible_to(user=request.user).filter(pk__in=addressed), slug=slug)
    if not rules.comments_apply(kind=force.kind):
        raise Http404("Only a police force's local policing body comments on a report")
    today = london_today()
    content, written = comments_draft_write(user=request.user, inspection=inspection, force=force, today=today)
    return _docx_download(
        request,
        content=content,
        kind=ExportKind.COMMENTS_DRAFT,
        row_count=written,
        filename=f"comments-draft-{inspection.slug}-{force.slug}-{today:%Y-%m-%d}.docx",
    )


def _docx_download(request: HttpRequest, *, content: bytes, kind: str, row_count: int, filename: str) -> HttpResponse:
    """A Word file as a download, recorded in the record of exports."""
    export_record_for_request(request=request, kind=kind, row_count=row_count)
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
