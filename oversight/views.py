"""The managers' overdue review: the meeting pack (the queue and one item's review: views_queue.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import require_staff_or_manager
from audit.models import ExportKind
from audit.services import export_record_for_request
from core.dates import london_today
from inspections.filters import selected_filters
from inspections.selectors import items_visible_to
from oversight import exports
from oversight.filters import QueueFilter
from oversight.selectors import (
    escalations_recent,
    governing_bodies,
    meeting_pack_items,
    meeting_pack_summary,
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
