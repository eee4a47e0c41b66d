"""Reads. The one place that decides who sees what: every view, list, export and count fetches
through these functions, and anything outside a user's scope answers 404.

Two rules decide it. Forces: a liaison officer sees only the forces they act for; staff and
managers see every force. Embargo (rules.published_q): an inspection whose publication date has
not come (London date), or that has none yet, is seen by the inspectorate only, staff and managers
(managers are senior inspectorate staff who prepare its publication); to a liaison officer it, its
findings, items, updates, evidence and reviews do not exist, in lists, counts and pages alike,
until the morning of its publication date."""

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramDistance, TrigramSimilarity
from django.db import connection
from django.db.models import Count, Q, QuerySet, Value

from accounts.models import User
from core.dates import london_today
from forces.models import Force
from forces.selectors import force_ids_for, governance_on
from inspections import rules
from inspections.models import (
    EvidenceFile,
    Finding,
    FollowUpReview,
    Inspection,
    ReportReply,
    TrackedItem,
)
from inspections.rules import published_q

# Past this many findings under embargo, embargoed_finding_ids gives up listing them: the callers
# then ask for the embargo in their own query.
EMBARGO_LIST_MAX = 2000


def embargoed_findings(*, today: dt.date) -> QuerySet[Finding]:
    """The findings of inspections not yet published: planned (no date) or published after `today`."""
    return Finding.objects.filter(
        ~published_q(today=today, path="inspection__") | Q(inspection__published_on__isnull=True)
    )


def embargoed_finding_ids(*, today: dt.date) -> list[int] | None:
    """The ids of embargoed_findings (there are few: the reports about to come out), or None when
    there are more than EMBARGO_LIST_MAX."""
    ids = list(embargoed_findings(today=today).order_by().values_list("pk", flat=True)[: EMBARGO_LIST_MAX + 1])
    return ids if len(ids) <= EMBARGO_LIST_MAX else None


def sees_embargoed(*, user: User) -> bool:
    """Staff and managers (and superusers) see inspections before their publication date."""
    return force_ids_for(user=user) is None


def items_visible_to(*, user: User) -> QuerySet[TrackedItem]:
    force_ids = force_ids_for(user=user)
    items = TrackedItem.objects.all()
    if force_ids is None:
        return items
    return items.filter(published_q(today=london_today(), path="finding__inspection__"), force_id__in=force_ids)


def inspections_visible_to(*, user: User) -> QuerySet[Inspection]:
    """A liaison officer sees the public details of the published inspections behind their forces'
    items, and the published inspections of their forces."""
    force_ids = force_ids_for(user=user)
    inspections = Inspection.objects.all()
    if force_ids is None:
        return inspections
    # Semi-joins (IN subqueries), not joins made DISTINCT: a force's tens of thousands of items
    # would otherwise be joined, sorted and deduplicated into a few hundred inspections.
    behind_items = Finding.objects.filter(items__force_id__in=force_ids).values("inspection_id")
    of_forces = Inspection.forces.through.objects.filter(force_id__in=force_ids).values("inspection_id")
    return inspections.filter(published_q(today=london_today())).filter(Q(pk__in=behind_items) | Q(pk__in=of_forces))


def findings_visible_to(*, user: User) -> QuerySet[Finding]:
    force_ids = force_ids_for(user=user)
    findings = Finding.objects.all()
    if force_ids is None:
        return findings
    return findings.filter(
        published_q(today=london_today(), path="inspection__"),
        pk__in=TrackedItem.objects.filter(force_id__in=force_ids).values("finding_id"),
    )


def evidence_visible_to(*, user: User) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(update__item__in=items_visible_to(user=user))


def reviews_visible_to(*, user: User) -> QuerySet[FollowUpReview]:
    force_ids = force_ids_for(user=user)
    reviews = FollowUpReview.objects.all()
    if force_ids is None:
        return reviews
    return reviews.filter(inspection__in=inspections_visible_to(user=user))


def concern_states(*, items: list[TrackedItem]) -> dict[int, rules.ConcernState]:
    """The derived state of each cause-of-concern item among `items` (by item id), from the same
    force's items for the recommendations answering it: one query, whatever the number."""
    concerns = [item for item in items if item.finding.category == Finding.Category.CAUSE_OF_CONCERN]
    if not concerns:
        return {}
    answering = TrackedItem.objects.filter(
        finding__cause_of_concern_id__in={item.finding_id for item in concerns},
        force_id__in={item.force_id for item in concerns},
    ).values_list("finding__cause_of_concern_id", "force_id", "status")
    by_concern: dict[int, list[rules.AnsweringItem]] = {}
    for concern_id, force_id, status in answering:
        by_concern.setdefault(concern_id, []).append(rules.AnsweringItem(force_id=force_id, status=status))
    return {
        item.pk: rules.cause_of_concern_state(concern=item, recommendations=by_concern.get(item.finding_id, []))
        for item in concerns
    }


def undated_open_items(*, inspection: Inspection) -> QuerySet[TrackedItem]:
    return TrackedItem.objects.filter(
        finding__inspection=inspection, current_target_date__isnull=True, status__in=TrackedItem.OPEN_STATUSES
    )


def forces_addressed_by(*, inspection: Inspection) -> QuerySet[Force]:
    """The organisations a report addresses: named on the inspection, or with an item of it. Not
    scoped to a reader: narrow it with forces_visible_to."""
    return Force.objects.filter(
        Q(inspections=inspection)
        | Q(pk__in=TrackedItem.objects.filter(finding__inspection=inspection).values("force_id"))
    )


@dataclass(frozen=True)
class ReplyRow:
    """One addressee's governing body and its reply to a report: the local policing body's
    comments (police) or the fire and rescue authority's action plan (fire)."""

    force: Force
    kind: str  # ReportReply.Kind
    body_name: str
    due_on: dt.date | None
    reply: ReportReply | None

    @property
    def what(self) -> str:
        return ReportReply.Kind(self.kind).label

    @property
    def is_comments(self) -> bool:
        """The local policing body's 56-day comments (a police force), not a fire action plan."""
        return self.kind == ReportReply.Kind.COMMENTS

    def days_late(self, today: dt.date) -> int:
        if self.reply is not None or self.due_on is None or today <= self.due_on:
            return 0
        return (today - self.due_on).days


def inspection_replies(*, inspection: Inspection, user: User) -> list[ReplyRow]:
    """For each police force and fire and rescue service the user may see that the report
    addresses (named on the inspection, or with an item of it), what its governing body owes: in
    three queries."""
    if inspection.published_on is None:
        return []
    force_ids = force_ids_for(user=user)
    addressed = forces_addressed_by(inspection=inspection).filter(kind__in=(Force.Kind.POLICE, Force.Kind.FIRE))
    if force_ids is not None:
        addressed = addressed.filter(pk__in=force_ids)
    forces = list(addressed.distinct().order_by("kind", "name"))
    replies = {reply.force_id: reply for reply in inspection.replies.filter(force__in=forces)}
    governance = governance_on(force_ids=[force.pk for force in forces], day=inspection.published_on)
    rows = []
    for force in forces:
        period = governance.get(force.pk)
        rows.append(
            ReplyRow(
                force=force,
                kind=rules.reply_kind_for(kind=force.kind),
                body_name=period.body.name if period else "No governing body recorded",
                due_on=rules.reply_due_on(
                    kind=force.kind,
                    published_on=inspection.published_on,
                    authority_plan_due_on=inspection.authority_plan_due_on,
                ),
                reply=replies.get(force.pk),
            )
        )
    return rows


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of an item: who, when, what kind, which fields from what to what."""

    when: dt.datetime
    who: User | None
    kind: str  # "Created", "Changed" or "Deleted"
    reason: str
    changes: list[FieldChange]


_HISTORY_KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


# Bookkeeping, not news: the optimistic-lock counter and the "last updated" stamp change on every
# write and would only repeat what the row already says.
_HISTORY_HIDDEN = {"version", "last_update_at", "updated_at", "created_at"}


def item_history(*, item: TrackedItem) -> list[HistoryEntry]:
    """Every recorded change of `item`, newest first, each with its user, time and the fields that
    changed (simple-history's diff_against between consecutive records), in words: choices by
    their label, people and items by name. One query, plus one per kind of related object that
    changed. Fetch `item` through items_visible_to first: this does not scope."""
    records = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
    return _history_entries(records, TrackedItem)


def inspection_history(*, inspection: Inspection) -> list[HistoryEntry]:
    """Every recorded change of an inspection, newest first, as item_history: its facts, and which
    forces were added to or removed from it."""
    # The forces of each record are read record by record: an inspection changes a handful of times.
    records = list(inspection.history.select_related("history_user").order_by("history_date", "history_id"))
    return _history_entries(records, Inspection)


def _history_entries(records: list, model) -> list[HistoryEntry]:
    fields = {f.name: f for f in model._meta.concrete_fields}
    m2m = {f.name: f for f in model._meta.many_to_many}
    raw: list[tuple] = []
    wanted: dict[type, set] = {}
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                if change.field in _HISTORY_HIDDEN:
                    continue
                field = fields.get(change.field) or m2m.get(change.field)
                if change.field in m2m:
                    old, new = _m2m_ids(change.old, field), _m2m_ids(change.new, field)
                    if old == new:
                        continue
                    wanted.setdefault(field.related_model, set()).update(old | new)
                    change = type(change)(change.field, old, new)
                elif field is not None and field.is_relation:
                    wanted.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v)
                changes.append(change)
        raw.append((record, changes))
        previous = record
    related = {rel: rel._default_manager.in_bulk(ids) for rel, ids in wanted.items()}

    def shown(name: str, value: object) -> object:
        if name in m2m:
            names = sorted(str(related[m2m[name].related_model].get(pk, pk)) for pk in value)
            return ", ".join(names) or "none"
        field = fields.get(name)
        if field is None or value in (None, ""):
            return value
        if field.is_relation:
            return related[field.related_model].get(value, value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    def label(name: str) -> str:
        field = fields.get(name) or m2m.get(name)
        return str(field.verbose_name).capitalize() if field is not None else name

    entries = [
        HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            kind=_HISTORY_KINDS.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
            changes=[FieldChange(label(c.field), shown(c.field, c.old), shown(c.field, c.new)) for c in changes],
        )
        for record, changes in raw
    ]
    entries.reverse()
    return entries


# --- Recurring findings ----------------------------------------------------------------------------
# Two findings "recur" when their texts are alike by trigram similarity: the share of three-letter
# pieces the two texts have in common (PostgreSQL's pg_trgm `similarity`, 0 to 1). Tuned on real
# published areas for improvement (docs/register.md): the same recommendation made to another force
# in other words scored 0.44 to 0.81, different recommendations that share "The force should
# improve..." 0.21 to 0.29. 0.4 keeps the first and drops the second.
RECURRENCE_THRESHOLD = 0.4
RECURRENCE_LIMIT = 10
# How many of the nearest texts PostgreSQL scores. Past this many findings above the threshold
# (the same words given to fifty forces), which of the equally alike are shown is the index's choice.
RECURRENCE_NEAREST = 50


def _most_alike_first(finding: Finding) -> tuple:
    # ORDER BY similarity DESC, inspection.published_on DESC (NULLS FIRST, as PostgreSQL), pk
    published = finding.inspection.published_on
    return (-finding.similarity, published is not None, -published.toordinal() if published else 0, finding.pk)


def text_trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of a text: each word (letters and digits, lower case) padded with two
    spaces before and one after, cut into every run of three characters."""
    grams: set[str] = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def text_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(a, b) in Python: shared trigrams over all trigrams of the two texts."""
    first, second = text_trigrams(a), text_trigrams(b)
    union = first | second
    return len(first & second) / len(union) if union else 0.0


@dataclass(frozen=True)
class SimilarFinding:
    finding: Finding
    similarity: float


def findings_similar(
    *, text: str, findings: QuerySet[Finding], exclude_id: int | None = None, limit: int = RECURRENCE_LIMIT
) -> list[SimilarFinding]:
    """The findings of `findings` (already scoped: a user's, or the published ones) whose text is
    at least RECURRENCE_THRESHOLD alike to `text`, most alike first (then the latest published,
    then the oldest record). PostgreSQL reads the RECURRENCE_NEAREST nearest texts from the trigram
    GiST index (finding_text_trgm_gist_idx) and scores only those; elsewhere every text is
    compared in Python."""
    text = (text or "").strip()
    if not text:
        return []
    base = findings.exclude(pk=exclude_id) if exclude_id else findings
    base = base.select_related("inspection")
    if connection.vendor == "postgresql":
        value = Value(text)
        nearest = base.annotate(
            distance=TrigramDistance("text", value), similarity=TrigramSimilarity("text", value)
        ).order_by("distance")[:RECURRENCE_NEAREST]
        rows = [row for row in nearest if row.similarity >= RECURRENCE_THRESHOLD]
        rows.sort(key=_most_alike_first)
        return [SimilarFinding(row, float(row.similarity)) for row in rows[:limit]]
    wanted = text_trigrams(text)
    scored = []
    for pk, other in base.values_list("pk", "text").iterator(chunk_size=2000):
        grams = text_trigrams(other)
        union = wanted | grams
        score = len(wanted & grams) / len(union) if union else 0.0
        if score >= RECURRENCE_THRESHOLD:
            scored.append((score, pk))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    chosen = scored[:limit]
    by_pk = base.in_bulk([pk for _score, pk in chosen])
    return [SimilarFinding(by_pk[pk], score) for score, pk in chosen if pk in by_pk]


@dataclass(frozen=True)
class Recurrence:
    """ "Made 14 times to 9 forces since 2017, 6 still open": over the similar findings' items."""

    times: int
    forces: int
    since: int | None
    still_open: int


def recurrence_summary(*, similar: list[SimilarFinding], items: QuerySet[TrackedItem]) -> Recurrence | None:
    """How often the similar findings were made, to how many forces, since when, and how many of
    their items (of `items`, already scoped) are still open. One aggregate query."""
    if not similar:
        return None
    ids = [entry.finding.pk for entry in similar]
    row = (
        items.filter(finding_id__in=ids)
        .order_by()
        .aggregate(forces=Count("force_id", distinct=True), still_open=Count("id", filter=rules.open_q()))
    )
    years = [entry.finding.inspection.published_on.year for entry in similar if entry.finding.inspection.published_on]
    return Recurrence(
        times=len(similar), forces=row["forces"], since=min(years) if years else None, still_open=row["still_open"]
    )


def themes_with_counts() -> QuerySet:
    """The managed list of themes, each with how many findings carry it."""
    from inspections.models import Theme

    return Theme.objects.annotate(finding_count=Count("findings")).order_by("name")


def _m2m_ids(rows: object, field) -> set[int]:
    """The related ids in simple-history's m2m diff value (a list of through-row dicts)."""
    column = field.m2m_reverse_field_name()
    return {row[column] for row in rows or []}
