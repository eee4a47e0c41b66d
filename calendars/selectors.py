"""Reads for calendar feeds: whose feed a token opens, what it covers, and its events.

A feed is scoped exactly as the pages are: its items come from `items_visible_to` for the feed's
owner, so a liaison officer's feed holds only their forces' published items, and an embargoed
report reaches nobody's feed outside the inspectorate. Each event has a UID that never changes
(the item and which of its dates it is), so a calendar moves the event when the date moves (an
approved extension) and drops it when the item closes or the date no longer applies."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from calendars.models import CalendarFeed
from calendars.services import feed_token_hash
from core.selectors import get_visible_or_404
from core.urls import absolute_url, url_maker
from forces.selectors import force_ids_for, forces_visible_to
from inspections import rules
from inspections.models import ReportReply, TrackedItem
from inspections.selectors import items_visible_to, reviews_visible_to
from inspections.wording import item_subject, lower_first, report_subject

# Follow-up reviews stay in the feed this long after their date, so last month's review does not
# vanish from a calendar the day after it happened.
REVIEWS_KEPT_DAYS = 90


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    day: dt.date
    summary: str
    description: str
    url: str
    # Bumped whenever the item changes (TrackedItem.version), so calendars take the new copy.
    sequence: int = 0
    last_modified: dt.datetime | None = None


@dataclass(frozen=True)
class FeedScope:
    """What a feed covers: `label` names it for the calendar ("Cleveland Police", "North East")."""

    label: str
    items: QuerySet[TrackedItem]


def calendar_feed_user(*, token: str) -> User | None:
    """The active user whose feed this token opens, or None (unknown, reset or revoked)."""
    if not token:
        return None
    feed = (
        CalendarFeed.objects.select_related("user").filter(token_hash=feed_token_hash(token), user__is_active=True)
    ).first()
    return feed.user if feed else None


def calendar_feed_of(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_regions(*, user: User) -> list[str]:
    """The regions of the organisations the user may see, for the choice on the account page."""
    return list(forces_visible_to(user=user).order_by("region").values_list("region", flat=True).distinct())


def feed_scope(*, user: User, force_slug: str = "", region: str = "") -> FeedScope:
    """The items a feed covers. `force` (a slug) or `region` narrow it to one organisation or one
    region among those the user may see; a force or region outside them answers 404, as a page
    would. Without either, a liaison officer's feed covers their own forces and a member of staff's
    or a manager's the forces they lead (choosing a force or region covers more)."""
    items = items_visible_to(user=user)
    if force_slug:
        force = get_visible_or_404(forces_visible_to(user=user), slug=force_slug)
        return FeedScope(label=force.name, items=items.filter(force=force))
    if region:
        if region not in feed_regions(user=user):
            raise Http404("Not found")
        return FeedScope(label=region, items=items.filter(force__region=region))
    if force_ids_for(user=user) is None:
        return FeedScope(label="The forces you lead", items=items.filter(force__staff_lead=user))
    return FeedScope(label="Your forces", items=items)


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "recommendation-tracker"


def _item_description(item: TrackedItem) -> str:
    lines = [item.finding.text, "", f"Status: {item.get_status_display()}"]
    if item.original_target_date and item.original_target_date != item.current_target_date:
        lines.append(f"Original target date: {item.original_target_date:%-d %B %Y}")
    return "\n".join(lines)


def feed_events(*, user: User, scope: FeedScope, today: dt.date) -> list[FeedEvent]:
    """Every dated deadline of the open items in scope, then the governing bodies' replies still
    awaited and the follow-up reviews of those reports: in three queries."""
    domain = _domain()
    item_url = url_maker("inspections:item_detail")
    items = list(
        scope.items.filter(rules.open_q())
        .select_related("finding__inspection", "force")
        .order_by("current_target_date", "review_by", "id")
    )
    events: list[FeedEvent] = []
    for item in items:
        common = {
            "description": _item_description(item),
            "url": item_url(item.pk),
            "sequence": item.version,
            "last_modified": item.updated_at,
        }
        if item.current_target_date:
            events.append(
                FeedEvent(
                    uid=f"item-{item.pk}-target@{domain}",
                    day=item.current_target_date,
                    summary=item_subject(item, "target date"),
                    **common,
                )
            )
        elif item.review_by:
            events.append(
                FeedEvent(
                    uid=f"item-{item.pk}-review-by@{domain}",
                    day=item.review_by,
                    summary=item_subject(item, "next review by"),
                    **common,
                )
            )
        if item.finding.action_plan_due_on and item.last_update_at is None:
            events.append(
                FeedEvent(
                    uid=f"item-{item.pk}-action-plan@{domain}",
                    day=item.finding.action_plan_due_on,
                    summary=item_subject(item, "action plan due"),
                    **common,
                )
            )
    events += _reply_events(items=items, domain=domain)
    events += _review_events(user=user, items=items, domain=domain, today=today)
    return events


def _reply_events(*, items: list[TrackedItem], domain: str) -> list[FeedEvent]:
    """What each report's governing body owes (the local policing body's comments within 56 days
    for a police report, the fire and rescue authority's action plan by the inspectorate's date),
    once per report and organisation, until the reply is recorded."""
    pairs = {}
    for item in items:
        inspection, force = item.finding.inspection, item.force
        kind = rules.reply_kind_for(kind=force.kind)
        due = rules.reply_due_on(
            kind=force.kind,
            published_on=inspection.published_on,
            authority_plan_due_on=inspection.authority_plan_due_on,
        )
        if kind and due:
            pairs.setdefault((inspection.pk, force.pk), (inspection, force, kind, due))
    if not pairs:
        return []
    inspection_url = url_maker("inspections:inspection_detail")
    recorded = set(
        ReportReply.objects.filter(
            inspection_id__in={i for i, _ in pairs}, force_id__in={f for _, f in pairs}
        ).values_list("inspection_id", "force_id")
    )
    return [
        FeedEvent(
            uid=f"reply-{inspection.pk}-{force.pk}@{domain}",
            day=due,
            summary=report_subject(
                force=force, inspection=inspection, what=f"{lower_first(ReportReply.Kind(kind).label)} due"
            ),
            description=f"{ReportReply.Kind(kind).label} on {inspection.title}.",
            url=inspection_url(inspection.pk),
        )
        for key, (inspection, force, kind, due) in sorted(pairs.items())
        if key not in recorded
    ]


def _review_events(*, user: User, items: list[TrackedItem], domain: str, today: dt.date) -> list[FeedEvent]:
    """The follow-up reviews of the reports behind the open items in scope."""
    inspection_ids = {item.finding.inspection_id for item in items}
    if not inspection_ids:
        return []
    reviews = (
        reviews_visible_to(user=user)
        .filter(inspection_id__in=inspection_ids, review_date__gte=today - dt.timedelta(days=REVIEWS_KEPT_DAYS))
        .select_related("inspection")
        .order_by("review_date", "id")
    )
    return [
        FeedEvent(
            uid=f"review-{review.pk}@{domain}",
            day=review.review_date,
            summary=f"{review.inspection.reference}: follow-up review",
            description=f"Follow-up review of {review.inspection.title}.",
            url=absolute_url("inspections:review_detail", pk=review.pk),
            sequence=review.version,
            last_modified=review.updated_at,
        )
        for review in reviews
    ]
