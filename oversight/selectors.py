"""Reads for the managers' overdue review: the queue, stale work, escalations, the meeting pack."""

import datetime as dt

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from accounts.models import User
from forces.models import GoverningBody
from forces.selectors import governance_on
from inspections import rules
from inspections.models import Finding, Judgement, ProgressUpdate, TrackedItem
from inspections.selectors import items_visible_to
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
    latest = OverdueReview.objects.filter(item=OuterRef("pk")).order_by("-reviewed_at", "-id")
    return items.annotate(
        last_reviewed_at=Max("overdue_reviews__reviewed_at"),
        last_decision=Subquery(latest.values("decision")[:1]),
        next_review_on=Subquery(latest.values("next_review_on")[:1]),
        category_rank=CATEGORY_ORDER,
        is_stale=Case(
            When(rules.no_recent_progress_q(today=today), then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    )


def review_queue(*, user: User, today: dt.date) -> QuerySet[TrackedItem]:
    """Every overdue item never reviewed, or whose last review is older than the review interval;
    worst first (most days overdue, then cause of concern before recommendation before AFI)."""
    since = timezone.now() - dt.timedelta(days=settings.OVERDUE_REVIEW_INTERVAL_DAYS)
    items = items_visible_to(user=user).filter(rules.overdue_q(today=today))
    return (
        with_review_state(items, today=today)
        .filter(Q(last_reviewed_at__isnull=True) | Q(last_reviewed_at__lt=since))
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


def awaiting_review_count(*, items: QuerySet[TrackedItem], today: dt.date, overdue_total: int) -> int:
    """How many of these overdue items await a review: all the overdue ones, less those reviewed
    within the interval (the reviews table is small, so this stays cheap at national scale; the
    same membership as review_queue)."""
    since = timezone.now() - dt.timedelta(days=settings.OVERDUE_REVIEW_INTERVAL_DAYS)
    reviewed = (
        items.filter(rules.overdue_q(today=today), overdue_reviews__reviewed_at__gte=since)
        .values("id")
        .distinct()
        .count()
    )
    return overdue_total - reviewed


def queue_origin_counts(*, items: QuerySet[TrackedItem], today: dt.date) -> list[dict]:
    """How many of these queued items became overdue under the tracker and how many arrived
    overdue (rules.OVERDUE_ORIGINS), in one query."""
    ids = items.order_by().values("pk")
    counts = TrackedItem.objects.filter(pk__in=ids).aggregate(
        **{name: Count("id", filter=rules.headline_q(name, today=today)) for name in rules.OVERDUE_ORIGINS}
    )
    return [
        {"name": name, "label": origin.label, "count": counts[name]} for name, origin in rules.OVERDUE_ORIGINS.items()
    ]


# The meeting pack's summary page lists at most this many findings overdue (the most forces first)
# and says how many more there are; every force in scope is listed (about 90 at most).
PACK_FINDINGS_SHOWN = 10


def meeting_pack_summary(*, items: QuerySet[TrackedItem], today: dt.date) -> dict:
    """The pack's first page, in four grouped queries over the filtered items: the pack's items
    (overdue or no recent progress) by status, its overdue and stale totals, overdue by force and
    overdue by finding. Overdue is rules.overdue_q, as on the dashboard."""
    items = items.order_by()
    overdue_q, stale_q = rules.overdue_q(today=today), rules.no_recent_progress_q(today=today)
    totals = items.aggregate(
        overdue=Count("id", filter=overdue_q),
        stale=Count("id", filter=stale_q),
        pack=Count("id", filter=overdue_q | stale_q),
    )
    labels = dict(TrackedItem.Status.choices)
    by_status = [
        {"status": row["status"], "label": labels[row["status"]], "count": row["count"]}
        for row in items.filter(overdue_q | stale_q).values("status").annotate(count=Count("id")).order_by("status")
    ]
    order = {status: index for index, status in enumerate(labels)}
    by_status.sort(key=lambda row: order[row["status"]])
    overdue = items.filter(overdue_q)
    by_force = list(
        overdue.values(name=F("force__name"), slug=F("force__slug"))
        .annotate(count=Count("id"), earliest=Min("current_target_date"))
        .order_by("-count", "name")
    )
    # Grouped by the finding's id alone (never its long text); the shown findings' words follow in
    # one more query.
    findings = (
        overdue.values("finding_id")
        .annotate(forces=Count("force_id", distinct=True), earliest=Min("current_target_date"))
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
