"""Writes for forces."""

import csv
import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from accounts.permissions import require_staff
from core.refusals import Refusal
from forces.models import Force, Governance, GoverningBody, OrganisationAlias
from forces.names import name_key

DATA = Path(__file__).resolve().parent / "data"
FORCES_CSV = DATA / "forces.csv"
# The national bodies the inspectorate addresses: the same columns as forces.csv, kept apart so
# that forces.csv stays the register of organisations inspected.
BODIES_CSV = DATA / "bodies.csv"
# Who governs each force and service, with dates and the published source of each row.
GOVERNANCE_CSV = DATA / "governance.csv"
REGISTER_FILES = (FORCES_CSV, BODIES_CSV)
# The other ways reports write organisations' names: abbreviations, short forms, former names.
ALIASES_CSV = DATA / "aliases.csv"
KINDS = {
    "police": Force.Kind.POLICE,
    "fire": Force.Kind.FIRE,
    "other": Force.Kind.OTHER,
    "national": Force.Kind.NATIONAL,
}
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


@dataclass(frozen=True)
class AliasLoadResult:
    created: int
    removed: int
    total: int
    skipped: list[str]  # organisations named in the file that are not in the register (yet)


@dataclass(frozen=True)
class RegisterResult:
    organisations: LoadResult
    governance: LoadResult
    aliases: AliasLoadResult | None = None


@transaction.atomic
def register_load(
    *,
    paths: tuple[Path, ...] = REGISTER_FILES,
    governance_path: Path | None = GOVERNANCE_CSV,
    aliases_path: Path | None = ALIASES_CSV,
) -> RegisterResult:
    """The whole register: every organisation (forces, services, national bodies), who governs
    each, and the other ways their names are written. One transaction: a bad row anywhere writes
    nothing. Idempotent."""
    created = updated = 0
    for path in paths:
        result = forces_load_from_csv(path=path)
        created, updated = created + result.created, updated + result.updated
    organisations = LoadResult(created=created, updated=updated, total=Force.objects.count())
    governance = (
        governance_load_from_csv(path=governance_path)
        if governance_path is not None
        else LoadResult(0, 0, Governance.objects.count())
    )
    aliases = aliases_load_from_csv(path=aliases_path) if aliases_path is not None else None
    return RegisterResult(organisations=organisations, governance=governance, aliases=aliases)


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
            raise ForceDataError(
                f"{path.name} line {line}: a name and a kind (police, fire, other, national) are required"
            )
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


GOVERNANCE_COLUMNS = ("organisation", "body", "body_kind", "starts_on", "ends_on", "source_url", "source_note")


def _optional_date(value: str | None, *, where: str, column: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ForceDataError(f"{where}: {column} must be a date like 2017-10-01") from None


@transaction.atomic
def governance_load_from_csv(*, path: Path = GOVERNANCE_CSV) -> LoadResult:
    """Create or update who governs each organisation, from the CSV, which is the whole truth:
    a period no longer in the file is removed. Every row names its published source. A bad row
    stops the load with its line number, and nothing is written."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in GOVERNANCE_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ForceDataError(f"{path.name}: the columns {', '.join(missing)} are missing")
        rows = list(reader)
    organisations = {force.name: force for force in Force.objects.all()}
    bodies = {body.name: body for body in GoverningBody.objects.all()}
    wanted: set[tuple[int, int, dt.date | None]] = set()
    created = updated = 0
    for line, row in enumerate(rows, start=2):
        where = f"{path.name} line {line}"
        name, body_name = (row["organisation"] or "").strip(), (row["body"] or "").strip()
        kind, source = (row["body_kind"] or "").strip(), (row["source_url"] or "").strip()
        if name not in organisations:
            raise ForceDataError(f"{where}: {name or 'the organisation'} is not in the register")
        if not body_name or kind not in GoverningBody.Kind.values:
            raise ForceDataError(
                f"{where}: a body and a body_kind ({', '.join(GoverningBody.Kind.values)}) are required"
            )
        if not source.startswith("https://"):
            raise ForceDataError(f"{where}: every row needs its published source (an https:// address)")
        starts_on = _optional_date(row["starts_on"], where=where, column="starts_on")
        ends_on = _optional_date(row["ends_on"], where=where, column="ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise ForceDataError(f"{where}: ends_on is before starts_on")
        body = bodies.get(body_name)
        if body is None:
            body = bodies[body_name] = GoverningBody.objects.create(name=body_name, kind=kind)
        elif body.kind != kind:
            body.kind = kind
            body.save(update_fields=["kind", "updated_at"])
        organisation = organisations[name]
        values = {"ends_on": ends_on, "source_url": source, "source_note": (row["source_note"] or "").strip()}
        period, made = Governance.objects.get_or_create(
            organisation=organisation, body=body, starts_on=starts_on, defaults=values
        )
        if made:
            created += 1
        elif any(getattr(period, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(period, key, value)
            period.save()
            updated += 1
        wanted.add((organisation.pk, body.pk, starts_on))
    for period in Governance.objects.all():
        if (period.organisation_id, period.body_id, period.starts_on) not in wanted:
            period.delete()
    _check_no_overlaps()
    return LoadResult(created=created, updated=updated, total=Governance.objects.count())


def _check_no_overlaps() -> None:
    """One organisation is governed by one body at a time (a transfer ends the day before the
    next body starts)."""
    periods: dict[int, list[Governance]] = {}
    for period in Governance.objects.select_related("organisation", "body").order_by("organisation_id", "starts_on"):
        periods.setdefault(period.organisation_id, []).append(period)
    for rows in periods.values():
        ordered = sorted(rows, key=lambda p: p.starts_on or dt.date.min)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.ends_on is None or (later.starts_on is not None and later.starts_on <= earlier.ends_on):
                raise ForceDataError(
                    f"{GOVERNANCE_CSV.name}: {earlier.organisation.name} has two governing bodies at once "
                    f"({earlier.body.name} and {later.body.name}); end the first the day before the second starts"
                )


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
