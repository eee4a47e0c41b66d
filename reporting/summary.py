"""The maintained summary (reporting/models.py): counted from the items by the very aggregates the
full recount uses (reporting/selectors.py), kept exact by every write, read by the dashboard.

- `recount(force_ids=...)`: the cells of these forces counted afresh from their items, as of today,
  in the caller's transaction. The services call it (through inspections.signals.figures_changed)
  for the forces each write touched; its row lock on each force's SummaryForce orders two writers
  of one force, so the second counts after the first has committed.
- `bring_up_to_date(today=...)`: the forces whose cells were counted for an earlier day, or that a
  write outside the services left out of date, recounted. The sweep calls it (so just after
  midnight every force moves to the new day in one grouped pass), and every read calls it first,
  so a figure is never read from a stale cell.
- The readers below sum the cells for a scope (a user's forces, the embargo, the dashboard's
  filters) and return the same shapes as the recount functions of reporting/selectors.py.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Case, F, Min, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from accounts.models import User
from core.cache import data_changed
from core.dates import london_today
from forces.models import Force
from forces.selectors import force_ids_for, forces_visible_to
from inspections import rules
from inspections.models import Programme, Theme, TrackedItem
from inspections.selectors import sees_embargoed
from oversight.selectors import meeting_pack_summary
from reporting.columns import (
    COUNT_COLUMNS,
    PACK_COLUMNS,
    PUBLIC_ONLY_COLUMNS,
    PUBLIC_STATUS_COLUMNS,
    RATE_COLUMNS,
    TREND_COLUMNS,
)
from reporting.models import SummaryCell, SummaryForce, SummaryRate
from reporting.selectors import (
    FORCE_FIELDS,
    Headlines,
    RateRow,
    by_force_rows,
    headline_aggregates,
    headlines_from,
    rate_aggregates,
    rate_row_from,
    sort_rates,
    trend_aggregates,
    trend_from,
)

BATCH = 1000
# What the dashboard sums (the register's own status counts are read on their own).
DASHBOARD_COLUMNS = tuple(column for column in COUNT_COLUMNS if column not in PUBLIC_ONLY_COLUMNS)
CELL_KEYS = ("force_id", "programme_id", "embargoed", "theme_id")


def _embargoed(*, today: dt.date) -> Case:
    return Case(
        When(rules.published_q(today=today, path="finding__inspection__"), then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


def _grouped(items: QuerySet[TrackedItem], *, today: dt.date, themed: bool, extra: dict | None = None):
    """Items grouped by cell (force, programme, embargoed, and theme when `themed`)."""
    keys = {"programme_id": F("finding__inspection__programme_id")} | (extra or {})
    if themed:
        items = items.filter(finding__themes__isnull=False)
        keys["theme_id"] = F("finding__themes")
    return items.order_by().annotate(embargoed=_embargoed(today=today)).values("force_id", "embargoed", **keys)


def _cells_query(items: QuerySet[TrackedItem], *, today: dt.date, themed: bool) -> QuerySet:
    aggregates = headline_aggregates(today=today) | trend_aggregates(today=today)
    return _grouped(items, today=today, themed=themed).annotate(**aggregates)


def _rates_query(items: QuerySet[TrackedItem], *, today: dt.date, themed: bool) -> QuerySet:
    published = items.filter(finding__inspection__published_on__isnull=False)
    year = {"year": ExtractYear("finding__inspection__published_on")}
    return _grouped(published, today=today, themed=themed, extra=year).annotate(**rate_aggregates(today=today))


def counted_cells(items: QuerySet[TrackedItem], *, today: dt.date) -> list[dict]:
    """The cells of these items as counted now: plain dicts of CELL_KEYS and the columns."""
    return [
        {"theme_id": None, **row} for themed in (False, True) for row in _cells_query(items, today=today, themed=themed)
    ]


def counted_rates(items: QuerySet[TrackedItem], *, today: dt.date) -> list[dict]:
    """The rate cells of these items as counted now, by year of publication."""
    return [
        {"theme_id": None, **row} for themed in (False, True) for row in _rates_query(items, today=today, themed=themed)
    ]


def _insert_counted(model, counted: QuerySet) -> None:
    """INSERT ... SELECT: the grouped counts written into `model`'s table by the database itself,
    no row passing through Python (a recount of every force writes some 50,000 rows). The grouped
    query's columns are named as the table's (reporting.columns), so they are picked by name."""
    columns = [field.column for field in model._meta.concrete_fields if not field.primary_key]
    sql, params = counted.query.sql_with_params()
    named = set(counted.query.values_select) | set(counted.query.annotation_select)
    quote = connection.ops.quote_name
    picked = ", ".join(f"counted.{quote(column)}" if column in named else "NULL" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
            f"SELECT {picked} FROM ({sql}) AS counted",
            params,
        )


def recount(*, force_ids: Iterable[int] | None = None, today: dt.date | None = None, stale_only: bool = False) -> int:
    """Count the cells of these forces (every force with None) afresh from their items, as of
    `today`, inside the current transaction (or one of its own). With `stale_only`, only those
    still out of date once their locks are held (another process may have just recounted them).
    Returns how many forces were recounted."""
    today = today or london_today()
    with transaction.atomic():
        everything = force_ids is None
        ids = sorted(Force.objects.values_list("pk", flat=True)) if everything else sorted(set(force_ids))
        if not ids:
            return 0
        SummaryForce.objects.bulk_create([SummaryForce(force_id=pk) for pk in ids], ignore_conflicts=True)
        locked = SummaryForce.objects.select_for_update().filter(force_id__in=ids).order_by("force_id")
        if stale_only:
            ids = [pk for pk, as_of in locked.values_list("force_id", "as_of") if as_of != today]
            everything = everything and len(ids) == len(locked)
            if not ids:
                return 0
        else:
            list(locked.values_list("force_id", flat=True))
        items = TrackedItem.objects.all() if everything else TrackedItem.objects.filter(force_id__in=ids)
        SummaryCell.objects.filter(force_id__in=ids).delete()
        SummaryRate.objects.filter(force_id__in=ids).delete()
        for themed in (False, True):
            _insert_counted(SummaryCell, _cells_query(items, today=today, themed=themed))
            _insert_counted(SummaryRate, _rates_query(items, today=today, themed=themed))
        SummaryForce.objects.filter(force_id__in=ids).update(as_of=today)
        return len(ids)


RATE_KEYS = (*CELL_KEYS, "year")
CELL_COUNTS = (*COUNT_COLUMNS, *TREND_COLUMNS)


class Drift(Exception):
    """A difference would take a stored count below zero: the cells no longer match the items."""


Contribution = tuple[dict[tuple, dict], dict[tuple, dict]]
EMPTY_CONTRIBUTION: Contribution = ({}, {})


def contribution(items: QuerySet[TrackedItem], *, today: dt.date) -> Contribution:
    """What these items add to the cells and to the rate cells as of `today`, by cell key: the
    very aggregates of the recount, over just these items."""
    return (
        _keyed(counted_cells(items, today=today), keys=CELL_KEYS),
        _keyed(counted_rates(items, today=today), keys=RATE_KEYS),
    )


def apply_change(*, before: Contribution, after: Contribution, today: dt.date) -> int:
    """Move the summary by what a write changed: `after` minus `before`, the contributions of the
    items it wrote, read either side of the write in its transaction. Every column is a count, so
    the difference is exact; the earliest open target is kept by taking the smaller, and counted
    again for a cell only when the write moved the item that held it. A force whose cells are not
    counted for `today` (the day turned, or a write went round the services), or whose cells the
    difference would take below zero, is recounted whole instead. Each force's SummaryForce row is
    locked first, as the recount does, so writers of one force apply their differences in turn.
    Returns how many forces were recounted whole."""
    touched = sorted({key[0] for part in (*before, *after) for key in part})
    if not touched:
        return 0
    with transaction.atomic():
        SummaryForce.objects.bulk_create([SummaryForce(force_id=pk) for pk in touched], ignore_conflicts=True)
        as_of = dict(
            SummaryForce.objects.select_for_update()
            .filter(force_id__in=touched)
            .order_by("force_id")
            .values_list("force_id", "as_of")
        )
        whole = [pk for pk in touched if as_of.get(pk) != today]
        current = set(touched) - set(whole)
        if current:
            try:
                with transaction.atomic():
                    _apply(SummaryCell, before[0], after[0], keys=CELL_KEYS, forces=current, today=today)
                    _apply(SummaryRate, before[1], after[1], keys=RATE_KEYS, forces=current, today=today)
            except (Drift, IntegrityError):
                whole = touched
        if whole:
            recount(force_ids=whole, today=today)
        return len(whole)


def _apply(model, before: dict, after: dict, *, keys: tuple[str, ...], forces: set[int], today: dt.date) -> None:
    counts = CELL_COUNTS if model is SummaryCell else RATE_COLUMNS
    changes = {}
    for key in set(before) | set(after):
        if key[0] not in forces:
            continue
        was, now = before.get(key, {}), after.get(key, {})
        delta = {column: (now.get(column) or 0) - (was.get(column) or 0) for column in counts}
        if any(delta.values()) or was.get("min_open_target") != now.get("min_open_target"):
            changes[key] = (delta, was.get("min_open_target"), now.get("min_open_target"))
    if not changes:
        return
    stored = {
        tuple(getattr(row, f"{k}_id" if k in ("force", "programme", "theme") else k) for k in keys): row
        for row in model.objects.filter(
            force_id__in={key[0] for key in changes}, programme_id__in={key[1] for key in changes}
        )
    }
    to_update, to_create, recount_minimum = [], [], []
    fields: set[str] = set()
    for key, (delta, was_min, now_min) in changes.items():
        row = stored.get(key)
        if row is None:
            # No cell yet: none of its items was counted before, so the cell is what was added.
            if any(value < 0 for value in delta.values()):
                raise Drift(key)
            row = model(**dict(zip(keys, key, strict=True)), **delta)
            if model is SummaryCell:
                row.min_open_target = now_min
            to_create.append(row)
            continue
        for column, value in delta.items():
            if value:
                total = getattr(row, column) + value
                if total < 0:
                    raise Drift(key)
                setattr(row, column, total)
                fields.add(column)
        if model is SummaryCell:
            held = row.min_open_target
            if was_min is not None and held is not None and was_min <= held and now_min != was_min:
                recount_minimum.append(row)  # the write moved the item that held the earliest target
            elif now_min is not None and (held is None or now_min < held):
                row.min_open_target = now_min
            fields.add("min_open_target")
        to_update.append(row)
    if recount_minimum:
        _count_minimums(recount_minimum, today=today)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=BATCH)
    if to_create:
        model.objects.bulk_create(to_create, batch_size=BATCH)


def _count_minimums(rows: list[SummaryCell], *, today: dt.date) -> None:
    """The earliest open target of these cells, counted from their items."""
    items = TrackedItem.objects.filter(
        force_id__in={row.force_id for row in rows},
        finding__inspection__programme_id__in={row.programme_id for row in rows},
    ).filter(rules.open_q())
    earliest = {}
    for themed in (False, True):
        for row in _grouped(items, today=today, themed=themed).annotate(min_open_target=Min("current_target_date")):
            earliest[tuple(row.get(key) for key in CELL_KEYS)] = row["min_open_target"]
    for row in rows:
        row.min_open_target = earliest.get((row.force_id, row.programme_id, row.embargoed, row.theme_id))


def mark_out_of_date(*, force_ids: Iterable[int]) -> None:
    """A write that went round the services (the Django admin, a shell): these forces' cells are
    recounted before anyone reads them, and the cached pages that show them are dropped."""
    force_ids = set(force_ids)
    if force_ids:
        SummaryForce.objects.filter(force_id__in=force_ids, as_of__isnull=False).update(as_of=None)
        data_changed()


def bring_up_to_date(*, today: dt.date | None = None, force_ids: Iterable[int] | None = None) -> int:
    """Recount the forces (of `force_ids`, or all) whose cells are not counted for `today`. One
    query when everything is current."""
    today = today or london_today()
    forces = Force.objects.exclude(summary__as_of=today)
    if force_ids is not None:
        forces = forces.filter(pk__in=force_ids)
    stale = list(forces.values_list("pk", flat=True))
    if not stale:
        return 0
    every_force = force_ids is None and len(stale) == Force.objects.count()
    return recount(force_ids=None if every_force else stale, today=today, stale_only=True)


# --- Reading -------------------------------------------------------------------------------------


def _cells(
    model,
    *,
    force_ids: Iterable[int] | None,
    embargo_visible: bool,
    theme: Theme | None = None,
    themed: bool = False,
    region: str = "",
    kind: str = "",
    programme: Programme | None = None,
) -> QuerySet:
    cells = model.objects.filter(theme__isnull=False) if themed else model.objects.filter(theme=theme)
    if themed and theme is not None:
        cells = cells.filter(theme=theme)
    if force_ids is not None:
        cells = cells.filter(force_id__in=list(force_ids))
    if not embargo_visible:
        cells = cells.filter(embargoed=False)
    if region:
        cells = cells.filter(force__region=region)
    if kind:
        cells = cells.filter(force__kind=kind)
    if programme is not None:
        cells = cells.filter(programme=programme)
    return cells.order_by()


def _current_cells(model, *, today: dt.date, force_ids: Iterable[int] | None, **scope) -> QuerySet:
    """_cells for this scope after bring_up_to_date: every reader's first two steps, so a figure is
    never read from a cell counted for an earlier day."""
    force_ids = None if force_ids is None else list(force_ids)
    bring_up_to_date(today=today, force_ids=force_ids)
    return _cells(model, force_ids=force_ids, **scope)


def _sums(columns: Iterable[str]) -> dict:
    return {name: Sum(name) for name in columns}


def _by_theme(themed_cells: QuerySet) -> list[dict]:
    """Per theme with anything open: all, open and overdue (reporting.selectors.dashboard_by_theme)."""
    return list(
        themed_cells.values(slug=F("theme__slug"), name=F("theme__name"))
        .annotate(**_sums(("total", "open", "overdue")))
        .filter(open__gt=0)
        .order_by("name")
    )


def pack_figures(
    *,
    today: dt.date,
    force_ids: Iterable[int] | None = None,
    region: str = "",
    kind: str = "",
    programme: Programme | None = None,
    theme: Theme | None = None,
) -> list[dict]:
    """The managers' meeting pack's counts by force from the cells, embargoed items included (the
    pack is the inspectorate's own): per force of the scope, its overdue, stale and pack items,
    its pack items by open status (PACK_COLUMNS), and its earliest open target, which is its
    oldest overdue target when it has anything overdue. oversight.selectors.meeting_pack_summary
    makes the pack's first page of them; it counts the same from the items when a filter is not
    one the cells are kept by."""
    cells = _current_cells(
        SummaryCell,
        today=today,
        force_ids=force_ids,
        embargo_visible=True,
        theme=theme,
        region=region,
        kind=kind,
        programme=programme,
    )
    return list(
        cells.values("force_id", name=F("force__name"), slug=F("force__slug"))
        .annotate(**_sums(("overdue", *PACK_COLUMNS)), earliest=Min("min_open_target"))
        .order_by()
    )


def pack_summary(*, items: QuerySet[TrackedItem], today: dt.date, cells: dict | None) -> dict:
    """The meeting pack's first page (oversight.selectors.meeting_pack_summary) over these filtered
    items, its counts by force summed from the cells when `cells` (a filter form's summary_scope)
    says every filter is one the cells are kept by, else counted from the items."""
    forces = pack_figures(today=today, **cells) if cells is not None else None
    return meeting_pack_summary(items=items, today=today, forces=forces)


def dashboard_figures(
    *,
    force_ids: Iterable[int] | None,
    embargo_visible: bool,
    today: dt.date,
    region: str = "",
    kind: str = "",
    programme: Programme | None = None,
    theme: Theme | None = None,
    with_force_summaries: bool = False,
) -> dict:
    """The dashboard's figures for a scope and its filters, from the cells: the headlines and
    ageing (Headlines), the trend, the tables by force, programme and theme, and the rates by year
    of publication, and how many overdue items await a manager's review. The same values as the
    recount functions over the same items. With
    `with_force_summaries`, also each force's summary over the whole scope (force_summaries)."""
    force_ids = None if force_ids is None else list(force_ids)
    bring_up_to_date(today=today, force_ids=force_ids)
    scope = {"force_ids": force_ids, "embargo_visible": embargo_visible, "region": region, "kind": kind}
    cells = _cells(SummaryCell, **scope, programme=programme, theme=theme)
    totals = cells.aggregate(**_sums((*DASHBOARD_COLUMNS, *TREND_COLUMNS)))
    by_force = by_force_rows(
        cells.values("force_id", **{name: F(path) for name, path in FORCE_FIELDS.items()}).annotate(
            **_sums(("total", "open", "overdue", "complete")), min_open_target=Min("min_open_target")
        ),
        today=today,
    )
    by_programme = list(
        cells.values(slug=F("programme__slug"), name=F("programme__name"))
        .annotate(**_sums(("total", "open", "overdue")))
        .annotate(closed=F("total") - F("open"))
        .order_by("name")
    )
    by_theme = _by_theme(_cells(SummaryCell, **scope, programme=programme, theme=theme, themed=True))
    rates = [
        rate_row_from(key=row["year"], label=str(row["year"]), row=row)
        for row in _cells(SummaryRate, **scope, programme=programme, theme=theme)
        .values("year")
        .annotate(**_sums(RATE_COLUMNS))
        .order_by("year")
    ]
    summaries = _force_summaries(force_ids=force_ids, embargo_visible=embargo_visible) if with_force_summaries else None
    return {
        "summaries": summaries,
        "numbers": headlines_from(totals),
        "awaiting_review": totals["awaiting_review"] or 0,
        "trend": trend_from(totals, today=today),
        "by_force": by_force,
        "by_programme": by_programme,
        "by_theme": by_theme,
        "rates": rates,
    }


def force_summaries(*, force_ids: Iterable[int] | None, embargo_visible: bool, today: dt.date) -> list[dict]:
    """Per force with any items in scope: open, overdue and due soon, by name (the liaison
    officers' own summaries)."""
    force_ids = None if force_ids is None else list(force_ids)
    bring_up_to_date(today=today, force_ids=force_ids)
    return _force_summaries(force_ids=force_ids, embargo_visible=embargo_visible)


def _force_summaries(*, force_ids: list[int] | None, embargo_visible: bool) -> list[dict]:
    return list(
        _cells(SummaryCell, force_ids=force_ids, embargo_visible=embargo_visible)
        .values("force_id", name=F("force__name"), slug=F("force__slug"), stage=F("force__monitoring_stage"))
        .annotate(**_sums(("open", "overdue", "due_soon", "total")))
        .order_by("name")
    )


def headlines(*, force_ids: Iterable[int] | None, embargo_visible: bool, today: dt.date) -> Headlines:
    cells = _current_cells(SummaryCell, today=today, force_ids=force_ids, embargo_visible=embargo_visible)
    return headlines_from(cells.aggregate(**_sums(DASHBOARD_COLUMNS)))


def rates(*, by: str, force_ids: Iterable[int] | None, embargo_visible: bool, today: dt.date) -> list[RateRow]:
    """Implementation rates by "year", "programme", "force" or "theme" from the rate cells."""
    cells = _current_cells(
        SummaryRate, today=today, force_ids=force_ids, embargo_visible=embargo_visible, themed=by == "theme"
    )
    key, name = {
        "year": ("year", None),
        "programme": ("programme__slug", "programme__name"),
        "force": ("force__slug", "force__name"),
        "theme": ("theme__slug", "theme__name"),
    }[by]
    fields = {"key": F(key)} | ({"name": F(name)} if name else {})
    rows = cells.values(**fields).annotate(**_sums(RATE_COLUMNS))
    return sort_rates(
        [rate_row_from(key=row["key"], label=str(row.get("name") or row["key"]), row=row) for row in rows], by=by
    )


def forces_with_counts(*, user: User, today: dt.date) -> QuerySet[Force]:
    """The forces a user may see, each with its open and overdue counts (the dashboard's), summed
    from the summary's cells of the items that user may see (a liaison officer's counts leave out
    embargoed inspections): a queryset, so the list can still be filtered, sorted and paged."""
    bring_up_to_date(today=today, force_ids=force_ids_for(user=user))
    cells = SummaryCell.objects.filter(force=OuterRef("pk"), theme__isnull=True).order_by()
    if not sees_embargoed(user=user):
        cells = cells.filter(embargoed=False)

    def summed(column: str) -> Coalesce:
        return Coalesce(Subquery(cells.values("force").annotate(n=Sum(column)).values("n")), 0)

    return forces_visible_to(user=user).annotate(open_count=summed("open"), overdue_count=summed("overdue"))


def force_counts(*, user: User, force: Force, today: dt.date) -> dict[str, int]:
    """Open, overdue, due in 30 days and all, of one force's items that the user may see."""
    rows = force_summaries(force_ids=[force.pk], embargo_visible=sees_embargoed(user=user), today=today)
    row = rows[0] if rows else {}
    return {name: row.get(name) or 0 for name in ("open", "overdue", "due_soon", "total")}


def public_counts(*, today: dt.date, force_ids: Iterable[int] | None = None) -> dict[str, int]:
    """The public register's figures over the published items (of these forces, or all): all,
    open, overdue, and each public status by its name (rules.PUBLIC_STATUSES), from the cells out
    of embargo. The same values as register.selectors.status_counts over the same items."""
    cells = _current_cells(SummaryCell, today=today, force_ids=force_ids, embargo_visible=False)
    totals = cells.aggregate(**_sums(("total", "open", "overdue", *PUBLIC_STATUS_COLUMNS.values())))
    return {"total": totals["total"] or 0, "open": totals["open"] or 0, "overdue": totals["overdue"] or 0} | {
        name: totals[column] or 0 for name, column in PUBLIC_STATUS_COLUMNS.items()
    }


def public_count(
    *,
    today: dt.date,
    column: str = "total",
    force_ids: Iterable[int] | None = None,
    region: str = "",
    kind: str = "",
    programme: Programme | None = None,
    theme: Theme | None = None,
) -> int:
    """One count over the published items from the cells out of embargo: all of them ("total"),
    the open, the overdue, or one public status's column (PUBLIC_STATUS_COLUMNS), of these forces,
    region, kind of organisation, programme and theme. The register's search counts its results
    with it when its filters are ones the cells are kept by."""
    cells = _current_cells(
        SummaryCell,
        today=today,
        force_ids=force_ids,
        embargo_visible=False,
        theme=theme,
        region=region,
        kind=kind,
        programme=programme,
    )
    return cells.aggregate(n=Sum(column))["n"] or 0


def public_counts_by_force(*, today: dt.date) -> dict[int, dict[str, int]]:
    """Per force with published items: all, complete, open and overdue (the register's list)."""
    bring_up_to_date(today=today)
    rows = (
        _cells(SummaryCell, force_ids=None, embargo_visible=False)
        .values("force_id")
        .annotate(**_sums(("total", "complete", "open", "overdue")))
        .filter(total__gt=0)
    )
    return {row["force_id"]: row for row in rows}


def public_by_theme(*, today: dt.date) -> list[dict]:
    """Per theme with open published items: all, open and overdue (reporting.selectors.
    dashboard_by_theme over the published items)."""
    bring_up_to_date(today=today)
    return _by_theme(_cells(SummaryCell, force_ids=None, embargo_visible=False, themed=True))


# --- Checking ------------------------------------------------------------------------------------


def _keyed(rows: Iterable[dict], *, keys: tuple[str, ...]) -> dict[tuple, dict]:
    return {tuple(row[key] for key in keys): {k: v for k, v in row.items() if k not in keys} for row in rows}


def differences(*, today: dt.date | None = None) -> list[str]:
    """Every way the stored summary differs from a recount of all the items as of `today` (the
    summary's own day): an empty list when it is exact. One line per differing cell and column."""
    today = today or london_today()
    found = []
    items = TrackedItem.objects.all()
    for label, model, counted, keys in (
        ("cell", SummaryCell, counted_cells(items, today=today), CELL_KEYS),
        ("rate", SummaryRate, counted_rates(items, today=today), (*CELL_KEYS, "year")),
    ):
        columns = [field.attname for field in model._meta.concrete_fields if field.attname not in (*keys, "id")]
        expected = _keyed(counted, keys=keys)
        stored = _keyed(model.objects.values(*keys, *columns), keys=keys)
        for key in sorted(set(expected) | set(stored), key=str):
            want, have = expected.get(key), stored.get(key)
            if want is None or have is None:
                # A cell of nothing but zeros is as good as no cell.
                present = want or have
                if any(present[column] for column in columns):
                    found.append(f"{label} {key}: {'missing' if have is None else 'not in the recount'}")
                continue
            found.extend(
                f"{label} {key} {column}: stored {have[column]!r}, counted {want[column]!r}"
                for column in columns
                if have[column] != want[column]
            )
    stale = Force.objects.exclude(summary__as_of=today).count()
    if stale:
        found.append(f"{stale} force(s) not counted for {today:%d %B %Y}")
    return found
