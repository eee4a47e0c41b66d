"""Writes for the managers' overdue review."""

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.cache import data_changed
from core.dates import date_bounds, long_date
from core.refusals import Refusal
from core.text import is_blank
from core.urls import item_url
from inspections import rules
from inspections.models import ItemEvent, TrackedItem
from inspections.wording import item_subject, lower_first
from notifications.services import message_enqueue
from oversight.models import OverdueReview
from oversight.selectors import body_with_article, governing_bodies


class ReviewError(Refusal):
    """A review that cannot be recorded; the message says why, for the page."""


REVIEW_EVENT_KIND = ItemEvent.Kind.MANAGER_REVIEW


def overdue_reviews_record(
    *,
    items: list[TrackedItem],
    reviewer: User,
    decision: str,
    note: str,
    next_review_on: dt.date,
    today: dt.date,
) -> list[OverdueReview]:
    """Record one decision for one or several overdue items, all or none. Escalations email the
    inspectorate's lead for each force, through the outbox, once."""
    if not (reviewer.is_manager or reviewer.is_inspectorate_staff):
        raise ReviewError("Only managers and inspectorate staff can review overdue items.")
    if not items:
        raise ReviewError("Select at least one item to review.")
    if decision not in OverdueReview.Decision.values:
        raise ReviewError("Choose a decision.")
    note = "" if is_blank(note) else note.strip()
    if decision != OverdueReview.Decision.KEEP_MONITORING and not note:
        raise ReviewError(f"Enter a note to explain the decision: {OverdueReview.Decision(decision).label.lower()}.")
    if next_review_on <= today:
        raise ReviewError("The next review date must be in the future.")
    latest = date_bounds(today=today)[1]
    if next_review_on > latest:
        raise ReviewError(f"The next review date must be on or before {long_date(latest)}.")
    now = timezone.now()
    batch = uuid.uuid4()
    with transaction.atomic():
        locked = list(
            TrackedItem.objects.select_for_update(of=("self",))
            .filter(pk__in=[item.pk for item in items])
            .select_related("force__staff_lead", "finding__inspection")
            .order_by("pk")
        )
        still_overdue = set(
            TrackedItem.objects.filter(pk__in=[i.pk for i in locked])
            .filter(rules.overdue_q(today=today))
            .values_list("pk", flat=True)
        )
        not_overdue = [item for item in locked if item.pk not in still_overdue]
        if not_overdue:
            names = ", ".join(f"{i.finding.reference} ({i.force.name})" for i in not_overdue[:5])
            raise ReviewError(f"These items are no longer overdue, so they cannot be reviewed here: {names}.")
        data_changed()
        bodies = governing_bodies(items=locked, today=today)
        if decision == OverdueReview.Decision.ESCALATE_GOVERNOR:
            ungoverned = [item for item in locked if item.force_id not in bodies]
            if ungoverned:
                names = ", ".join(sorted({item.force.name for item in ungoverned})[:5])
                raise ReviewError(f"No governing body is recorded for {names}: choose another decision for them.")
        reviews = OverdueReview.objects.bulk_create(
            OverdueReview(
                item=item,
                reviewer=reviewer,
                decision=decision,
                note=note,
                next_review_on=next_review_on,
                reviewed_at=now,
                batch=batch,
                escalated_to=body_with_article(bodies[item.force_id])
                if decision == OverdueReview.Decision.ESCALATE_GOVERNOR
                else "",
            )
            for item in locked
        )
        ItemEvent.objects.bulk_create(
            ItemEvent(
                item=item,
                kind=REVIEW_EVENT_KIND,
                at=now,
                actor=reviewer,
                target_date=next_review_on,
                note=f"{review.decision_label}. {note}".strip() + f" Next review {next_review_on:%-d %B %Y}.",
            )
            for review, item in zip(reviews, locked, strict=True)
        )
        if decision in OverdueReview.ESCALATIONS:
            for review, item in zip(reviews, locked, strict=True):
                _notify_escalation(review=review, item=item, label=review.decision_label)
    return reviews


def _notify_escalation(*, review: OverdueReview, item: TrackedItem, label: str) -> None:
    lead = item.force.staff_lead
    if lead is None:
        return
    message_enqueue(
        recipient=lead,
        reason="escalation",
        key=f"{lead.pk}:escalation:{review.pk}",
        subject=item_subject(item, lower_first(label.replace("Escalate to", "Escalated to", 1))),
        body=(
            f"{review.reviewer} recorded a decision on an overdue item for {item.force.name}: {label}.\n\n"
            f"{item.finding.reference}: {item.finding.text}\n\nNote: {review.note}\n\n"
            f"Current target date: {item.current_target_date:%-d %B %Y}. Next review: {review.next_review_on:%-d %B %Y}.\n"
            f"{item_url(item.pk)}"
        ),
    )
