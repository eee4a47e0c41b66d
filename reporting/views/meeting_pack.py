"""The managers' meeting pack: the report a monitoring meeting takes away, under the overdue
review's addresses (config/urls.py joins its route to oversight.urls; the queue and one item's
review are oversight/views_queue.py). Its first page's figures are summed from the maintained
summary (reporting.summary.pack_figures) when the filters allow."""

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import require_staff_or_manager
from audit.models import ExportKind
from audit.services import export_record_for_request
from core.dates import london_today
from forces.selectors import force_ids_for
from inspections.filters import selected_filters
from inspections.selectors import items_visible_to
from oversight import exports
from oversight.filters import QueueFilter
from oversight.selectors import (
    PACK_CHANGES_DEFAULT_DAYS,
    escalations_recent,
    governing_bodies,
    meeting_pack_items,
    pack_changes,
    previous_pack,
)
from reporting.summary import pack_summary

# The pack's detail is paged so that no page outgrows what a browser and a printer handle well
# (an item's card is a few kilobytes: a page stays well under 1 MB); the summary is on the first.
PACK_DETAIL_PER_PAGE = 100


@require_GET
def meeting_pack(request: HttpRequest) -> HttpResponse:
    require_staff_or_manager(request.user)
    today = london_today()
    filters = QueueFilter(request.GET, queryset=items_visible_to(user=request.user))
    items = meeting_pack_items(items=filters.qs, today=today)
    scope = _scope_label(filters)
    number = _whole_number(request.GET.get("page")) or 1
    want_xlsx = request.GET.get("format") == "xlsx"
    # The first page (and the Excel file): counted over the same filtered items as the detail, by
    # the dashboard's rules. Later pages are the detail alone.
    # From the maintained summary when every filter chosen is one it is kept by (and the user sees
    # every force, as the summary's cells count them).
    cells = filters.summary_scope() if force_ids_for(user=request.user) is None else None
    summary = pack_summary(items=filters.qs, today=today, cells=cells) if want_xlsx or number == 1 else None
    escalations = []
    changes = None
    if summary is not None:
        # The pack's scope: only the escalations of the items it covers.
        escalations = list(escalations_recent(user=request.user).filter(item__in=filters.qs)[:20])
        changes = _changes_since_last_pack(request, items=filters.qs, today=today)
    if want_xlsx:
        response, row_count = exports.meeting_pack_xlsx(
            items=items,
            today=today,
            scope=scope,
            filters=[(tag["label"], tag["value"]) for tag in selected_filters(filters, request.GET)],
            summary=summary,
            changes=changes,
            escalations=escalations,
            user=request.user,
            produced_at=timezone.localtime(),
        )
        export_record_for_request(request=request, kind=ExportKind.MEETING_PACK_XLSX, row_count=row_count)
        return response
    paginator = Paginator(items, PACK_DETAIL_PER_PAGE)
    if summary is not None:
        paginator.count = summary["totals"]["pack"]  # already counted: no second count
    page = paginator.get_page(number)
    rows = list(page.object_list.prefetch_related("overdue_reviews__reviewer"))
    bodies = governing_bodies(items=rows, today=today)
    for item in rows:
        item.governing_body = bodies.get(item.force_id)
    # The pack is made to be printed and taken to a meeting: the page is an export too.
    export_record_for_request(request=request, kind=ExportKind.MEETING_PACK, row_count=len(rows))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filters,
        "selected": selected_filters(filters, request.GET),
        "items": rows,
        "page": page,
        "query": query.urlencode(),
        "today": today,
        "summary": summary,
        "overdue_count": summary["totals"]["overdue"] if summary else None,
        "stale_count": summary["totals"]["stale"] if summary else None,
        "changes": changes,
        "escalations": escalations,
        "scope": scope,
    }
    return render(request, "oversight/meeting_pack.html", context)


def _whole_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _changes_since_last_pack(request: HttpRequest, *, items, today) -> dict:
    """What happened to the pack's items since the last pack for the same filters produced before
    today (a pack opened twice on the day of a meeting still compares with the meeting before),
    or over the last PACK_CHANGES_DEFAULT_DAYS days when there was none."""
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    previous = previous_pack(query=request.GET, before=start_of_today)
    since = previous.created_at if previous else start_of_today - dt.timedelta(days=PACK_CHANGES_DEFAULT_DAYS)
    return {"previous": previous, "since": since, "rows": pack_changes(items=items, since=since)}


def _scope_label(filters: QueueFilter) -> str:
    data = filters.form.cleaned_data if filters.form.is_valid() else {}
    if data.get("force"):
        return data["force"].name
    if data.get("region"):
        return data["region"]
    return "England and Wales"
