"""Reads. The one place that decides who sees what: every view, list, export and count fetches
through these functions, and anything outside a user's scope answers 404."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from inspections.models import (
    EvidenceFile,
    Finding,
    FollowUpReview,
    Inspection,
    ProgressUpdate,
    TrackedItem,
)


def london_today() -> dt.date:
    """Today's date in the UK (TIME_ZONE is Europe/London): a target of 31 March is overdue from
    1 April, whatever the UTC time."""
    return timezone.localdate()


def force_ids_for(*, user: User) -> list[int] | None:
    """The forces a user may see: None means all of them; a liaison officer sees only theirs."""
    if not user.is_authenticated:
        return []
    if user.sees_everything or user.is_superuser:
        return None
    if user.is_liaison:
        return list(user.liaison_memberships.values_list("force_id", flat=True))
    return []


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


def get_visible_or_404(queryset: QuerySet, **lookup):
    """Fetch one object from an already scoped queryset; anything outside the scope is a 404,
    so that its existence does not leak."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("Not found") from None
