"""A finding's page: each addressee's response, status and judgement, and the roll-up."""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.dates import london_today
from core.selectors import get_visible_or_404
from forces.models import Force
from inspections import selectors
from inspections.models import TrackedItem

# How a roll-up names each kind of addressee: "31 of 43 forces, 2 of 3 national bodies complete".
ROLLUP_GROUPS = (
    ((Force.Kind.POLICE, Force.Kind.OTHER), "force", "forces"),
    ((Force.Kind.FIRE,), "fire and rescue service", "fire and rescue services"),
    ((Force.Kind.NATIONAL,), "national body", "national bodies"),
)


@dataclass
class RollUp:
    total: int
    complete: int
    overdue: int
    closed_otherwise: int
    submitted: int
    groups: list[tuple[str, int, int]] = field(default_factory=list)  # (noun, complete, total)

    @property
    def line(self) -> str:
        """ "31 of 43 forces complete, 5 overdue", or with several kinds of addressee
        "31 of 43 forces, 2 of 3 national bodies complete; 5 overdue"."""
        parts = [f"{complete} of {total} {noun}" for noun, complete, total in self.groups]
        if len(parts) > 1:
            return f"{', '.join(parts)} complete; {self.overdue} overdue"
        return f"{parts[0] if parts else '0 of 0 forces'} complete, {self.overdue} overdue"


def finding_rollup(*, items: list[TrackedItem], today) -> RollUp:
    # Computed from the rows already fetched for the table, so the page costs no extra query.
    groups = []
    for kinds, singular, plural in ROLLUP_GROUPS:
        mine = [item for item in items if item.force.kind in kinds]
        if mine:
            complete = sum(item.status == TrackedItem.Status.COMPLETE for item in mine)
            groups.append((singular if len(mine) == 1 else plural, complete, len(mine)))
    return RollUp(
        total=len(items),
        complete=sum(item.status == TrackedItem.Status.COMPLETE for item in items),
        overdue=sum(item.is_overdue(today) for item in items),
        closed_otherwise=sum(item.is_closed and item.status != TrackedItem.Status.COMPLETE for item in items),
        submitted=sum(item.status == TrackedItem.Status.SUBMITTED for item in items),
        groups=groups,
    )


@require_GET
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    findings = selectors.findings_visible_to(user=request.user).select_related(
        "inspection__programme", "cause_of_concern"
    )
    finding = get_visible_or_404(findings, pk=pk)
    items = list(
        selectors.items_visible_to(user=request.user)
        .filter(finding=finding)
        .select_related("force", "finding")
        .order_by("force__name")
    )
    today = london_today()
    inspection = finding.inspection
    # Earlier findings worded alike, among those this user may see.
    earlier = selectors.findings_visible_to(user=request.user)
    if inspection.published_on:
        earlier = earlier.filter(inspection__published_on__lte=inspection.published_on)
    similar = selectors.findings_similar(text=finding.text, findings=earlier, exclude_id=finding.pk)
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "items": items,
            "rollup": finding_rollup(items=items, today=today),
            "today": today,
            "themes": finding.themes.order_by("name"),
            "can_tag": request.user.is_inspectorate_staff,
            "similar": similar,
            "recurrence": selectors.recurrence_summary(
                similar=similar, items=selectors.items_visible_to(user=request.user)
            ),
            "crumbs": [
                ("Inspections", reverse("inspections:inspection_list")),
                (inspection.reference, reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})),
                (finding.reference, None),
            ],
        },
    )
