"""Writes for forces."""

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from accounts.permissions import require_staff
from forces.models import Force, OrganisationAlias
from forces.names import name_key

FORCES_CSV = Path(__file__).resolve().parent / "data" / "forces.csv"
ALIASES_CSV = Path(__file__).resolve().parent / "data" / "aliases.csv"
KINDS = {"police": Force.Kind.POLICE, "fire": Force.Kind.FIRE, "other": Force.Kind.OTHER}
# Forces in enhanced monitoring ("engage") in June 2022, as DOMAIN.md records.
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


class ForceDataError(ValueError):
    pass


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


@dataclass(frozen=True)
class AliasLoadResult:
    created: int
    removed: int
    total: int
    skipped: list[str]  # organisations named in the file that are not in the register (yet)


@transaction.atomic
def aliases_load_from_csv(*, path: Path = ALIASES_CSV) -> AliasLoadResult:
    """Make the stored aliases exactly those of the file (columns: organisation (its slug), alias,
    kind (alias or former), note). Idempotent. Rows for organisations not in the register are
    skipped and named in the result, so the file may already hold the aliases of bodies the
    register will hold later. An alias that another organisation's own name already answers to,
    or that appears twice, stops the load with its line number, and nothing is written."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    forces = {force.slug: force for force in Force.objects.all()}
    own_names = {name_key(force.name): force for force in forces.values()}
    wanted: dict[str, tuple[Force, str, str, str]] = {}
    skipped: list[str] = []
    for line, row in enumerate(rows, start=2):
        slug = (row.get("organisation") or "").strip()
        alias = " ".join((row.get("alias") or "").split())
        kind = (row.get("kind") or OrganisationAlias.Kind.ALIAS).strip() or OrganisationAlias.Kind.ALIAS
        if not slug or not alias:
            raise ForceDataError(f"{path.name} line {line}: an organisation and an alias are required")
        if kind not in OrganisationAlias.Kind.values:
            raise ForceDataError(f"{path.name} line {line}: the kind must be alias or former")
        force = forces.get(slug)
        if force is None:
            skipped.append(slug)
            continue
        key = name_key(alias)
        clash = next((other for k, other in own_names.items() if k.matches(key) and other != force), None)
        if clash is not None:
            raise ForceDataError(f"{path.name} line {line}: {alias} is already how {clash.name} is written")
        if alias.casefold() in wanted:
            raise ForceDataError(f"{path.name} line {line}: {alias} appears twice")
        wanted[alias.casefold()] = (force, alias, kind, (row.get("note") or "").strip())
    existing = {a.alias.casefold(): a for a in OrganisationAlias.objects.select_related("force")}
    removed = 0
    for folded, stored in existing.items():
        want = wanted.get(folded)
        if want is None or (stored.force_id, stored.alias, stored.kind, stored.note) != (want[0].pk, *want[1:]):
            stored.delete()
            removed += 1
    current = set(OrganisationAlias.objects.values_list("alias", flat=True))
    new = [
        OrganisationAlias(force=force, alias=alias, kind=kind, note=note)
        for force, alias, kind, note in wanted.values()
        if alias not in current
    ]
    OrganisationAlias.objects.bulk_create(new)
    return AliasLoadResult(
        created=len(new), removed=removed, total=OrganisationAlias.objects.count(), skipped=sorted(set(skipped))
    )


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
