"""The public register: pages anyone may read without signing in. Every read goes through
register.selectors (what the inspectorate has published, nothing else); every view is wrapped in
register.http.public_page (cache, validators, rate limit, no cookies)."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from core.dates import london_today
from core.spreadsheets import csv_stream
from inspections import rules
from inspections.filters import selected_filters
from inspections.models import Finding, Theme, TrackedItem
from inspections.selectors import findings_similar, recurrence_summary
from register import selectors
from register.filters import RegisterFilter
from register.http import public_page
from register.slugs import reference_slug
from reporting.chart import rates_svg
from reporting.selectors import RATE_GROUPS

PER_PAGE = 25
DOWNLOAD_FORMATS = ("csv", "json")
FORCE_ITEMS_PER_PAGE = 50


# The search counts its results up to this many when the summary cannot count them (words, an
# inspection, a type or a year chosen): past it, the page says "more than" and pages through the
# first ones, newest first. Counting every match of a common word at a million items would cost more
# than the rest of the page.
SEARCH_COUNT_MAX = 1000


class CountedPaginator(Paginator):
    """A paginator told its count (from the summary), or counting at most `cap` + 1 rows: past
    the cap its count is the cap and `capped` is set."""

    def __init__(self, *args, count: int | None = None, cap: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.known_count, self.cap, self.capped = count, cap, False

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        if self.cap is None:
            return super().count
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


def _page(request: HttpRequest, queryset, per_page: int, *, count: int | None = None, cap: int | None = None):
    paginator = CountedPaginator(queryset, per_page, count=count, cap=cap)
    return paginator.get_page(request.GET.get("page"))


def _items_page(
    request: HttpRequest,
    items,
    *,
    order: tuple[str, ...],
    per_page: int,
    today,
    with_force=False,
    count: int | None = None,
    cap: int | None = None,
):
    """A page of published items: the page's ids sorted alone (narrow rows), then its items read
    whole. Sorting every matching item with its finding's text and its inspection spilled to disk
    at a million items. `count`, when known (from the summary), is not counted again; `cap` bounds
    the counting otherwise."""
    page = _page(request, items.order_by(*order).values_list("pk", flat=True), per_page, count=count, cap=cap)
    page.object_list = selectors.public_items_by_id(ids=list(page.object_list), today=today, with_force=with_force)
    return page


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _item_rows(items, *, today) -> list[dict]:
    return [
        {
            "item": item,
            "status": rules.public_status(item.status),
            "status_label": rules.public_status_label(item.status),
            "days_overdue": item.days_overdue(today),
            "url": item_url(item),
        }
        for item in items
    ]


def item_url(item: TrackedItem) -> str:
    return reverse(
        "register:item_detail",
        kwargs={
            "slug": item.finding.inspection.slug,
            "finding": reference_slug(item.finding.reference),
            "force": item.force.slug,
        },
    )


def finding_url(finding: Finding) -> str:
    return reverse(
        "register:finding_detail",
        kwargs={"slug": finding.inspection.slug, "finding": reference_slug(finding.reference)},
    )


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    today = london_today()
    counts = selectors.published_counts(today=today)
    return render(
        request,
        "register/home.html",
        {"counts": counts, "themes": selectors.public_themes(), "today": today, "filter": RegisterFilter()},
    )


@require_safe
@public_page
def search(request: HttpRequest) -> HttpResponse:
    today = london_today()
    filterset = RegisterFilter(request.GET or None, queryset=selectors.public_items(today=today))
    page = _items_page(
        request,
        filterset.qs,
        order=("-id",),
        per_page=PER_PAGE,
        today=today,
        with_force=True,
        count=filterset.summary_count(),
        cap=SEARCH_COUNT_MAX,
    )
    feed = None
    if filterset.form.is_valid():
        if filterset.form.cleaned_data.get("theme"):
            feed = reverse("register:theme_feed", kwargs={"slug": filterset.form.cleaned_data["theme"].slug})
        elif filterset.form.cleaned_data.get("force"):
            feed = reverse("register:force_feed", kwargs={"slug": filterset.form.cleaned_data["force"].slug})
    return render(
        request,
        "register/search.html",
        {
            "filter": filterset,
            "selected": selected_filters(filterset, request.GET),
            "page": page,
            "rows": _item_rows(page.object_list, today=today),
            "query": _query_without_page(request),
            "feed": feed,
            "today": today,
        },
    )


@require_safe
@public_page
def force_list(request: HttpRequest) -> HttpResponse:
    today = london_today()
    return render(request, "register/force_list.html", {"rows": selectors.forces_with_public_counts(today=today)})


@require_safe
@public_page
def force_detail(request: HttpRequest, slug: str) -> HttpResponse:
    today = london_today()
    force = get_object_or_404(selectors.public_forces(), slug=slug)
    items = selectors.public_items(today=today).filter(force=force)
    counts = selectors.published_counts(today=today, force=force)
    page = _items_page(
        request,
        items,
        order=("-finding__inspection__published_on", "finding__position", "id"),
        per_page=FORCE_ITEMS_PER_PAGE,
        today=today,
        count=counts["total"],  # the force's published items, from the summary: not counted again
    )
    for item in page.object_list:
        item.force = force
    return render(
        request,
        "register/force_detail.html",
        {
            "crumbs": [
                ("Register", reverse("register:home")),
                ("Forces and bodies", reverse("register:force_list")),
                (force.name, None),
            ],
            "force": force,
            "counts": counts,
            "inspections": selectors.force_inspections(force=force, today=today),
            "page": page,
            "rows": _item_rows(page.object_list, today=today),
            "today": today,
        },
    )


@require_safe
@public_page
def inspection_list(request: HttpRequest) -> HttpResponse:
    today = london_today()
    inspections = (
        selectors.public_inspections(today=today).select_related("programme").order_by("-published_on", "title")
    )
    page = _page(request, inspections, PER_PAGE)
    return render(request, "register/inspection_list.html", {"page": page})


def _inspection(slug: str, today):
    return get_object_or_404(selectors.public_inspections(today=today).select_related("programme"), slug=slug)


@require_safe
@public_page
def inspection_detail(request: HttpRequest, slug: str) -> HttpResponse:
    today = london_today()
    inspection = _inspection(slug, today)
    findings = list(inspection.findings.prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name"))))
    rollups = selectors.finding_rollups(findings=findings, today=today)
    rows = [{"finding": f, "url": finding_url(f), "rollup": rollups.get(f.pk, {})} for f in findings]
    counts = selectors.status_counts(
        items=selectors.public_items(today=today).filter(finding__inspection=inspection), today=today
    )
    return render(
        request,
        "register/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "counts": counts,
            "today": today,
            "crumbs": [
                ("Register", reverse("register:home")),
                ("Inspections", reverse("register:inspection_list")),
                (inspection.reference, None),
            ],
        },
    )


def _finding(inspection, finding_slug: str) -> Finding:
    for finding in inspection.findings.all():
        if reference_slug(finding.reference) == finding_slug:
            return finding
    raise Http404("No such finding")


@require_safe
@public_page
def finding_detail(request: HttpRequest, slug: str, finding: str) -> HttpResponse:
    today = london_today()
    inspection = _inspection(slug, today)
    found = _finding(inspection, finding)
    found.inspection = inspection
    items = list(found.items.select_related("force").order_by("force__name"))
    for item in items:
        item.finding = found
    counts = selectors.status_counts(items=found.items.all(), today=today)
    earlier = selectors.public_findings(today=today).filter(inspection__published_on__lte=inspection.published_on)
    similar = findings_similar(text=found.text, findings=earlier, exclude_id=found.pk)
    return render(
        request,
        "register/finding_detail.html",
        {
            "inspection": inspection,
            "finding": found,
            "themes": found.themes.order_by("name"),
            "rows": _item_rows(items, today=today),
            "counts": counts,
            "similar": [{"entry": entry, "url": finding_url(entry.finding)} for entry in similar],
            "recurrence": recurrence_summary(similar=similar, items=selectors.public_items(today=today)),
            "today": today,
            "crumbs": [
                ("Register", reverse("register:home")),
                (inspection.reference, reverse("register:inspection_detail", kwargs={"slug": inspection.slug})),
                (found.reference, None),
            ],
        },
    )


@require_safe
@public_page
def item_detail(request: HttpRequest, slug: str, finding: str, force: str) -> HttpResponse:
    today = london_today()
    inspection = _inspection(slug, today)
    found = _finding(inspection, finding)
    item = get_object_or_404(
        selectors.public_items(today=today).select_related("force", "finding__inspection__programme"),
        finding=found,
        force__slug=force,
    )
    trail = selectors.item_trail(item=item)
    return render(
        request,
        "register/item_detail.html",
        {
            "item": item,
            "finding": item.finding,
            "inspection": item.finding.inspection,
            "themes": item.finding.themes.order_by("name"),
            "status": rules.public_status(item.status),
            "status_label": rules.public_status_label(item.status),
            "days_overdue": item.days_overdue(today),
            "days_overdue_original": item.days_overdue(today, against_original=True),
            "trail": list(reversed(trail)),
            "finding_url": finding_url(item.finding),
            "today": today,
            "crumbs": [
                ("Register", reverse("register:home")),
                (item.finding.inspection.reference, reverse("register:inspection_detail", kwargs={"slug": slug})),
                (item.finding.reference, finding_url(item.finding)),
                (item.force.name, None),
            ],
        },
    )


@require_safe
@public_page
def theme_list(request: HttpRequest) -> HttpResponse:
    today = london_today()
    counts = {row["slug"]: row for row in selectors.published_by_theme(today=today)}
    rows = [
        {"theme": theme, **counts.get(theme.slug, {"open": 0, "overdue": 0})} for theme in selectors.public_themes()
    ]
    return render(request, "register/theme_list.html", {"rows": rows})


@require_safe
@public_page
def implementation(request: HttpRequest) -> HttpResponse:
    today = london_today()
    by = request.GET.get("by", "year")
    if by not in RATE_GROUPS:
        by = "year"
    rows = selectors.published_rates(by=by, today=today)
    chart = None
    if by == "year" and rows:
        chart = rates_svg(
            rows,
            title="Share of recommendations complete within one, two and four years, by year published",
            desc="Bars for each year of publication; the same numbers are in the table.",
        )
    return render(
        request,
        "register/implementation.html",
        {
            "rows": rows,
            "by": by,
            "by_label": RATE_GROUPS[by][0],
            "groups": [(key, label) for key, (label, _f, _n) in RATE_GROUPS.items()],
            "chart": chart,
            "windows": list(rules.IMPLEMENTATION_WINDOWS),
            "window_days": rules.IMPLEMENTATION_WINDOWS,
            "today": today,
        },
    )


@require_safe
@public_page
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "register/open_data.html",
        {
            "register_columns": selectors.REGISTER_COLUMNS,
            "trail_columns": selectors.TRAIL_COLUMNS,
            "licence_url": selectors.LICENCE_URL,
        },
    )


def _base_url(request: HttpRequest) -> str:
    return settings.SITE_URL.rstrip("/")


def _download(rows, columns, *, fmt: str, filename: str, today) -> StreamingHttpResponse:
    names = [name for name, _meaning in columns]
    if fmt == "csv":
        # The service's one CSV writer: cells cleaned for the format, then neutralised.
        rows_in_order = ([row[name] for name in names] for row in rows)
        response = StreamingHttpResponse(csv_stream(names, rows_in_order), content_type="text/csv; charset=utf-8")
    else:

        def pieces():
            meta = {
                "licence": selectors.LICENCE,
                "generated_on": today.isoformat(),
                "columns": [{"name": name, "meaning": meaning} for name, meaning in columns],
            }
            yield json.dumps(meta)[:-1] + ', "rows": ['
            first = True
            for row in rows:
                yield ("" if first else ",") + json.dumps(row)
                first = False
            yield "]}"

        response = StreamingHttpResponse(pieces(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Link"] = f'<{selectors.LICENCE_URL}>; rel="license"'
    return response


def _download_items(request: HttpRequest, *, today):
    """The published items a download holds: all of them, or those the search's filters choose
    (the same names and values as the search page's address). A filter that is not valid gets a
    400 response naming it, returned in place of the items."""
    items = selectors.public_items(today=today)
    if not request.GET:
        return items
    filterset = RegisterFilter(request.GET, queryset=items)
    if filterset.form.is_valid():
        return filterset.qs
    problems = "; ".join(
        f"{getattr(filterset.form.fields.get(name), 'label', None) or name}: {' '.join(errors)}"
        for name, errors in filterset.form.errors.items()
    )
    return HttpResponseBadRequest(
        f"The download's filters are not valid ({problems}). Use the search page to choose them.",
        content_type="text/plain; charset=utf-8",
    )


@require_safe
@public_page(store=False)
def register_download(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404("The register is published as .csv and .json")
    today = london_today()
    items = _download_items(request, today=today)
    if isinstance(items, HttpResponse):
        return items
    rows = selectors.register_rows(items=items, today=today, base_url=_base_url(request))
    return _download(rows, selectors.REGISTER_COLUMNS, fmt=fmt, filename="recommendations-register", today=today)


@require_safe
@public_page(store=False)
def trail_download(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404("The trail is published as .csv and .json")
    today = london_today()
    items = _download_items(request, today=today)
    if isinstance(items, HttpResponse):
        return items
    rows = selectors.trail_rows(items=items, base_url=_base_url(request))
    return _download(rows, selectors.TRAIL_COLUMNS, fmt=fmt, filename="recommendations-trail", today=today)


@require_safe
@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = _base_url(request) + reverse("register:sitemap")
    lines = [
        "# The public register may be crawled; the signed-in service may not.",
        "User-agent: *",
        "Allow: /register/",
        "Disallow: /register/search/",
        "Disallow: /",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def search_url(**params) -> str:
    return f"{reverse('register:search')}?{urlencode(params)}"
