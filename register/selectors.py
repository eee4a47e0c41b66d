"""What the public register may show, and nothing else.

The register shows what the inspectorate has published: inspections out of embargo
(rules.published_q), their findings, each force's item with its PUBLIC status
(rules.PUBLIC_STATUSES: "submitted for closure" stays "being progressed" until verified), its
target dates, and a trail of dated public status changes, approved new target dates and the
comments staff chose to publish (ItemEvent.public_comment). It never reads a force's response,
progress updates, evidence, an event's internal note, a judgement's commentary, overdue-review
decisions, or anyone's name. Every public page, file and feed reads through this module."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.planner import planner_settings
from forces.models import Force
from inspections import rules
from inspections import selectors as inspection_selectors
from inspections.models import (
    CLOSED_STATUSES,
    Finding,
    Inspection,
    ItemEvent,
    ItemStatus,
    Theme,
    TrackedItem,
)
from register.slugs import reference_slug
from reporting import summary


def public_items(*, today: dt.date) -> QuerySet[TrackedItem]:
    """Every item the register may show: the same set as rules.public_item_q, asked as "not one of
    the (few) embargoed findings" so that counts need no join to the inspections (past
    EMBARGO_LIST_MAX of them, as a subquery)."""
    ids = inspection_selectors.embargoed_finding_ids(today=today)
    embargoed = ids if ids is not None else inspection_selectors.embargoed_findings(today=today).values("pk")
    return TrackedItem.objects.exclude(finding_id__in=embargoed)


def public_items_by_id(*, ids: list[int], today: dt.date, with_force: bool = False) -> list[TrackedItem]:
    """These published items, in the order of `ids`, with their findings and inspections (and
    forces), the rows of a page whose ids were sorted alone."""
    related = ("finding__inspection", "force") if with_force else ("finding__inspection",)
    # The same test as public_items, in the query that reads them (they are joined to their
    # inspections anyway), rather than the embargoed findings asked for again.
    loaded = TrackedItem.objects.filter(rules.public_item_q(today=today)).select_related(*related).in_bulk(ids)
    return [loaded[pk] for pk in ids if pk in loaded]


def public_findings(*, today: dt.date) -> QuerySet[Finding]:
    return Finding.objects.filter(rules.published_q(today=today, path="inspection__"))


def public_inspections(*, today: dt.date) -> QuerySet[Inspection]:
    return Inspection.objects.filter(rules.published_q(today=today))


def public_themes() -> QuerySet[Theme]:
    return Theme.objects.order_by("name")


def public_forces() -> QuerySet[Force]:
    return Force.objects.order_by("name")


# --- Figures -----------------------------------------------------------------------------------------


def status_counts(*, items: QuerySet[TrackedItem], today: dt.date) -> dict[str, int]:
    """All, open, overdue and each public status's count, in one aggregate query."""
    aggregates = {
        "total": Count("id"),
        "open": Count("id", filter=rules.open_q()),
        "overdue": Count("id", filter=rules.overdue_q(today=today)),
    }
    aggregates |= {name: Count("id", filter=rules.public_status_q(name)) for name in rules.PUBLIC_STATUSES}
    return items.order_by().aggregate(**aggregates)


def forces_with_public_counts(*, today: dt.date) -> list[dict]:
    """Every force or body with published items: all, complete, open, overdue, summed from the
    maintained summary's cells out of embargo (reporting/summary.py)."""
    counts = summary.public_counts_by_force(today=today)
    return [{"force": force, **counts[force.pk]} for force in public_forces() if force.pk in counts]


def published_counts(*, today: dt.date, force: Force | None = None) -> dict[str, int]:
    """All, open, overdue and each public status's count of the published items (of one force),
    from the maintained summary: status_counts over public_items, without counting them."""
    return summary.public_counts(today=today, force_ids=None if force is None else [force.pk])


def published_rates(*, by: str, today: dt.date) -> list:
    """The implementation rates of the published items by "year", "programme", "force" or
    "theme", from the maintained summary: reporting.selectors.implementation_rates over
    public_items, without counting them."""
    return summary.rates(by=by, force_ids=None, embargo_visible=False, today=today)


def published_by_theme(*, today: dt.date) -> list[dict]:
    """Per theme with open published items: all, open and overdue, from the maintained summary."""
    return summary.public_by_theme(today=today)


def force_inspections(*, force: Force, today: dt.date, limit: int = 50) -> list[dict]:
    """The published inspections with items for `force`, newest first (at most `limit`), each
    with its counts. Read newest first in growing batches of inspections, asking which of each
    batch have items for the force, until `limit` are found: a force with items in thousands of
    inspections costs a batch or two, not a grouping of every item it has."""
    newest = public_inspections(today=today).order_by("-published_on", "-pk").values_list("pk", flat=True)
    found: list[int] = []
    start, size = 0, 4 * limit
    while len(found) < limit:
        batch = list(newest[start : start + size])
        if not batch:
            break
        having = set(
            TrackedItem.objects.filter(force=force, finding__inspection_id__in=batch)
            .order_by()
            .values_list("finding__inspection_id", flat=True)
            .distinct()
        )
        found += [pk for pk in batch if pk in having]
        start, size = start + size, size * 4
    found = found[:limit]
    rows = (
        TrackedItem.objects.filter(force=force, finding__inspection_id__in=found)
        .order_by()
        .values("finding__inspection_id")
        .annotate(
            total=Count("id"),
            complete=Count("id", filter=rules.public_status_q("complete")),
            overdue=Count("id", filter=rules.overdue_q(today=today)),
        )
    )
    counts = {row["finding__inspection_id"]: row for row in rows}
    inspections = Inspection.objects.select_related("programme").in_bulk(found)
    return [{"inspection": inspections[pk], **counts[pk]} for pk in found]


def finding_rollups(*, findings: list[Finding], today: dt.date) -> dict[int, dict]:
    """Per finding: its items' total, complete, open and overdue (the roll-up across forces)."""
    rows = (
        TrackedItem.objects.filter(finding_id__in=[f.pk for f in findings])
        .order_by()
        .values("finding_id")
        .annotate(
            total=Count("id"),
            complete=Count("id", filter=rules.public_status_q("complete")),
            open=Count("id", filter=rules.open_q()),
            overdue=Count("id", filter=rules.overdue_q(today=today)),
        )
    )
    return {row["finding_id"]: row for row in rows}


def years_published(*, today: dt.date) -> list[int]:
    bounds = public_inspections(today=today).aggregate(first=Min("published_on"), last=Max("published_on"))
    if not bounds["first"]:
        return []
    return list(range(bounds["last"].year, bounds["first"].year - 1, -1))


# --- The public trail of an item ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrailEntry:
    on: dt.date
    at: dt.datetime | None
    status: str  # the public status name after this step
    title: str
    comment: str = ""
    target_date: dt.date | None = None
    item: TrackedItem | None = None
    change: str = "status"  # "status", "target date" or "comment"

    @property
    def status_label(self) -> str:
        return rules.PUBLIC_STATUSES[self.status][0]


# Events that may reach the public, and only through the fields this module reads: the status they
# moved to, an approved target date, and the public comment. Everything else (progress updates,
# responses, extension requests and refusals, the overdue clocks, overdue reviews) is internal.
_PUBLIC_KINDS = (
    ItemEvent.Kind.CREATED,
    ItemEvent.Kind.UPDATE,
    ItemEvent.Kind.SUBMITTED,
    ItemEvent.Kind.RETURNED,
    ItemEvent.Kind.CLOSED,
    ItemEvent.Kind.REOPENED,
    ItemEvent.Kind.EXTENSION_APPROVED,
    ItemEvent.Kind.JUDGED,
)
_EVENT_FIELDS = ("id", "item_id", "kind", "at", "to_status", "target_date", "public_comment")


def _entry_from(event: dict, *, status: str, published_on: dt.date, item: TrackedItem | None) -> TrailEntry | None:
    """The public entry for one event, given the public status before it; None if nothing public."""
    at = event["at"]
    on = max(timezone.localdate(at) if at else published_on, published_on)
    comment = event["public_comment"]
    kind = event["kind"]
    if kind == ItemEvent.Kind.EXTENSION_APPROVED and event["target_date"]:
        date = event["target_date"]
        return TrailEntry(
            on, at, status, f"Target date moved to {date.day} {date:%B %Y}", comment, date, item, "target date"
        )
    new_status = rules.public_status(event["to_status"]) if event["to_status"] else status
    if new_status != status:
        return TrailEntry(on, at, new_status, rules.PUBLIC_STATUSES[new_status][0], comment, None, item)
    if comment:
        title = "Follow-up review" if kind == ItemEvent.Kind.JUDGED else "Comment from the inspectorate"
        return TrailEntry(on, at, status, title, comment, None, item, "comment")
    return None


def item_trail(*, item: TrackedItem) -> list[TrailEntry]:
    """The item's public trail, oldest first: published ("awaiting review") on the report's date,
    then each change of PUBLIC status, approved new target date and published comment. A claim
    submitted and then returned never changes the public status, so it leaves no entry (a comment
    written on its return does). Fetch `item` through public_items first."""
    published_on = item.finding.inspection.published_on
    entries = [TrailEntry(published_on, None, "awaiting_review", "Published", "", None, item)]
    status = "awaiting_review"
    events = (
        ItemEvent.objects.filter(item=item, kind__in=_PUBLIC_KINDS)
        .exclude(kind=ItemEvent.Kind.CREATED)
        .order_by("at", "id")
        .values(*_EVENT_FIELDS)
    )
    for event in events:
        entry = _entry_from(event, status=status, published_on=published_on, item=item)
        if entry is not None:
            entries.append(entry)
            status = entry.status
    # The trail ends where the item is: a status set without an event (data loaded by other means)
    # still shows as the current status.
    current = rules.public_status(item.status)
    if current != status:
        entries.append(TrailEntry(published_on, None, current, rules.PUBLIC_STATUSES[current][0], "", None, item))
    return entries


def public_changes(
    *, today: dt.date, force: Force | None = None, theme: Theme | None = None, limit: int = 50
) -> list[TrailEntry]:
    """The latest public changes across the register (the Atom feed), newest first: a change of
    public status, an approved new target date, or a published comment."""
    events = ItemEvent.objects.filter(
        ~Q(to_status="") | ~Q(public_comment="") | Q(kind=ItemEvent.Kind.EXTENSION_APPROVED),
        kind__in=_PUBLIC_KINDS,
        item__finding__inspection__published_on__lte=today,
    ).exclude(kind=ItemEvent.Kind.CREATED)
    # Between "in progress" and "submitted for closure" nothing changes in public.
    hidden = [ItemStatus.IN_PROGRESS, ItemStatus.SUBMITTED]
    events = events.exclude(Q(from_status__in=hidden, to_status__in=hidden, public_comment=""))
    if force is not None:
        events = events.filter(item__force=force)
    if theme is not None:
        events = events.filter(item__finding__themes=theme)
    # Walked newest first through event_public_at_idx, each event's item read by its key, until
    # `limit` are found (core.planner: the planner would otherwise merge-join the whole item table).
    with planner_settings(enable_mergejoin="off"):
        rows = list(events.order_by("-at", "-id").values(*_EVENT_FIELDS, "from_status")[:limit])
    items = TrackedItem.objects.select_related("finding__inspection", "force").in_bulk({row["item_id"] for row in rows})
    entries = []
    for row in rows:
        item = items[row["item_id"]]
        before = rules.public_status(row["from_status"]) if row["from_status"] else "awaiting_review"
        entry = _entry_from(row, status=before, published_on=item.finding.inspection.published_on, item=item)
        if entry is not None:
            entries.append(entry)
    return entries


# --- Open data --------------------------------------------------------------------------------------

# (column, meaning): the open-data page lists them, the CSV and JSON files carry them in this order.
REGISTER_COLUMNS = (
    ("inspection_reference", "The inspection's reference"),
    ("inspection_title", "The inspection's title"),
    ("programme", "The inspection programme"),
    ("published_on", "The day the report was published (YYYY-MM-DD)"),
    ("report_url", "Where the report is published, where known"),
    ("finding_reference", "The finding's reference within the report"),
    ("category", "Cause of concern, recommendation or area for improvement"),
    ("finding_text", "The finding as published"),
    ("themes", "The inspectorate's themes for the finding, separated by semicolons"),
    ("force", "The force or body the finding is tracked for"),
    ("force_kind", "Police force, fire and rescue service, or other policing body"),
    ("region", "The force's region"),
    ("status", "The public status: " + ", ".join(label for label, _s in rules.PUBLIC_STATUSES.values())),
    ("original_target_date", "The target date as first set (never changes)"),
    ("current_target_date", "The target date now, after any extension the inspectorate approved"),
    ("days_overdue", "Days past the current target date on the day the file was made (0 if not overdue)"),
    ("closed_on", "The day the inspectorate closed it (complete, not implemented, superseded or withdrawn)"),
    ("url", "The item's page in the register"),
)
TRAIL_COLUMNS = (
    ("inspection_reference", "The inspection's reference"),
    ("finding_reference", "The finding's reference within the report"),
    ("force", "The force or body"),
    ("date", "The day of the change (YYYY-MM-DD)"),
    ("status", "The public status after the change"),
    ("change", "What changed: the status, the target date, or a comment"),
    ("target_date", "For a target date change: the new current target date"),
    ("comment", "The inspectorate's published comment, if any"),
    ("url", "The item's page in the register"),
)
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LICENCE = f"Contains public sector information licensed under the Open Government Licence v3.0: {LICENCE_URL}"


def item_path(*, inspection_slug: str, finding_reference: str, force_slug: str) -> str:
    return reverse(
        "register:item_detail",
        kwargs={"slug": inspection_slug, "finding": reference_slug(finding_reference), "force": force_slug},
    )


def register_rows(*, items: QuerySet[TrackedItem], today: dt.date, base_url: str) -> Iterator[dict]:
    """Every public item as one row of REGISTER_COLUMNS, streamed 2,000 at a time."""
    categories = dict(Finding.Category.choices)
    kinds = dict(Force.Kind.choices)
    themes_of: dict[int, str] = {}
    for finding_id, name in (
        Finding.themes.through.objects.filter(finding__in=items.values("finding_id"))
        .order_by("theme__name")
        .values_list("finding_id", "theme__name")
    ):
        themes_of[finding_id] = f"{themes_of[finding_id]}; {name}" if finding_id in themes_of else name
    rows = items.order_by(
        "-finding__inspection__published_on",
        "finding__inspection__reference",
        "finding__position",
        "finding_id",
        "force__name",
    ).values_list(
        "finding__inspection__reference",
        "finding__inspection__slug",
        "finding__inspection__title",
        "finding__inspection__programme__name",
        "finding__inspection__published_on",
        "finding__inspection__report_url",
        "finding_id",
        "finding__reference",
        "finding__category",
        "finding__text",
        "force__name",
        "force__slug",
        "force__kind",
        "force__region",
        "status",
        "original_target_date",
        "current_target_date",
        "closed_on",
    )
    for row in rows.iterator(chunk_size=2000):
        (ref, slug, title, programme, published, report_url, finding_id, f_ref, category, text) = row[:10]
        (force, force_slug, kind, region, status, original, current, closed_on) = row[10:]
        overdue = (today - current).days if current and status not in CLOSED_STATUSES and current < today else 0
        yield {
            "inspection_reference": ref,
            "inspection_title": title,
            "programme": programme,
            "published_on": published.isoformat(),
            "report_url": report_url,
            "finding_reference": f_ref,
            "category": categories.get(category, category),
            "finding_text": text,
            "themes": themes_of.get(finding_id, ""),
            "force": force,
            "force_kind": kinds.get(kind, kind),
            "region": region,
            "status": rules.public_status_label(status),
            "original_target_date": original.isoformat() if original else "",
            "current_target_date": current.isoformat() if current else "",
            "days_overdue": overdue,
            "closed_on": closed_on.isoformat() if closed_on and status in CLOSED_STATUSES else "",
            "url": base_url + item_path(inspection_slug=slug, finding_reference=f_ref, force_slug=force_slug),
        }


def trail_rows(*, items: QuerySet[TrackedItem], base_url: str) -> Iterator[dict]:
    """Every public item's trail, one row per entry, item by item (2,000 items at a time)."""
    chunk: list[TrackedItem] = []
    queryset = items.select_related("finding__inspection", "force").order_by("id")
    for item in queryset.iterator(chunk_size=2000):
        chunk.append(item)
        if len(chunk) == 2000:
            yield from _trail_chunk(chunk, base_url)
            chunk = []
    if chunk:
        yield from _trail_chunk(chunk, base_url)


def _trail_chunk(items: list[TrackedItem], base_url: str) -> Iterator[dict]:
    by_item: dict[int, list[dict]] = {}
    for event in (
        ItemEvent.objects.filter(item_id__in=[item.pk for item in items], kind__in=_PUBLIC_KINDS)
        .exclude(kind=ItemEvent.Kind.CREATED)
        .order_by("item_id", "at", "id")
        .values(*_EVENT_FIELDS)
    ):
        by_item.setdefault(event["item_id"], []).append(event)
    for item in items:
        inspection = item.finding.inspection
        url = base_url + item_path(
            inspection_slug=inspection.slug, finding_reference=item.finding.reference, force_slug=item.force.slug
        )
        status = "awaiting_review"
        entries = [TrailEntry(inspection.published_on, None, status, "Published")]
        for event in by_item.get(item.pk, []):
            entry = _entry_from(event, status=status, published_on=inspection.published_on, item=None)
            if entry is not None:
                entries.append(entry)
                status = entry.status
        for entry in entries:
            yield {
                "inspection_reference": inspection.reference,
                "finding_reference": item.finding.reference,
                "force": item.force.name,
                "date": entry.on.isoformat(),
                "status": entry.status_label,
                "change": entry.change,
                "target_date": entry.target_date.isoformat() if entry.target_date else "",
                "comment": entry.comment,
                "url": url,
            }
