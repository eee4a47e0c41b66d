"""Reads. The one place that decides who sees what: every view, list, export and count fetches
through these functions, and anything outside a user's scope answers 404."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from forces.selectors import force_ids_for
from inspections.models import (
    EvidenceFile,
    Finding,
    FollowUpReview,
    Inspection,
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


def evidence_visible_to(*, user: User) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(update__item__in=items_visible_to(user=user))


def reviews_visible_to(*, user: User) -> QuerySet[FollowUpReview]:
    force_ids = force_ids_for(user=user)
    reviews = FollowUpReview.objects.all()
    if force_ids is None:
        return reviews
    return reviews.filter(inspection__in=inspections_visible_to(user=user))


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
    fields = {f.name: f for f in TrackedItem._meta.concrete_fields}
    raw: list[tuple] = []
    wanted: dict[type, set] = {}
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                if change.field in _HISTORY_HIDDEN:
                    continue
                field = fields.get(change.field)
                if field is not None and field.is_relation:
                    wanted.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v)
                changes.append(change)
        raw.append((record, changes))
        previous = record
    related = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}

    def shown(name: str, value: object) -> object:
        field = fields.get(name)
        if field is None or value in (None, ""):
            return value
        if field.is_relation:
            return related[field.related_model].get(value, value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    entries = [
        HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            kind=_HISTORY_KINDS.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "",
            changes=[
                FieldChange(
                    str(fields[c.field].verbose_name).capitalize() if c.field in fields else c.field,
                    shown(c.field, c.old),
                    shown(c.field, c.new),
                )
                for c in changes
            ],
        )
        for record, changes in raw
    ]
    entries.reverse()
    return entries
