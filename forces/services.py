"""Writes for forces."""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from accounts.permissions import require_staff
from core.refusals import Refusal
from forces.models import Force

FORCES_CSV = Path(__file__).resolve().parent / "data" / "forces.csv"
KINDS = {"police": Force.Kind.POLICE, "fire": Force.Kind.FIRE, "other": Force.Kind.OTHER}
# Forces in enhanced monitoring ("engage") in June 2022, as docs/domain.md records.
ENGAGE = {
    "Cleveland Police",
    "Metropolitan Police Service",
    "Greater Manchester Police",
    "Gloucestershire Constabulary",
    "Staffordshire Police",
    "Wiltshire Police",
}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    total: int


class ForceDataError(Refusal):
    """The register of organisations or a change to one cannot be saved; the message says why."""


@transaction.atomic
def forces_load_from_csv(*, path: Path = FORCES_CSV) -> LoadResult:
    """Create or update every organisation in the CSV. Idempotent: a second run changes nothing.
    A bad row stops the load with its line number, and nothing is written."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    created = updated = 0
    successors: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        kind = KINDS.get((row.get("kind") or "").strip())
        if not name or kind is None:
            raise ForceDataError(f"{path.name} line {line}: a name and a kind (police, fire, other) are required")
        active_until = None
        if row.get("active_until"):
            try:
                active_until = dt.date.fromisoformat(row["active_until"].strip())
            except ValueError:
                raise ForceDataError(f"{path.name} line {line}: active_until must be a date like 2021-03-31") from None
        values = {
            "slug": slugify(name),
            "kind": kind,
            "region": row["region"].strip(),
            "country": row["country"].strip(),
            "active_until": active_until,
        }
        force = Force.objects.filter(name=name).first()
        if force is None:
            Force.objects.create(
                name=name,
                monitoring_stage=Force.MonitoringStage.ENGAGE if name in ENGAGE else Force.MonitoringStage.SCAN,
                **values,
            )
            created += 1
        elif any(getattr(force, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(force, key, value)
            force.save()
            updated += 1
        if row.get("successor"):
            successors[name] = row["successor"].strip()
    by_name = {force.name: force for force in Force.objects.filter(name__in=[*successors, *successors.values()])}
    for name, successor_name in successors.items():
        if successor_name not in by_name:
            raise ForceDataError(f"{path.name}: the successor of {name}, {successor_name}, is not in the file")
        force = by_name[name]
        if force.successor_id != by_name[successor_name].id:
            force.successor = by_name[successor_name]
            force.save(update_fields=["successor", "updated_at"])
    return LoadResult(created=created, updated=updated, total=Force.objects.count())


def force_monitoring_update(*, force: Force, user, staff_lead, monitoring_stage: str) -> Force:
    """Staff set who leads on a force for the inspectorate (told of every escalation) and its
    monitoring stage (scan or engage). Recorded in the force's history with who changed it."""
    require_staff(user)
    if monitoring_stage not in Force.MonitoringStage.values:
        raise ForceDataError("Choose scan or engage")
    if staff_lead is not None and not staff_lead.is_inspectorate_staff:
        raise ForceDataError("The staff lead must be a member of inspectorate staff")
    force.staff_lead = staff_lead
    force.monitoring_stage = monitoring_stage
    force._change_reason = "Monitoring changed"
    force.save(update_fields=["staff_lead", "monitoring_stage", "updated_at"])
    return force
