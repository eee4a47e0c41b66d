"""Many tracked items quickly (bulk_create), for query-count pins and export tests, with the
dashboard's summary counted for them (as the services leave it)."""

import datetime as dt

from forces.models import Force
from inspections.models import Finding, Inspection, TrackedItem
from reporting import summary
from tests import factories

STATUSES = [
    TrackedItem.Status.PUBLISHED,
    TrackedItem.Status.IN_PROGRESS,
    TrackedItem.Status.SUBMITTED,
    TrackedItem.Status.COMPLETE,
]


def make_items(
    n: int, *, forces: list[Force], today: dt.date, text: str = "Make sure every child is safe"
) -> list[TrackedItem]:
    """`n` items spread over the forces, over 3 inspections, with targets before and after today."""
    inspections = [factories.InspectionFactory(published_on=today - dt.timedelta(days=400)) for _ in range(3)]
    for inspection in inspections:
        inspection.forces.set(forces)
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspections[i % 3],
            category=Finding.Category.RECOMMENDATION,
            reference=f"B{i}",
            text=f"{text} ({i})",
            position=i,
        )
        for i in range(n)
    )
    items = []
    for i, finding in enumerate(findings):
        status = STATUSES[i % len(STATUSES)]
        target = today + dt.timedelta(days=(i % 200) - 100)
        items.append(
            TrackedItem(
                finding=finding,
                force=forces[i % len(forces)],
                status=status,
                submitted_on=today if status == TrackedItem.Status.SUBMITTED else None,
                closed_on=today - dt.timedelta(days=i % 40) if status == TrackedItem.Status.COMPLETE else None,
                original_target_date=target,
                current_target_date=target,
                entered_on=finding.inspection.published_on,  # tracked since publication
            )
        )
    created = TrackedItem.objects.bulk_create(items, batch_size=1000)
    # The dashboard's summary counted, as a write through the services leaves it.
    summary.recount(force_ids=[force.pk for force in forces])
    return created


def inspections_for(items: list[TrackedItem]) -> set[int]:
    return set(Inspection.objects.filter(findings__items__in=items).values_list("id", flat=True))
