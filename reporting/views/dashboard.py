"""The home page after sign-in: the national picture for staff and managers, a liaison officer's
own forces for them. A handful of grouped aggregate queries, whatever the size of the data."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.cache import CACHE_SECONDS, cached, content_key
from core.dates import london_today
from core.tables import paginate
from inspections import selectors
from inspections.filters import DashboardFilter, selected_filters, summary_filters
from inspections.rules import HEADLINES, OVERDUE_ORIGINS, quarter_start
from oversight.selectors import escalations_recent
from oversight.tables import EscalationTable
from reporting import summary
from reporting.chart import rates_svg, trend_svg
from reporting.columns import AGEING_BANDS
from reporting.selectors import ageing_target_range, liaison_needs_now
from reporting.tables import ByForceTable, NeedsNowTable

FILTER_KEYS = ("region", "kind", "programme", "theme")
NEEDS_NOW_LIMIT = 20
BY_FORCE_PER_PAGE = 15


def _list_url(base: dict, **params) -> str:
    return f"{reverse('inspections:item_list')}?{urlencode({**base, **params})}"


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = london_today()
    scoped = selectors.items_visible_to(user=user)
    filterset = DashboardFilter(request.GET or None, queryset=scoped, user=user)
    items = filterset.qs
    # The list links carry the dashboard's filters, so each opens exactly the items counted.
    base = {key: request.GET[key] for key in FILTER_KEYS if request.GET.get(key) and filterset.form.is_valid()}

    # The figures scan every item in scope: computed at most once a minute for one scope, filter
    # and day, and afresh after any write that changes them (core/cache.py).
    # Those who see everything share one national entry; anyone else's scope (a liaison officer's
    # forces) is keyed by the user, which costs no query.
    national = selectors.force_ids_for(user=user) is None if not user.is_liaison else False
    # The filters as given (an invalid one among valid ones still narrows the items counted).
    given = {key: request.GET.getlist(key) for key in FILTER_KEYS if key in request.GET}
    parts = {"scope": "all" if national else f"user:{user.pk}", "filters": given, "today": today}
    figures = cached("dashboard", parts, lambda: _figures(user=user, filterset=filterset, items=items, today=today))
    # The HTML that shows them (tables sorted and paged by the query string) is cached by what it
    # is rendered from: a write that leaves the figures as they were (most progress updates) finds
    # the same HTML still cached.
    fragment_key = content_key("dashboard-html", {**parts, "query": request.GET.urlencode(), "figures": figures})
    numbers = figures["numbers"]
    headlines = [
        {
            "name": name,
            "label": headline.label,
            "explanation": headline.explanation,
            "count": numbers.counts[name],
            "url": _list_url(base, show=name),
            "alert": name in ("overdue", "comments_overdue", "authority_plans_overdue"),
            "warning": name in ("due_soon", "review_overdue"),
        }
        for name, headline in HEADLINES.items()
    ]
    origins = [
        {"name": name, "label": origin.label, "count": numbers.origins.get(name, 0), "url": _list_url(base, show=name)}
        for name, origin in OVERDUE_ORIGINS.items()
    ]
    ageing = []
    for band in AGEING_BANDS:
        earliest, latest = ageing_target_range(band, today=today)
        params = {
            "show": "overdue",
            "target_to_day": latest.day,
            "target_to_month": latest.month,
            "target_to_year": latest.year,
        }
        if earliest is not None:
            params |= {
                "target_from_day": earliest.day,
                "target_from_month": earliest.month,
                "target_from_year": earliest.year,
            }
        ageing.append({"label": band[1], "count": numbers.ageing[band[0]], "url": _list_url(base, **params)})

    by_force = ByForceTable(figures["by_force"], prefix="force-")
    paginate(request, by_force, per_page=BY_FORCE_PER_PAGE)

    trend = figures["trend"]
    last = trend[-1]
    chart = trend_svg(
        trend,
        title="Open, overdue and closed recommendations by month, the last 24 months",
        desc=(
            f"From {trend[0]['month']:%B %Y} to {last['month']:%B %Y}. This month: {last['open']} open, "
            f"{last['overdue']} overdue, {last['closed']} closed. The same numbers are in the table below."
        ),
    )
    context = {
        "filter": filterset,
        "selected": selected_filters(filterset, request.GET),
        "headlines": headlines,
        "origins": origins,
        "overdue_count": numbers.counts["overdue"],
        "ageing": ageing,
        "by_force": by_force,
        "by_programme": [
            {**row, "url": _list_url({**base, "programme": row["slug"]})} for row in figures["by_programme"]
        ],
        "by_theme": [
            {
                **row,
                "url": _list_url({**base, "theme": row["slug"]}),
                "overdue_url": _list_url({**base, "theme": row["slug"], "show": "overdue"}),
            }
            for row in figures["by_theme"]
        ],
        "rates": figures["rates"],
        "rates_chart": rates_svg(
            figures["rates"],
            title="Share of recommendations complete within one, two and four years, by year published",
            desc="Bars for each year of publication; the same numbers are in the table below.",
        )
        if figures["rates"]
        else None,
        "trend": trend,
        "chart": chart,
        "today": today,
        "quarter_start": quarter_start(today),
        "is_liaison": user.is_liaison,
        "fragment_key": fragment_key,
        "fragment_seconds": CACHE_SECONDS,
    }
    if user.is_liaison:
        context |= _liaison_context(user=user, summaries=figures["summaries"], items=scoped, today=today)
    else:
        context |= _oversight_context(
            awaiting_review=figures["awaiting_review"], escalations=figures["escalations"], base=base
        )
    return render(request, "inspections/dashboard.html", context)


def _figures(*, user, filterset, items, today) -> dict:
    """Everything on the dashboard that counts items: summed from the maintained summary
    (reporting/summary.py) for the user's scope and the filters, plain values that can be cached."""
    filterset.errors  # noqa: B018 (validates: an invalid filter is left out, as the list's filterset does)
    chosen = getattr(filterset.form, "cleaned_data", {})
    force_ids = selectors.force_ids_for(user=user)
    figures = summary.dashboard_figures(
        force_ids=force_ids,
        embargo_visible=selectors.sees_embargoed(user=user),
        with_force_summaries=user.is_liaison,
        today=today,
        **summary_filters(chosen),
    )
    return figures | {
        "awaiting_review": None if user.is_liaison else figures["awaiting_review"],
        "escalations": None if user.is_liaison else list(escalations_recent(user=user).filter(item__in=items)[:10]),
    }


def _oversight_context(*, awaiting_review: int, escalations: list, base: dict) -> dict:
    """Managers' overdue review: how many overdue items await a review, and recent escalations."""
    return {
        "awaiting_review": awaiting_review,
        "review_queue_url": f"{reverse('oversight:queue')}{'?' + urlencode(base) if base else ''}",
        "escalations": EscalationTable(escalations, orderable=False),
    }


def _liaison_context(*, user, summaries, items, today) -> dict:
    """What a liaison officer needs now: claims returned to them, and what is overdue or due soon.
    Its HTML is cached by what it is rendered from: every field of each row's item, finding,
    inspection and force, the reader and the day."""
    needs_now = liaison_needs_now(items=items, today=today, limit=NEEDS_NOW_LIMIT)
    table = NeedsNowTable(list(needs_now), today=today, orderable=False)
    return {
        "summaries": summaries,
        "needs_now": table,
        "needs_now_limit": NEEDS_NOW_LIMIT,
        "needs_now_key": content_key("dashboard-needs-now", {"user": user.pk, "today": today, "rows": needs_now}),
    }
