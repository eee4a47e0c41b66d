"""Reads. The one place that decides who sees what: every view, list, export and count fetches
through these functions, and anything outside a user's scope answers 404."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.permissions import require_can_act_for_item, require_staff
from core.selectors import get_visible_or_404
from forces.selectors import force_ids_for
from inspections.models import (
    EvidenceFile,
    Finding,
    FollowUpReview,
    Inspection,
    ProgressUpdate,
    TrackedItem,
)


def items_visible_to(*, user: User) -> QuerySet[TrackedItem]:
    force_ids = force_ids_for(user=user)
    items = TrackedItem.objects.all()
    if force_ids is None:
        return items
    return items.filter(force_id__in=force_ids)


def inspections_visible_to(*, user: User) -> QuerySet[Inspection]:
    """A liaison officer sees the public details of the inspections behind their forces' items,
    and the inspections of their forces."""
    force_ids = force_ids_for(user=user)
    inspections = Inspection.objects.all()
    if force_ids is None:
        return inspections
    return inspections.filter(Q(findings__items__force_id__in=force_ids) | Q(forces__id__in=force_ids)).distinct()


def findings_visible_to(*, user: User) -> QuerySet[Finding]:
    force_ids = force_ids_for(user=user)
    findings = Finding.objects.all()
    if force_ids is None:
        return findings
    return findings.filter(items__force_id__in=force_ids).distinct()


def updates_visible_to(*, user: User) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(item__in=items_visible_to(user=user))


def evidence_visible_to(*, user: User) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(update__item__in=items_visible_to(user=user))


def reviews_visible_to(*, user: User) -> QuerySet[FollowUpReview]:
    force_ids = force_ids_for(user=user)
    reviews = FollowUpReview.objects.all()
    if force_ids is None:
        return reviews
    return reviews.filter(inspection__in=inspections_visible_to(user=user))


def item_for_action_or_404(*, user: User, pk: int) -> TrackedItem:
    """The item a liaison officer is about to act on (respond, post an update or evidence, submit
    for closure, ask for more time). Outside the user's scope: 404. Visible but not theirs to act
    on (staff, managers): 403."""
    item = get_visible_or_404(items_visible_to(user=user).select_related("force"), pk=pk)
    require_can_act_for_item(user, item)
    return item


def item_for_staff_action_or_404(*, user: User, pk: int) -> TrackedItem:
    """The item inspectorate staff are about to decide on (close, return, extend, reopen).
    Outside the user's scope: 404; anyone but staff: 403."""
    item = get_visible_or_404(items_visible_to(user=user).select_related("force"), pk=pk)
    require_staff(user)
    return item


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


def _m2m_ids(rows: object, field) -> set[int]:
    """The related ids in simple-history's m2m diff value (a list of through-row dicts)."""
    column = field.m2m_reverse_field_name()
    return {row[column] for row in rows or []}
