"""The dashboard's numbers: a few grouped aggregate queries over an already scoped queryset, never
one query per force or per month.

Every condition comes from inspections/rules.py, which the lists' filters and the sweep use too,
so a headline's link opens exactly the items it counts."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value, When

from inspections import rules
from inspections.models import (
    OPEN_STATUSES,
    Finding,
    Inspection,
    ItemEvent,
    Judgement,
    ProgressUpdate,
    Theme,
    TrackedItem,
)
from inspections.selectors import items_visible_to
from oversight.selectors import pack_aggregates
from reporting.columns import (
    AGEING_BANDS,
    PUBLIC_ONLY_COLUMNS,
    PUBLIC_STATUS_COLUMNS,
    TREND_MONTHS,
    ageing_column,
    trend_column,
)
from reporting.models import PaperJob


def ageing_target_range(band: tuple, *, today: dt.date) -> tuple[dt.date | None, dt.date]:
    """The current-target dates of items overdue by a band's days: (from, to), inclusive."""
    _key, _label, least, most = band
    latest = today - dt.timedelta(days=least)
    earliest = today - dt.timedelta(days=most) if most is not None else None
    return earliest, latest


def _ageing_q(band: tuple, *, today: dt.date) -> Q:
    earliest, latest = ageing_target_range(band, today=today)
    q = rules.open_q() & Q(current_target_date__lte=latest)
    if earliest is not None:
        q &= Q(current_target_date__gte=earliest)
    return q


@dataclass
class Headlines:
    counts: dict[str, int]
    ageing: dict[str, int]
    # The overdue figure split by where the lateness comes from (rules.OVERDUE_ORIGINS).
    origins: dict[str, int] = field(default_factory=dict)


def headline_aggregates(*, today: dt.date) -> dict:
    """Every headline, overdue origin and ageing band as an aggregate over items, by its column name
    (reporting.columns.COUNT_COLUMNS), with the totals and the earliest open target beside them."""
    aggregates = {name: Count("id", filter=rules.headline_q(name, today=today)) for name in rules.HEADLINES}
    aggregates |= {name: Count("id", filter=rules.headline_q(name, today=today)) for name in rules.OVERDUE_ORIGINS}
    aggregates |= {ageing_column(band): Count("id", filter=_ageing_q(band, today=today)) for band in AGEING_BANDS}
    aggregates |= {
        "total": Count("id"),
        "complete": Count("id", filter=Q(status=TrackedItem.Status.COMPLETE)),
        "awaiting_review": Count("id", filter=rules.awaiting_overdue_review_q(today=today)),
        **{
            column: Count("id", filter=rules.public_status_q(name))
            for name, column in PUBLIC_STATUS_COLUMNS.items()
            if column in PUBLIC_ONLY_COLUMNS
        },
        **pack_aggregates(today=today),
        # The earliest current target of an open item: the oldest overdue target when it is before today.
        "min_open_target": Min("current_target_date", filter=rules.open_q()),
    }
    return aggregates


def headlines_from(row: dict) -> Headlines:
    """The headline figures from a row of headline_aggregates' columns (counted or summed)."""
    return Headlines(
        counts={name: row[name] or 0 for name in rules.HEADLINES},
        ageing={band[0]: row[ageing_column(band)] or 0 for band in AGEING_BANDS},
        origins={name: row[name] or 0 for name in rules.OVERDUE_ORIGINS},
    )


def dashboard_headlines(*, items: QuerySet[TrackedItem], today: dt.date) -> Headlines:
    """Every headline figure and the ageing bands in one aggregate query."""
    return headlines_from(items.order_by().aggregate(**headline_aggregates(today=today)))


def oldest_overdue_days(min_open_target: dt.date | None, *, today: dt.date) -> int | None:
    """Days since the earliest open target, if it has passed (the oldest overdue item's lateness)."""
    if min_open_target is None or min_open_target >= today:
        return None
    return (today - min_open_target).days


def by_force_rows(rows, *, today: dt.date) -> list[dict]:
    """The by-force table from rows with the force's fields and total, open, overdue, complete and
    min_open_target (counted or summed): worst first, forces with nothing open left out."""
    result = []
    for row in rows:
        if not row["open"]:
            continue
        row["percent_complete"] = round(100 * row["complete"] / row["total"]) if row["total"] else 0
        earliest = row.pop("min_open_target")
        row["oldest_overdue_days"] = oldest_overdue_days(earliest, today=today)
        row["oldest_overdue"] = earliest if row["oldest_overdue_days"] is not None else None
        result.append(row)
    result.sort(key=lambda r: (-r["overdue"], -(r["oldest_overdue_days"] or 0), r["name"]))
    return result


FORCE_FIELDS = {
    "name": "force__name",
    "slug": "force__slug",
    "region": "force__region",
    "kind": "force__kind",
    "stage": "force__monitoring_stage",
}


def dashboard_by_force(*, items: QuerySet[TrackedItem], today: dt.date) -> list[dict]:
    """Per force with open items: open, overdue, oldest overdue target, share complete. Worst first."""
    aggregates = headline_aggregates(today=today)
    rows = (
        items.order_by()
        .values("force_id", **{name: F(path) for name, path in FORCE_FIELDS.items()})
        .annotate(**{name: aggregates[name] for name in ("total", "open", "overdue", "complete", "min_open_target")})
    )
    return by_force_rows(rows, today=today)


def dashboard_by_programme(*, items: QuerySet[TrackedItem], today: dt.date) -> list[dict]:
    rows = (
        items.order_by()
        .values(slug=F("finding__inspection__programme__slug"), name=F("finding__inspection__programme__name"))
        .annotate(
            total=Count("id"),
            open=Count("id", filter=rules.open_q()),
            overdue=Count("id", filter=rules.overdue_q(today=today)),
            closed=Count("id", filter=~rules.open_q()),
        )
        .order_by("name")
    )
    return list(rows)


def month_starts(*, today: dt.date, months: int = TREND_MONTHS) -> list[dt.date]:
    """The first days of the last `months` months, oldest first, the current month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _month_end(start: dt.date) -> dt.date:
    following = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def trend_aggregates(*, today: dt.date) -> dict:
    """Open and overdue at each month's end (today for the current month) and closed during the
    month, for the last 24 months, by column name (reporting.columns.trend_column).

    An item counts as open from its inspection's publication until its closing date. "Overdue"
    at a past month's end uses today's current target date: extensions are not replayed, so a
    later extension can make an old month look better than it was."""
    aggregates = {}
    for i, start in enumerate(month_starts(today=today)):
        end = min(_month_end(start), today)
        open_then = Q(finding__inspection__published_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        aggregates[trend_column("open", i)] = Count("id", filter=open_then)
        aggregates[trend_column("overdue", i)] = Count("id", filter=open_then & Q(current_target_date__lt=end))
        aggregates[trend_column("closed", i)] = Count("id", filter=Q(closed_on__gte=start, closed_on__lte=end))
    return aggregates


def trend_from(row: dict, *, today: dt.date) -> list[dict]:
    """The trend's months from a row of trend_aggregates' columns (counted or summed)."""
    return [
        {"month": start, **{kind: row[trend_column(kind, i)] or 0 for kind in ("open", "overdue", "closed")}}
        for i, start in enumerate(month_starts(today=today))
    ]


def dashboard_trend(*, items: QuerySet[TrackedItem], today: dt.date) -> list[dict]:
    """The last 24 months' open, overdue and closed (trend_aggregates), in ONE aggregate query."""
    return trend_from(items.order_by().aggregate(**trend_aggregates(today=today)), today=today)


def liaison_force_summaries(*, items: QuerySet[TrackedItem], today: dt.date) -> list[dict]:
    """ "Cleveland Police: 14 open, 3 overdue, 2 due in the next 30 days", one grouped query."""
    rows = (
        items.order_by()
        .values("force_id", name=F("force__name"), slug=F("force__slug"), stage=F("force__monitoring_stage"))
        .annotate(
            open=Count("id", filter=rules.open_q()),
            overdue=Count("id", filter=rules.overdue_q(today=today)),
            due_soon=Count("id", filter=rules.due_soon_q(today=today)),
        )
        .order_by("name")
    )
    return list(rows)


def liaison_needs_now(*, items: QuerySet[TrackedItem], today: dt.date, limit: int) -> list[TrackedItem]:
    """What needs a liaison officer now: claims the inspectorate returned (back in progress, with a
    "returned" event; first), then what is overdue or due in 30 days, soonest first. Items they
    have submitted for closure wait on the inspectorate, not on them.

    Two queries, each read in target-date order and stopped at `limit`: a force can have
    thousands of overdue items, and one query ordered by "was it returned" first would have to
    check every one of them for a returned event before it could sort."""
    related = ("finding__inspection", "force", "finding")
    returned_ids = ItemEvent.objects.filter(kind=ItemEvent.Kind.RETURNED).values("item_id")
    returned = list(
        items.filter(status=TrackedItem.Status.IN_PROGRESS, pk__in=returned_ids)
        .select_related(*related)
        .order_by("current_target_date", "id")[:limit]
    )
    for item in returned:
        item.was_returned = True
    if len(returned) >= limit:
        return returned
    due = list(
        items.filter(rules.overdue_q(today=today) | rules.due_soon_q(today=today))
        .exclude(status=TrackedItem.Status.SUBMITTED)
        .exclude(pk__in=[item.pk for item in returned])
        .select_related(*related)
        .order_by("current_target_date", "id")[: limit - len(returned)]
    )
    return returned + due


# --- Implementation rates ------------------------------------------------------------------------------
# The cohorts an implementation rate can be read by, and the field each groups on.
RATE_GROUPS = {
    "year": ("Year published", "finding__inspection__published_on__year", None),
    "programme": ("Programme", "finding__inspection__programme__slug", "finding__inspection__programme__name"),
    "force": ("Force or service", "force__slug", "force__name"),
    "theme": ("Theme", "finding__themes__slug", "finding__themes__name"),
}


@dataclass
class RateRow:
    """One cohort's implementation rates. Each `within` entry is (complete, eligible) for a window
    of years; `by_original` and `by_current` are (complete on time, target passed)."""

    key: object
    label: str
    total: int
    still_open: int
    within: dict[int, tuple[int, int]]
    by_original: tuple[int, int]
    by_current: tuple[int, int]

    @staticmethod
    def percent(pair: tuple[int, int]) -> int | None:
        done, eligible = pair
        return round(100 * done / eligible) if eligible else None

    @property
    def open_percent(self) -> int | None:
        return round(100 * self.still_open / self.total) if self.total else None

    def within_percent(self, years: int) -> int | None:
        return self.percent(self.within[years])


def rate_aggregates(*, today: dt.date) -> dict:
    """The implementation rates' counts (reporting.columns.RATE_COLUMNS) as aggregates over items.
    The definitions live in inspections/rules.py (IMPLEMENTATION_WINDOWS and the *_q rules beside it)."""
    aggregates = {
        "total": Count("id"),
        "still_open": Count("id", filter=rules.open_q()),
        "orig_due": Count("id", filter=rules.original_target_passed_q(today=today)),
        "orig_done": Count(
            "id", filter=rules.original_target_passed_q(today=today) & rules.complete_by_original_target_q()
        ),
        "curr_due": Count("id", filter=rules.current_target_passed_q(today=today)),
        "curr_done": Count(
            "id", filter=rules.current_target_passed_q(today=today) & rules.complete_by_current_target_q()
        ),
    }
    for years in rules.IMPLEMENTATION_WINDOWS:
        elapsed = rules.window_elapsed_q(years=years, today=today)
        aggregates[f"eligible_{years}"] = Count("id", filter=elapsed)
        aggregates[f"done_{years}"] = Count("id", filter=elapsed & rules.complete_within_q(years=years))
    return aggregates


def rate_row_from(*, key: object, label: str, row: dict) -> RateRow:
    """One cohort's rates from a row of rate_aggregates' columns (counted or summed)."""
    return RateRow(
        key=key,
        label=label,
        total=row["total"],
        still_open=row["still_open"],
        within={years: (row[f"done_{years}"], row[f"eligible_{years}"]) for years in rules.IMPLEMENTATION_WINDOWS},
        by_original=(row["orig_done"], row["orig_due"]),
        by_current=(row["curr_done"], row["curr_due"]),
    )


def sort_rates(rows: list[RateRow], *, by: str) -> list[RateRow]:
    rows.sort(key=lambda row: (row.key,) if by == "year" else (row.label.casefold(),))
    return rows


def implementation_rates(*, items: QuerySet[TrackedItem], by: str, today: dt.date) -> list[RateRow]:
    """Implementation rates of `items` (already scoped: a user's, or the public register's) for
    each cohort of RATE_GROUPS[by], in ONE grouped aggregate query. An item with several themes
    counts in each of them; an item with none is in no theme's cohort."""
    _label, key_field, name_field = RATE_GROUPS[by]
    fields = {"key": F(key_field)} | ({"name": F(name_field)} if name_field else {})
    rows = (
        items.filter(finding__inspection__published_on__isnull=False, **{f"{key_field}__isnull": False})
        .order_by()
        .values(**fields)
        .annotate(**rate_aggregates(today=today))
    )
    return sort_rates(
        [rate_row_from(key=row["key"], label=str(row.get("name") or row["key"]), row=row) for row in rows], by=by
    )


def dashboard_by_theme(*, items: QuerySet[TrackedItem], today: dt.date, theme: Theme | None = None) -> list[dict]:
    """Open and overdue items per theme (an item counts under each of its finding's themes), one
    grouped query; themes with nothing open are left out. With `theme` (the dashboard's theme
    filter), that theme's row only."""
    # One join to the themes (a second filter() would join again and count items twice).
    themed = items.filter(finding__themes=theme) if theme is not None else items.filter(finding__themes__isnull=False)
    rows = (
        themed.order_by()
        .values(slug=F("finding__themes__slug"), name=F("finding__themes__name"))
        .annotate(
            total=Count("id"),
            open=Count("id", filter=rules.open_q()),
            overdue=Count("id", filter=rules.overdue_q(today=today)),
        )
        .filter(open__gt=0)
        .order_by("name")
    )
    return list(rows)


# --- Committee papers -----------------------------------------------------------------------------
PAPER_CATEGORY_ORDER = Case(
    When(finding__category=Finding.Category.CAUSE_OF_CONCERN, then=Value(0)),
    When(finding__category=Finding.Category.RECOMMENDATION, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def latest_update_annotations() -> dict:
    """Each item's latest progress update (the force's words) and when it was posted, as
    `latest_update_text` and `latest_update_at`: two subqueries, not a query per item."""
    latest_update = ProgressUpdate.objects.filter(item=OuterRef("pk")).order_by("-created_at", "-id")
    return {
        "latest_update_text": Subquery(latest_update.values("narrative")[:1]),
        "latest_update_at": Subquery(latest_update.values("created_at")[:1]),
    }


def committee_paper_scope(*, items: QuerySet[TrackedItem], today: dt.date) -> QuerySet[TrackedItem]:
    """The items a committee paper lists, of the reader's `items`: open, in published reports (a
    paper is tabled in public). Its items, its counts and the choice of the worker all use this."""
    return items.filter(rules.open_q(), rules.published_q(today=today, path="finding__inspection__"))


def committee_paper_items(*, items: QuerySet[TrackedItem], today: dt.date) -> QuerySet[TrackedItem]:
    """One force's open items for its governing body's committee, in a fixed number of queries:
    only published reports (a paper is tabled in public), each item with its rating
    (rules.rag_rating), the force's latest progress update and the inspectorate's latest judgement;
    by report (oldest first), then cause of concern, recommendation, area for improvement."""
    latest_judgement = Judgement.objects.filter(item=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        committee_paper_scope(items=items, today=today)
        .annotate(
            rag=rules.rag_rating(today=today),
            category_rank=PAPER_CATEGORY_ORDER,
            **latest_update_annotations(),
            latest_judgement_progress=Subquery(latest_judgement.values("progress")[:1]),
            latest_judgement_commentary=Subquery(latest_judgement.values("commentary")[:1]),
            latest_judgement_on=Subquery(latest_judgement.values("review__review_date")[:1]),
        )
        .select_related("finding__inspection", "force")
        .order_by(
            "finding__inspection__published_on",
            "finding__inspection__reference",
            "category_rank",
            "finding__reference",
            "id",
        )
    )


def committee_paper_counts(*, items: QuerySet[TrackedItem], today: dt.date) -> dict[str, dict[str, int]]:
    """The paper's summary: its items counted by status and by rating, in one aggregate query,
    each rating counted by its own filter (rules.rag_q), not from the rows."""
    scoped = committee_paper_scope(items=items, today=today).order_by()
    counts = scoped.aggregate(
        **{f"status_{status}": Count("id", filter=Q(status=status)) for status in OPEN_STATUSES},
        **{f"rag_{rating}": Count("id", filter=rules.rag_q(rating, today=today)) for rating in rules.RAG_RATINGS},
        total=Count("id"),
    )
    return {
        "status": {str(status): counts[f"status_{status}"] for status in OPEN_STATUSES},
        "rag": {rating: counts[f"rag_{rating}"] for rating in rules.RAG_RATINGS},
        "total": {"all": counts["total"]},
    }


def committee_paper_size(*, user, force, today: dt.date) -> int:
    """How many items `user`'s committee paper on `force` would list: whether it is written in the
    request or by the worker."""
    return committee_paper_scope(items=items_visible_to(user=user).filter(force=force), today=today).count()


def paper_jobs_of(*, user, force) -> QuerySet[PaperJob]:
    """The committee papers `user` asked the worker for on `force`, newest first, without their
    files: nobody else's (a paper is written in its reader's scope)."""
    return PaperJob.objects.filter(requested_by=user, force=force).defer("content").order_by("-created_at")


# --- The draft of the local policing body's comments -----------------------------------------------
def comments_draft_items(*, items: QuerySet[TrackedItem], inspection: Inspection, today: dt.date):
    """The items of one report among `items` (already scoped to the reader and one force) for the
    draft of the local policing body's comments: open and closed alike (the comments cover every
    recommendation), out of embargo only, in the report's own order, each with the force's latest
    progress update. One query."""
    return (
        items.filter(finding__inspection=inspection)
        .filter(rules.published_q(today=today, path="finding__inspection__"))
        .annotate(**latest_update_annotations())
        .select_related("finding__inspection", "finding__cause_of_concern", "force")
        .order_by("finding__position", "finding__reference", "id")
    )
