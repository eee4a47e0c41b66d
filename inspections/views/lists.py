"""The lists (recommendations, inspections, follow-up reviews) and an inspection's page.

Every list runs over a queryset scoped by `selectors`, filters with django-filter (values in the
URL), sorts and paginates with django-tables2, and issues the same number of queries for 10 rows
as for 500: columns come through select_related, counts through one grouped query."""

from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import user_can_edit
from core.dates import london_today
from core.selectors import get_visible_or_404
from core.tables import paginate
from inspections import rules, selectors
from inspections.filters import InspectionFilter, ItemFilter, ReviewFilter, selected_filters
from inspections.links import link_scope
from inspections.models import ReportReply
from inspections.tables import FindingItemTable, InspectionTable, ItemTable, ReviewTable
from inspections.views.findings import finding_rollup

PER_PAGE = 25
ITEM_COLUMNS = ("finding__inspection", "force")


def filtered_items(request: HttpRequest) -> ItemFilter:
    """The recommendations the user may see, filtered by the query string: the list and both
    exports use this, so a download holds exactly the rows the list shows."""
    items = selectors.items_visible_to(user=request.user).select_related(*ITEM_COLUMNS, "finding")
    return ItemFilter(request.GET or None, queryset=items, user=request.user)


@require_safe
def item_list(request: HttpRequest) -> HttpResponse:
    filterset = filtered_items(request)
    today = london_today()
    table = ItemTable(filterset.qs, today=today, order_by=request.GET.get("sort") or "target", exclude=("response",))
    paginate(request, table, per_page=PER_PAGE)
    return render(
        request,
        "inspections/item_list.html",
        {
            "filter": filterset,
            "table": table,
            "count": table.paginator.count,
            "selected": selected_filters(filterset, request.GET),
            "query": request.GET.urlencode(),
            "today": today,
        },
    )


@require_safe
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspections = selectors.inspections_visible_to(user=request.user).select_related("programme")
    filterset = InspectionFilter(request.GET or None, queryset=inspections, user=request.user)
    today = london_today()
    counts: dict[int, dict] = {}
    table = InspectionTable(filterset.qs, counts=counts, order_by=request.GET.get("sort") or "-published_on")
    paginate(request, table, per_page=PER_PAGE)
    shown = [row.record for row in table.page.object_list]
    # The rows are the reader's own visible inspections: their links need no check each.
    link_scope(request).known_visible(shown)
    # One grouped query for the counts of the inspections on this page, over the items the user may see.
    counts.update(
        (row["finding__inspection_id"], row)
        for row in selectors.items_visible_to(user=request.user)
        .filter(finding__inspection_id__in=[inspection.pk for inspection in shown])
        .order_by()
        .values("finding__inspection_id")
        .annotate(open=Count("id", filter=rules.open_q()), overdue=Count("id", filter=rules.overdue_q(today=today)))
    )
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "filter": filterset,
            "table": table,
            "count": table.paginator.count,
            "selected": selected_filters(filterset, request.GET),
            "can_edit": user_can_edit(request.user),
        },
    )


@require_safe
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(
        selectors.inspections_visible_to(user=request.user).select_related("programme", "follows_up"), pk=pk
    )
    today = london_today()
    items = selectors.items_visible_to(user=request.user).filter(finding__inspection=inspection)
    findings = list(
        selectors.findings_visible_to(user=request.user)
        .filter(inspection=inspection)
        .select_related("cause_of_concern")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=items.select_related("force", "finding__inspection", "finding").order_by("force__name"),
                to_attr="visible_items",
            )
        )
        .order_by("position", "reference")
    )
    all_items = [item for finding in findings for item in finding.visible_items]
    concerns = selectors.concern_states(items=all_items)
    for finding in findings:
        visible = finding.visible_items
        finding.rollup = finding_rollup(items=visible, today=today)
        finding.table = FindingItemTable(
            visible,
            today=today,
            orderable=False,
            exclude=("text", "inspection"),
            label=f"Forces tracking {finding.reference}",
        )
        finding.concerns = [(item, concerns[item.pk]) for item in visible if item.pk in concerns]
    reviews = selectors.reviews_visible_to(user=request.user).filter(inspection=inspection).select_related("reviewer")
    replies = selectors.inspection_replies(inspection=inspection, user=request.user)
    staff = request.user.is_inspectorate_staff
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "forces": inspection.forces.order_by("name"),
            "findings": findings,
            "reviews": reviews,
            "replies": replies,
            "has_fire": any(row.kind == ReportReply.Kind.ACTION_PLAN for row in replies),
            "out_of_embargo": rules.out_of_embargo(inspection.published_on, today=today),
            "undated_count": selectors.undated_open_items(inspection=inspection).count() if staff else 0,
            "may_review": staff and inspection.is_published,
            "staff": staff,
            "today": today,
            "can_edit": user_can_edit(request.user),
            # Who changed what, for those who see everything (the history names staff).
            "history": selectors.inspection_history(inspection=inspection) if request.user.sees_everything else [],
        },
    )


@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    # A liaison officer counts only the judgements on their own forces' items.
    force_ids = selectors.force_ids_for(user=request.user)
    judged = Q(judgements__isnull=False) if force_ids is None else Q(judgements__item__force_id__in=force_ids)
    reviews = (
        selectors.reviews_visible_to(user=request.user)
        .select_related("inspection", "reviewer")
        .annotate(judged=Count("judgements", filter=judged))
    )
    filterset = ReviewFilter(request.GET or None, queryset=reviews, user=request.user)
    table = ReviewTable(filterset.qs, order_by=request.GET.get("sort") or "-review_date")
    paginate(request, table, per_page=PER_PAGE)
    return render(
        request,
        "inspections/review_list.html",
        {
            "filter": filterset,
            "table": table,
            "count": table.paginator.count,
            "selected": selected_filters(filterset, request.GET),
        },
    )
