"""Reads for the managers' overdue review: the queue, stale work, escalations, the meeting pack."""

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from audit.models import ExportKind, ExportRecord
from forces.models import GoverningBody
from forces.selectors import forces_visible_to, governance_on
from inspections import rules
from inspections.models import Finding, ItemEvent, Judgement, ProgressUpdate, TrackedItem
from inspections.selectors import findings_visible_to, items_visible_to
from oversight.models import OverdueReview

CATEGORY_ORDER = Case(
    When(finding__category=Finding.Category.CAUSE_OF_CONCERN, then=Value(0)),
    When(finding__category=Finding.Category.RECOMMENDATION, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def governing_bodies(*, items: list[TrackedItem], today: dt.date) -> dict[int, GoverningBody]:
    """The body governing each of these items' organisations today, by force id (one query)."""
    periods = governance_on(force_ids={item.force_id for item in items}, day=today)
    return {force_id: period.body for force_id, period in periods.items()}


def body_with_article(body: GoverningBody) -> str:
    """ "the Police and Crime Commissioner for Cleveland", "Cornwall Council"."""
    name = body.name
    if name.endswith(" Council") and not name.startswith("Council"):
        return name
    return f"the {name}"


def escalation_target(*, items: list[TrackedItem], today: dt.date) -> str | None:
    """Whom "Escalate to the governing body" reaches for these items: the body by name when they
    share one, a description when they differ, None when none of them has one."""
    bodies = governing_bodies(items=items, today=today)
    named = {bodies[item.force_id].pk: bodies[item.force_id] for item in items if item.force_id in bodies}
    if not named:
        return None
    if len(named) == 1 and len(bodies) == len({item.force_id for item in items}):
        return body_with_article(next(iter(named.values())))
    return "each force's governing body (named in the table)"


def with_review_state(items: QuerySet[TrackedItem], *, today: dt.date) -> QuerySet[TrackedItem]:
    """Each item with its latest overdue review (kept on the item by oversight.services), its
    kind's rank in the queue's order and whether it has had no recent progress."""
    latest = OverdueReview.objects.filter(item=OuterRef("pk")).order_by("-reviewed_at", "-id")
    return items.annotate(
        last_reviewed_at=F("latest_overdue_review_at"),
        last_decision=F("latest_overdue_decision"),
        next_review_on=Subquery(latest.values("next_review_on")[:1]),
        category_rank=CATEGORY_ORDER,
        is_stale=Case(
            When(rules.no_recent_progress_q(today=today), then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    )


def review_queue_items(*, user: User, today: dt.date) -> QuerySet[TrackedItem]:
    """The items of the managers' overdue review queue this user may see (rules.awaiting_overdue_review_q),
    unordered and unannotated: what the queue's filters, counts, groups and selections start from."""
    return items_visible_to(user=user).filter(rules.awaiting_overdue_review_q(today=today))


def review_queue(*, user: User, today: dt.date) -> QuerySet[TrackedItem]:
    """Every overdue item never reviewed, or whose last review is older than the review interval;
    worst first (most days overdue, then cause of concern before recommendation before AFI)."""
    return (
        with_review_state(review_queue_items(user=user, today=today), today=today)
        .select_related("finding__inspection__programme", "force")
        .order_by("current_target_date", "category_rank", "force__name", "id")
    )


def escalations_recent(*, user: User, days: int = 90, force_id: int | None = None) -> QuerySet[OverdueReview]:
    since = timezone.now() - dt.timedelta(days=days)
    reviews = OverdueReview.objects.filter(
        item__in=items_visible_to(user=user), decision__in=OverdueReview.ESCALATIONS, reviewed_at__gte=since
    )
    if force_id is not None:
        reviews = reviews.filter(item__force_id=force_id)
    return reviews.select_related("item__finding__inspection", "item__force", "reviewer").order_by("-reviewed_at")


def meeting_pack_items(*, items: QuerySet[TrackedItem], today: dt.date) -> QuerySet[TrackedItem]:
    """Each overdue or stale item, with what a monitoring meeting needs beside it, in a fixed
    number of queries (the latest update and judgement are subqueries, reviews are prefetched)."""
    latest_update = ProgressUpdate.objects.filter(item=OuterRef("pk")).order_by("-created_at", "-id")
    latest_judgement = Judgement.objects.filter(item=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        with_review_state(
            items.filter(rules.overdue_q(today=today) | rules.no_recent_progress_q(today=today)), today=today
        )
        .annotate(
            latest_update_text=Subquery(latest_update.values("narrative")[:1]),
            latest_update_at=Subquery(latest_update.values("created_at")[:1]),
            latest_judgement_commentary=Subquery(latest_judgement.values("commentary")[:1]),
        )
        .select_related("finding__inspection__programme", "force")
        .order_by("force__name", "current_target_date", "category_rank", "id")
    )


def review_queue_totals(*, items: QuerySet[TrackedItem], today: dt.date) -> dict:
    """The queue's figures over these (filtered) queue items: items, forces, and how many became
    overdue under the tracker and how many arrived overdue (rules.OVERDUE_ORIGINS), grouped by
    force (a hash of a hundred rows, summed here), then how many findings. Two queries, each
    answered from item_awaiting_review_idx alone: finding_id (never null) is counted, not id, and
    hashing, not COUNT(DISTINCT ...), which sorts every item."""
    by_force = list(
        items.order_by()
        .values("force_id")
        .annotate(
            items=Count("finding_id"),
            **{name: Count("finding_id", filter=rules.headline_q(name, today=today)) for name in rules.OVERDUE_ORIGINS},
        )
    )
    counts = {
        "items": sum(row["items"] for row in by_force),
        "forces": len(by_force),
        "findings": items.order_by().values("finding_id").distinct().count(),
    }
    counts["origins"] = [
        {"name": name, "label": origin.label, "count": sum(row[name] for row in by_force)}
        for name, origin in rules.OVERDUE_ORIGINS.items()
    ]
    return counts


def review_queue_groups(*, items: QuerySet[TrackedItem]) -> QuerySet:
    """The queue grouped by finding, in one grouped query to page: each finding's id, how many of its
    items await review and its worst (earliest) current target. Worst first, then the finding at the
    most forces, then by id so that pages never overlap."""
    return (
        items.order_by()
        .values("finding_id")
        .annotate(awaiting=Count("finding_id"), earliest=Min("current_target_date"))
        .order_by("earliest", "-awaiting", "finding_id")
    )


def review_queue_page(*, user: User, groups: list[dict], items: QuerySet[TrackedItem], today: dt.date) -> list[dict]:
    """A page of groups with what the page shows beside each, in three queries whatever the page
    holds: the findings (with their inspections), each finding's queue items (with their forces,
    for the expandable list) and each finding's addressees by kind, all and overdue ("overdue at 37
    of 43 forces")."""
    ids = [group["finding_id"] for group in groups]
    findings = findings_visible_to(user=user).select_related("inspection").in_bulk(ids)
    queued: dict[int, list[TrackedItem]] = {finding_id: [] for finding_id in ids}
    rows = (
        with_review_state(items.filter(finding_id__in=ids), today=today)
        .select_related("force")
        .order_by("force__name", "id")
    )
    for item in rows:
        queued[item.finding_id].append(item)
    addressees: dict[int, list[dict]] = {finding_id: [] for finding_id in ids}
    rollup = (
        items_visible_to(user=user)
        .filter(finding_id__in=ids)
        .order_by()
        .values("finding_id", "force__kind")
        .annotate(total=Count("id"), overdue=Count("id", filter=rules.overdue_q(today=today)))
    )
    for row in rollup:
        addressees[row["finding_id"]].append(row)
    page = []
    for group in groups:
        finding = findings[group["finding_id"]]
        for item in queued[finding.pk]:
            item.finding = finding  # already fetched: the rows' links and labels need no query
        page.append(
            {
                **group,
                "finding": finding,
                "items": queued[finding.pk],
                "addressees": addressees[finding.pk],
                "days": (today - group["earliest"]).days,
            }
        )
    return page


@dataclass(frozen=True)
class Selection:
    """What a manager chose in the queue: every item matching the filters, or whole findings (all
    their forces in the queue) and single items."""

    everything: bool = False
    finding_ids: frozenset[int] = frozenset()
    item_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return self.everything or bool(self.finding_ids or self.item_ids)


def review_selection(*, items: QuerySet[TrackedItem], selection: Selection) -> QuerySet[TrackedItem]:
    """The (filtered) queue items a selection means now."""
    if selection.everything:
        return items
    return items.filter(Q(finding_id__in=selection.finding_ids) | Q(pk__in=selection.item_ids))


def selection_fingerprint(rows: Iterable[tuple[int, int]]) -> str:
    """A digest of the items (id, version) a decision is about to be recorded on: the confirmation
    page carries it, and the service refuses to record when the items it locks differ (an item
    reviewed, closed, extended or updated since the page was shown, or one more matching)."""
    digest = hashlib.sha256()
    for pk, version in sorted(rows):
        digest.update(f"{pk}:{version};".encode())
    return digest.hexdigest()


# The confirmation page names at most this many findings, then says how many more; it names the
# forces when there are no more than CONFIRM_FORCES_NAMED (a national recommendation: every police
# force of England and Wales and a few bodies).
CONFIRM_FINDINGS_SHOWN = 20
CONFIRM_FORCES_NAMED = 60


def review_selection_summary(*, user: User, items: QuerySet[TrackedItem]) -> dict:
    """What the confirmation page states: how many items at how many forces and findings, the
    findings (most items first), and the fingerprint of exactly these items. Three queries."""
    rows = list(items.order_by().values_list("pk", "version", "force_id", "finding_id"))
    per_finding: dict[int, int] = {}
    for _pk, _version, _force, finding_id in rows:
        per_finding[finding_id] = per_finding.get(finding_id, 0) + 1
    shown = sorted(per_finding.items(), key=lambda pair: (-pair[1], pair[0]))[:CONFIRM_FINDINGS_SHOWN]
    findings = findings_visible_to(user=user).select_related("inspection").in_bulk([pk for pk, _ in shown])
    forces = {row[2] for row in rows}
    return {
        "items": len(rows),
        "forces": len(forces),
        "force_names": list(
            forces_visible_to(user=user).filter(pk__in=forces).order_by("name").values_list("name", flat=True)
        )
        if len(forces) <= CONFIRM_FORCES_NAMED
        else [],
        "findings": len(per_finding),
        "shown": [{"finding": findings[pk], "count": count} for pk, count in shown],
        "fingerprint": selection_fingerprint((pk, version) for pk, version, _force, _finding in rows),
    }


# The meeting pack's summary page lists at most this many findings overdue (the most forces first)
# and says how many more there are; every force in scope is listed (about 90 at most).
PACK_FINDINGS_SHOWN = 10


# A pack item is open: the pack's counts by status have one for each open status.
PACK_STATUSES = tuple(str(status) for status in TrackedItem.OPEN_STATUSES)


def pack_aggregates(*, today: dt.date) -> dict:
    """The pack's counts as aggregates over items: those with no recent progress ("stale",
    rules.no_recent_progress_q), the pack's items (overdue or stale) in all and by open status
    ("pack_<status>"). The maintained summary keeps them too (reporting.columns.PACK_COLUMNS)."""
    stale = rules.no_recent_progress_q(today=today)
    pack = rules.overdue_q(today=today) | stale
    return {
        "stale": Count("id", filter=stale),
        "pack": Count("id", filter=pack),
        **{f"pack_{status}": Count("id", filter=pack & Q(status=status)) for status in PACK_STATUSES},
    }


def pack_by_force(*, items: QuerySet[TrackedItem], today: dt.date) -> list[dict]:
    """Per force of these items: its overdue items, pack_aggregates, and its earliest overdue
    target ("earliest"), in one grouped query. reporting.summary.pack_figures reads the same from
    the maintained summary."""
    overdue = rules.overdue_q(today=today)
    return list(
        items.order_by()
        .values("force_id", name=F("force__name"), slug=F("force__slug"))
        .annotate(
            overdue=Count("id", filter=overdue),
            **pack_aggregates(today=today),
            earliest=Min("current_target_date", filter=overdue),
        )
    )


def meeting_pack_summary(*, items: QuerySet[TrackedItem], today: dt.date, forces: list[dict] | None = None) -> dict:
    """The pack's first page over the filtered items: the pack's items (overdue or no recent
    progress) by status, its overdue and stale totals, overdue by force and overdue by finding.
    Overdue is rules.overdue_q, as on the dashboard. `forces` are pack_by_force's rows for these
    items, when the caller has them already (the maintained summary's); otherwise they are
    counted here."""
    items = items.order_by()
    overdue_q = rules.overdue_q(today=today)
    if forces is None:
        forces = pack_by_force(items=items, today=today)
    totals = {name: sum(row[name] or 0 for row in forces) for name in ("overdue", "stale", "pack")}
    labels = dict(TrackedItem.Status.choices)
    by_status = [
        {"status": status, "label": labels[status], "count": count}
        for status in PACK_STATUSES
        if (count := sum(row[f"pack_{status}"] or 0 for row in forces))
    ]
    by_force = sorted(
        (
            {"name": row["name"], "slug": row["slug"], "count": row["overdue"], "earliest": row["earliest"]}
            for row in forces
            if row["overdue"]
        ),
        key=lambda row: (-row["count"], row["name"]),
    )
    # Grouped by the finding's id alone (never its long text); the shown findings' words follow in
    # one more query. A finding has one item per force (item_unique_finding_force), so its overdue
    # items are its forces overdue: counted, not COUNT(DISTINCT ...), which sorts every item. The
    # finding's id (never null) is counted, not the item's, so item_open_finding_target_idx alone
    # answers it.
    overdue = items.filter(overdue_q)
    findings = (
        overdue.values("finding_id")
        .annotate(forces=Count("finding_id"), earliest=Min("current_target_date"))
        .order_by("-forces", "earliest", "finding_id")
    )
    by_finding = list(findings[: PACK_FINDINGS_SHOWN + 1])
    more = len(by_finding) > PACK_FINDINGS_SHOWN
    by_finding = by_finding[:PACK_FINDINGS_SHOWN]
    words = Finding.objects.select_related("inspection").in_bulk([row["finding_id"] for row in by_finding])
    for row in by_finding:
        row["finding"] = words[row["finding_id"]]
    for row in by_force + by_finding:
        row["days"] = (today - row["earliest"]).days
    return {
        "totals": totals,
        "by_status": by_status,
        "by_force": by_force,
        "by_finding": by_finding,
        "findings_total": overdue.values("finding_id").distinct().count() if more else len(by_finding),
    }


# What the pack's "changes since the last pack" counts: the steps a monitoring meeting asks about,
# in the order it reads them.
PACK_CHANGE_KINDS = [
    ItemEvent.Kind.CREATED,
    ItemEvent.Kind.BECAME_OVERDUE,
    ItemEvent.Kind.SUBMITTED,
    ItemEvent.Kind.CLOSED,
    ItemEvent.Kind.RETURNED,
    ItemEvent.Kind.REOPENED,
    ItemEvent.Kind.EXTENSION_APPROVED,
    ItemEvent.Kind.JUDGED,
    ItemEvent.Kind.MANAGER_REVIEW,
]
# Without an earlier pack for the same filters, the changes are counted over this many days.
PACK_CHANGES_DEFAULT_DAYS = 28
# The query parameters that page or format a pack rather than choose its items.
PACK_PRESENTATION_PARAMETERS = ("page", "format")


def pack_filters(query: Mapping[str, list[str]] | QueryDict) -> dict[str, list[str]]:
    """The parameters that choose a pack's items, each with its non-empty values: two packs with
    the same are the same scope, whatever page or format was asked for."""
    values = {key: query.getlist(key) for key in query} if isinstance(query, QueryDict) else query
    chosen = {key: sorted(v for v in value if v) for key, value in values.items()}
    return {key: value for key, value in sorted(chosen.items()) if value and key not in PACK_PRESENTATION_PARAMETERS}


# How many of the latest packs are read to find the previous one for the same filters.
PACK_HISTORY_READ = 500


def previous_pack(*, query: QueryDict, before: dt.datetime) -> ExportRecord | None:
    """The latest meeting pack (page or Excel, by anyone) produced before `before` for the same
    filters, from the record of exports; None when there is none."""
    wanted = pack_filters(query)
    records = (
        ExportRecord.objects.filter(
            kind__in=[ExportKind.MEETING_PACK, ExportKind.MEETING_PACK_XLSX], created_at__lt=before
        )
        .select_related("user")
        .order_by("-created_at", "-id")[:PACK_HISTORY_READ]
    )
    return next((record for record in records if pack_filters(record.filters) == wanted), None)


def pack_changes(*, items: QuerySet[TrackedItem], since: dt.datetime) -> list[dict]:
    """How many of these items took each step since `since` (their events, counted by kind in one
    grouped query over event_at_kind_idx), in PACK_CHANGE_KINDS order; steps not taken count 0."""
    counted = dict(
        ItemEvent.objects.filter(item__in=items.order_by().values("id"), at__gte=since, kind__in=PACK_CHANGE_KINDS)
        .order_by()
        .values_list("kind")
        .annotate(count=Count("id"))
    )
    return [{"kind": kind, "label": kind.label, "count": counted.get(kind, 0)} for kind in PACK_CHANGE_KINDS]
