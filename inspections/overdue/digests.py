"""The daily digest for liaison officers and the weekly overdue picture for managers."""

import datetime as dt
import logging
from collections import defaultdict

from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.dates import london_today
from core.urls import absolute_url, item_url
from forces.models import Force, LiaisonMembership
from inspections import rules
from inspections.models import Inspection, ItemEvent, TrackedItem
from inspections.overdue.alerts import long_date
from inspections.wording import SEPARATOR, item_heading
from notifications.services import MessageDraft, messages_enqueue_many

logger = logging.getLogger(__name__)

SOON_DUE_DAYS = 14  # "Soon due" in the daily digest.


def daily_digests_enqueue(*, today: dt.date | None = None) -> int:
    """07:00 London: each liaison officer who wants digests gets their forces' items that became
    overdue since yesterday's digest and those due in the next 14 days. Nothing to say, no email.
    Nothing of an embargoed inspection is in it."""
    today = today or london_today()
    officers = User.objects.filter(
        is_active=True, receives_digests=True, groups__name=GROUP_NAMES[Role.LIAISON]
    ).exclude(email="")
    memberships = LiaisonMembership.objects.filter(user__in=officers).values_list("user_id", "force_id")
    forces_of: dict[int, set[int]] = defaultdict(set)
    for user_id, force_id in memberships:
        forces_of[user_id].add(force_id)
    all_forces = set().union(*forces_of.values()) if forces_of else set()
    newly = defaultdict(list)
    # "Newly": flagged in the 24 hours since the previous digest (items still overdue).
    for event in (
        ItemEvent.objects.filter(
            rules.published_q(today=today, path="item__finding__inspection__"),
            kind=ItemEvent.Kind.BECAME_OVERDUE,
            at__gt=timezone.now() - dt.timedelta(hours=24),
            item__force_id__in=all_forces,
            item__overdue_flagged_on__isnull=False,
        )
        .select_related("item__finding__inspection", "item__force")
        .order_by("item__force__name", "item__finding__reference")
    ):
        newly[event.item.force_id].append(event.item)
    soon = defaultdict(list)
    for item in (
        TrackedItem.objects.filter(
            rules.published_q(today=today, path="finding__inspection__"),
            force_id__in=all_forces,
            status__in=TrackedItem.OPEN_STATUSES,
            current_target_date__gte=today,
            current_target_date__lte=today + dt.timedelta(days=SOON_DUE_DAYS),
        )
        .select_related("finding__inspection", "force")
        .order_by("current_target_date", "id")
    ):
        soon[item.force_id].append(item)
    replies = _replies_overdue_by_force(force_ids=all_forces, today=today)
    force_names = dict(Force.objects.filter(id__in=all_forces).values_list("id", "name"))
    drafts = []
    for user in officers.distinct():
        mine_new = [item for force_id in sorted(forces_of[user.pk]) for item in newly[force_id]]
        mine_soon = [item for force_id in sorted(forces_of[user.pk]) for item in soon[force_id]]
        mine_replies = [line for force_id in sorted(forces_of[user.pk]) for line in replies[force_id]]
        if not mine_new and not mine_soon and not mine_replies:
            continue
        lines = [f"Your recommendation tracker digest for {long_date(today)}.", ""]
        if mine_new:
            lines += ["Newly overdue:"] + [
                f"- {item_heading(i)}, due {long_date(i.current_target_date)}, overdue since "
                f"{long_date(rules.overdue_since(i.current_target_date))}: {item_url(i.pk)}"
                for i in mine_new
            ]
            lines.append("")
        if mine_soon:
            lines += [f"Due in the next {SOON_DUE_DAYS} days:"] + [
                f"- {item_heading(i)}, due {long_date(i.current_target_date)}: {item_url(i.pk)}" for i in mine_soon
            ]
            lines.append("")
        if mine_replies:
            lines += [
                "Reports still waiting for the governing body's published reply (the local policing body's "
                "comments within 56 days of publication for a police report; the fire and rescue authority's "
                "action plan by the inspectorate's deadline for a fire report):",
                *mine_replies,
            ]
            lines.append("")
        lines.append("You can turn these digests off on your account page.")
        drafts.append(
            MessageDraft(
                recipient=user,
                reason="digest-daily",
                key=f"{user.pk}:digest-daily:all:{today.isoformat()}",
                subject=(
                    " and ".join(sorted(force_names[f] for f in forces_of[user.pk]))
                    + f"{SEPARATOR}tracker digest: {len(mine_new)} newly overdue, {len(mine_soon)} due soon"
                ),
                body="\n".join(lines),
            )
        )
    return messages_enqueue_many(drafts=drafts)


def weekly_digests_enqueue(*, today: dt.date | None = None) -> int:
    """Monday 07:00 London: each manager who wants digests gets the national overdue picture by
    force (overdue items now, and how many became overdue in the last seven days). Published
    inspections only: an email leaves the service's access rules behind."""
    today = today or london_today()
    week_start = today - dt.timedelta(days=today.weekday())
    managers = (
        User.objects.filter(is_active=True, receives_digests=True, groups__name=GROUP_NAMES[Role.MANAGER])
        .exclude(email="")
        .distinct()
    )
    if not managers:
        return 0
    # Two grouped counts, not one annotate over two joins (which would multiply the rows).
    overdue = dict(
        TrackedItem.objects.filter(
            rules.published_q(today=today, path="finding__inspection__"),
            status__in=TrackedItem.OPEN_STATUSES,
            current_target_date__lt=today,
        )
        .values_list("force_id")
        .annotate(n=Count("id"))
    )
    new = dict(
        ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE, clock_day__gt=today - dt.timedelta(days=7))
        .values_list("item__force_id")
        .annotate(n=Count("id"))
    )
    names = dict(Force.objects.filter(id__in=set(overdue) | set(new)).values_list("id", "name"))
    rows = sorted(names, key=lambda force_id: (-overdue.get(force_id, 0), names[force_id]))
    total = sum(overdue.values())
    origins = TrackedItem.objects.aggregate(
        **{name: Count("id", filter=rules.headline_q(name, today=today)) for name in rules.OVERDUE_ORIGINS}
    )
    backlog = TrackedItem.objects.filter(verification_overdue_flagged_on__isnull=False).count()
    reports = _reports_overdue(today=today)
    review_overdue = TrackedItem.objects.filter(rules.review_overdue_q(today=today)).count()
    lines = [
        f"Overdue recommendations nationally on {long_date(today)}: {total} "
        f"({origins['overdue_here']} became overdue under the tracker, {origins['arrived_overdue']} arrived overdue).",
        f"Closure claims waiting more than {rules.VERIFICATION_DAYS} days for verification: {backlog}.",
        f"Police reports whose local policing body's comments are overdue: {reports['comments_overdue']} "
        "(published comments are due within 56 days of the report's publication, Police Act 1996 section 55).",
        f"Fire reports whose fire and rescue authority's action plan is overdue: {reports['authority_plans_overdue']} "
        "(by the deadline the inspectorate set).",
        f"Undated findings past their next review date: {review_overdue} (never counted as overdue).",
        "",
        "By force (overdue now; newly overdue in the last 7 days):",
    ] + [f"- {names[f]}: {overdue.get(f, 0)}; {new.get(f, 0)} new" for f in rows]
    lines += ["", "You can turn these digests off on your account page."]
    drafts = [
        MessageDraft(
            recipient=user,
            reason="digest-weekly",
            key=f"{user.pk}:digest-weekly:all:{week_start.isoformat()}",
            subject=f"Weekly overdue picture: {total} overdue",
            body="\n".join(lines),
        )
        for user in managers
    ]
    return messages_enqueue_many(drafts=drafts)


def _report_pairs(headline: str, *, today: dt.date, force_ids=None):
    """(inspection, force) pairs with at least one open item counted by a per-report headline:
    each report counts once however many items it holds."""
    items = TrackedItem.objects.filter(rules.headline_q(headline, today=today))
    if force_ids is not None:
        items = items.filter(force_id__in=force_ids)
    return items.order_by().values("finding__inspection_id", "force_id").distinct()


def _reports_overdue(*, today: dt.date) -> dict[str, int]:
    return {name: _report_pairs(name, today=today).count() for name in ("comments_overdue", "authority_plans_overdue")}


def _replies_overdue_by_force(*, force_ids: set[int], today: dt.date) -> dict[int, list[str]]:
    """For each force, one line per report whose governing body's reply is overdue."""
    lines: dict[int, list[str]] = defaultdict(list)
    if not force_ids:
        return lines
    for headline in ("comments_overdue", "authority_plans_overdue"):
        pairs = list(_report_pairs(headline, today=today, force_ids=force_ids))
        inspections = Inspection.objects.in_bulk({pair["finding__inspection_id"] for pair in pairs})
        names = dict(Force.objects.filter(id__in={pair["force_id"] for pair in pairs}).values_list("id", "name"))
        for pair in pairs:
            inspection = inspections[pair["finding__inspection_id"]]
            kind = Force.Kind.POLICE if headline == "comments_overdue" else Force.Kind.FIRE
            due = rules.reply_due_on(
                kind=kind,
                published_on=inspection.published_on,
                authority_plan_due_on=inspection.authority_plan_due_on,
            )
            what = "comments" if headline == "comments_overdue" else "fire and rescue authority's action plan"
            lines[pair["force_id"]].append(
                f"- {inspection.title} ({names[pair['force_id']]}): {what} due {long_date(due)}: "
                f"{absolute_url('inspections:inspection_detail', pk=inspection.pk)}"
            )
    return lines
