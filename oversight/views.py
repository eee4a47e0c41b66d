"""The managers' overdue review: the queue (with bulk review), one item's review, the meeting pack."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import require_staff_or_manager
from audit.models import ExportKind
from audit.services import export_record_for_request
from core.dates import london_today
from core.selectors import get_visible_or_404
from core.tables import paginate
from forces.selectors import forces_visible_to, governance_on
from inspections.filters import selected_filters
from inspections.selectors import items_visible_to
from oversight import exports
from oversight.filters import QueueFilter
from oversight.forms import OverdueReviewForm
from oversight.selectors import (
    escalation_target,
    escalations_recent,
    governing_bodies,
    meeting_pack_items,
    meeting_pack_summary,
    queue_origin_counts,
    review_queue,
)
from oversight.services import ReviewError, overdue_reviews_record
from oversight.tables import QueueTable

QUEUE_PER_PAGE = 25


def _record(request: HttpRequest, form: OverdueReviewForm, *, items: list, today) -> list | None:
    """Record the form's decision for the items; a refusal becomes the form's error (None)."""
    try:
        return overdue_reviews_record(
            items=items,
            reviewer=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            next_review_on=form.cleaned_data["next_review_on"],
            today=today,
        )
    except ReviewError as error:
        form.add_error(None, str(error))
        return None


@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    require_staff_or_manager(request.user)
    today = london_today()
    filters = QueueFilter(request.GET, queryset=review_queue(user=request.user, today=today))
    form = OverdueReviewForm(request.POST or None, governor="each item's governing body (named in the table)")
    selected: set[int] = set()
    if request.method == "POST":
        # isdecimal, not isdigit: "¹" is a digit that int() refuses; 18 digits always fit in 64 bits.
        selected = {int(pk) for pk in request.POST.getlist("items") if pk.isdecimal() and len(pk) <= 18}
        if form.is_valid():
            items = list(items_visible_to(user=request.user).filter(pk__in=selected))
            reviews = _record(request, form, items=items, today=today)
            if reviews is not None:
                count = len(reviews)
                messages.success(request, f"Review recorded for {count} item{'s' if count != 1 else ''}")
                return redirect(request.get_full_path())
    bodies = {
        force_id: period.body
        for force_id, period in governance_on(
            force_ids=forces_visible_to(user=request.user).values_list("id", flat=True), day=today
        ).items()
    }
    table = QueueTable(filters.qs, today=today, bodies=bodies)
    paginate(request, table, per_page=QUEUE_PER_PAGE)
    origins = queue_origin_counts(items=filters.qs, today=today)
    return render(
        request,
        "oversight/queue.html",
        {
            "filter": filters,
            "table": table,
            "form": form,
            "selected": selected,
            "today": today,
            "interval": settings.OVERDUE_REVIEW_INTERVAL_DAYS,
            "origins": origins,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(items_visible_to(user=request.user).select_related("finding__inspection", "force"), pk=pk)
    require_staff_or_manager(request.user)
    today = london_today()
    form = OverdueReviewForm(request.POST or None, governor=escalation_target(items=[item], today=today))
    if request.method == "POST" and form.is_valid() and _record(request, form, items=[item], today=today):
        messages.success(request, "Review recorded")
        return redirect("oversight:queue")
    return render(
        request,
        "oversight/item_review.html",
        {
            "item": item,
            "form": form,
            "today": today,
            "reviews": item.overdue_reviews.select_related("reviewer")[:10],
            "crumbs": [
                ("Overdue items to review", reverse("oversight:queue")),
                (f"{item.finding.reference}, {item.force.name}", ""),
            ],
        },
        status=400 if form.errors else 200,
    )


@require_GET
def meeting_pack(request: HttpRequest) -> HttpResponse:
    require_staff_or_manager(request.user)
    today = london_today()
    filters = QueueFilter(request.GET, queryset=items_visible_to(user=request.user))
    items = meeting_pack_items(items=filters.qs, today=today)
    scope = _scope_label(filters)
    # The first page: counted over the same filtered items as the detail, by the dashboard's rules.
    summary = meeting_pack_summary(items=filters.qs, today=today)
    # The pack's scope: only the escalations of the items it covers.
    escalations = list(escalations_recent(user=request.user).filter(item__in=filters.qs)[:20])
    if request.GET.get("format") == "xlsx":
        response, row_count = exports.meeting_pack_xlsx(
            items=items,
            today=today,
            scope=scope,
            filters=[(tag["label"], tag["value"]) for tag in selected_filters(filters, request.GET)],
            summary=summary,
            escalations=escalations,
            user=request.user,
            produced_at=timezone.localtime(),
        )
        export_record_for_request(request=request, kind=ExportKind.MEETING_PACK_XLSX, row_count=row_count)
        return response
    rows = list(items.prefetch_related("overdue_reviews__reviewer"))
    bodies = governing_bodies(items=rows, today=today)
    for item in rows:
        item.governing_body = bodies.get(item.force_id)
    # The pack is made to be printed and taken to a meeting: the page is an export too.
    export_record_for_request(request=request, kind=ExportKind.MEETING_PACK, row_count=len(rows))
    context = {
        "filter": filters,
        "selected": selected_filters(filters, request.GET),
        "items": rows,
        "today": today,
        "summary": summary,
        "overdue_count": summary["totals"]["overdue"],
        "stale_count": summary["totals"]["stale"],
        "escalations": escalations,
        "scope": scope,
    }
    return render(request, "oversight/meeting_pack.html", context)


def _scope_label(filters: QueueFilter) -> str:
    data = filters.form.cleaned_data if filters.form.is_valid() else {}
    if data.get("force"):
        return data["force"].name
    if data.get("region"):
        return data["region"]
    return "England and Wales"
