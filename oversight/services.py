"""Writes for the managers' overdue review."""

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from core.dates import date_bounds, long_date
from core.refusals import Refusal
from core.text import is_blank
from core.urls import item_url
from inspections import rules
from inspections.models import ItemEvent, TrackedItem
from inspections.signals import counted_items_changing
from inspections.wording import finding_name, item_heading, item_subject, lower_first
from notifications.services import message_enqueue
from oversight.models import OverdueReview
from oversight.selectors import body_with_article, governing_bodies, selection_fingerprint


class ReviewError(Refusal):
    """A review that cannot be recorded; the message says why, for the page."""


class StaleSelection(ReviewError):
    """The items a confirmed decision was about have changed since the confirmation page was shown
    (reviewed, closed, extended or updated meanwhile, or more of them match): nothing is recorded."""


REVIEW_EVENT_KIND = ItemEvent.Kind.MANAGER_REVIEW
# One decision is recorded in one transaction in the web request: at most this many items.
REVIEW_MAX_ITEMS = 5000


def overdue_reviews_record(
    *,
    items: list[TrackedItem] | QuerySet[TrackedItem],
    reviewer: User,
    decision: str,
    note: str,
    next_review_on: dt.date,
    today: dt.date,
    fingerprint: str | None = None,
) -> list[OverdueReview]:
    """Record one decision for one or many overdue items, all or none: a review, the latest review
    kept on each item, and one timeline event each. `items` is a list, or a queryset (a selection
    in the queue) locked and read again here; with `fingerprint` (selectors.selection_fingerprint
    of the items confirmed) any difference in the locked items refuses the lot (StaleSelection).
    Escalations email the inspectorate's lead of each force once per decision, listing the items."""
    if not (reviewer.is_manager or reviewer.is_inspectorate_staff):
        raise ReviewError("Only managers and inspectorate staff can review overdue items.")
    if not isinstance(items, QuerySet) and not items:
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
    chosen = items if isinstance(items, QuerySet) else TrackedItem.objects.filter(pk__in=[item.pk for item in items])
    with transaction.atomic():
        locked = list(
            chosen.select_for_update(of=("self",))
            .select_related("force__staff_lead", "finding__inspection")
            .order_by("pk")
        )
        if fingerprint is not None and selection_fingerprint((i.pk, i.version) for i in locked) != fingerprint:
            raise StaleSelection(
                "The items changed after you checked them: some were reviewed, closed, given a new target "
                f"date or updated, or more now match. They are now {_items_at_forces(locked)}. Nothing has "
                "been recorded: check the numbers and confirm again."
            )
        if not locked:
            raise ReviewError("Select at least one item to review.")
        if len(locked) > REVIEW_MAX_ITEMS:
            raise ReviewError(
                f"One decision can be recorded on at most {REVIEW_MAX_ITEMS:,} items: narrow the filters "
                f"(these are {len(locked):,})."
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
        # The queue reads the latest review from the item (rules.awaiting_overdue_review_q). Not a
        # transition: the item's version stays, so nobody's open form of the item goes stale.
        # The review moves the items out of the maintained count of those awaiting review.
        reviewed = TrackedItem.objects.filter(pk__in=[item.pk for item in locked])
        with counted_items_changing(items=reviewed):
            reviewed.update(latest_overdue_review_at=now, latest_overdue_decision=decision)
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
            _notify_escalations(reviews=list(zip(reviews, locked, strict=True)), batch=batch)
    return reviews


def _counted(count: int, noun: str) -> str:
    """ "1 force", "43 forces"."""
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _items_at_forces(items: list[TrackedItem]) -> str:
    """ "43 items at 43 forces", "1 item at 1 force"."""
    return f"{_counted(len(items), 'item')} at {_counted(len({item.force_id for item in items}), 'force')}"


def _notify_escalations(*, reviews: list[tuple[OverdueReview, TrackedItem]], batch: uuid.UUID) -> None:
    """One email to each force's staff lead per decision, however many of their items it escalates:
    one item is named as any item email names it; several are listed, each with its link."""
    by_lead: dict[int, list[tuple[OverdueReview, TrackedItem]]] = {}
    for review, item in reviews:
        if item.force.staff_lead is not None:
            by_lead.setdefault(item.force.staff_lead_id, []).append((review, item))
    for pairs in by_lead.values():
        first, item = pairs[0]
        lead = item.force.staff_lead
        items = [i for _, i in pairs]
        one_finding = len({i.finding_id for i in items}) == 1
        what = lower_first(first.decision_label.replace("Escalate to", "Escalated to", 1))
        if len(items) == 1:
            subject = item_subject(item, what)
        else:
            if first.decision == OverdueReview.Decision.ESCALATE_GOVERNOR:
                what = "escalated to their governing bodies"
            forces = _counted(len({i.force_id for i in items}), "force")
            about = (
                f"{item.finding.inspection.reference} {finding_name(item.finding)} at {forces}"
                if one_finding
                else _items_at_forces(items)
            )
            subject = f"{about}: {what}"
        finding_text = f"{item.finding.reference}: {item.finding.text}\n\n" if one_finding else ""
        listed = "\n".join(
            f"- {item_heading(i)}: {r.decision_label}. Current target date: {i.current_target_date:%-d %B %Y}.\n"
            f"  {item_url(i.pk)}"
            for r, i in pairs
        )
        message_enqueue(
            recipient=lead,
            reason="escalation",
            key=f"{lead.pk}:escalation:{batch}",
            subject=subject,
            body=(
                f"{first.reviewer} recorded a decision on {_counted(len(items), 'overdue item')} you lead on: "
                f"{first.get_decision_display()}.\n\n{finding_text}Note: {first.note}\n\n"
                f"Next review: {first.next_review_on:%-d %B %Y}.\n\n{listed}"
            ),
        )
