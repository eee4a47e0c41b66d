"""The register beyond forces: the national bodies, and who governs each force and service, with
dates and the published source beside every row."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from forces.models import Force, Governance, GoverningBody
from forces.selectors import governance_on, governing_body_on
from forces.services import BODIES_CSV, FORCES_CSV, GOVERNANCE_CSV, ForceDataError, register_load

pytestmark = pytest.mark.django_db


def test_the_register_loads_forces_bodies_and_governance_and_is_idempotent():
    first = register_load()
    assert first.organisations.total == 103
    assert Force.objects.filter(kind=Force.Kind.NATIONAL).count() == 10
    second = register_load()
    assert (second.organisations.created, second.organisations.updated) == (0, 0)
    assert (second.governance.created, second.governance.updated) == (0, 0)
    assert second.governance.total == first.governance.total == Governance.objects.count()


def test_every_force_and_service_has_a_governing_body_today_and_every_row_a_source():
    register_load()
    today = dt.date(2026, 11, 26)
    active = Force.objects.filter(active_until__isnull=True).exclude(kind=Force.Kind.NATIONAL)
    governed = governance_on(force_ids=active.values_list("id", flat=True), day=today)
    assert set(governed) == set(active.values_list("id", flat=True))
    with GOVERNANCE_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source_url"].startswith("https://") for row in rows)
    assert {row["checked"] for row in rows} <= {"yes", "partly", "type"}
    # Every territorial police force answers to a local policing body.
    police = Force.objects.filter(kind=Force.Kind.POLICE)
    bodies = governance_on(force_ids=police.values_list("id", flat=True), day=today)
    assert all(period.body.is_local_policing_body for period in bodies.values())


@pytest.mark.parametrize(
    ("organisation", "day", "body", "kind"),
    [
        (
            "Metropolitan Police Service",
            dt.date(2020, 1, 1),
            "Mayor of London (Mayor's Office for Policing and Crime)",
            "mayor",
        ),
        (
            "Greater Manchester Police",
            dt.date(2017, 5, 7),
            "Police and Crime Commissioner for Greater Manchester",
            "pcc",
        ),
        ("Greater Manchester Police", dt.date(2017, 5, 8), "Mayor of Greater Manchester", "mayor"),
        ("West Yorkshire Police", dt.date(2021, 5, 10), "Mayor of West Yorkshire", "mayor"),
        ("South Yorkshire Police", dt.date(2024, 5, 6), "Police and Crime Commissioner for South Yorkshire", "pcc"),
        ("South Yorkshire Police", dt.date(2024, 5, 7), "Mayor of South Yorkshire", "mayor"),
        ("North Yorkshire Fire and Rescue Service", dt.date(2024, 5, 7), "Mayor of York and North Yorkshire", "mayor"),
        ("Essex County Fire and Rescue Service", dt.date(2017, 9, 30), "Essex Fire Authority", "fire_authority"),
        (
            "Essex County Fire and Rescue Service",
            dt.date(2017, 10, 1),
            "Police, Fire and Crime Commissioner for Essex",
            "pfcc",
        ),
        (
            "Cumbria Fire and Rescue Service",
            dt.date(2023, 4, 1),
            "Police, Fire and Crime Commissioner for Cumbria",
            "pfcc",
        ),
        ("London Fire Brigade", dt.date(2018, 4, 1), "London Fire Commissioner", "fire_commissioner"),
        (
            "City of London Police",
            dt.date(2026, 1, 1),
            "City of London Corporation (Court of Common Council)",
            "common_council",
        ),
        ("Cleveland Fire Brigade", dt.date(2026, 1, 1), "Cleveland Fire Authority", "fire_authority"),
    ],
)
def test_the_body_in_charge_follows_the_dates(organisation, day, body, kind):
    register_load()
    found = governing_body_on(force=Force.objects.get(name=organisation), day=day)
    assert (found.name, found.kind) == (body, kind)


def test_a_row_without_a_source_stops_the_load_and_writes_nothing(tmp_path):
    path = tmp_path / "governance.csv"
    with GOVERNANCE_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[3]["source_url"] = ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ForceDataError, match="line 5: every row needs its published source"):
        register_load(governance_path=path)
    assert not Force.objects.exists() and not GoverningBody.objects.exists()


def test_two_bodies_at_once_are_refused(tmp_path):
    path = tmp_path / "governance.csv"
    path.write_text(
        "organisation,body,body_kind,starts_on,ends_on,source_url,source_note,checked\n"
        "Cleveland Police,Police and Crime Commissioner for Cleveland,pcc,2012-11-22,,https://example.org/a,,type\n"
        "Cleveland Police,Mayor of Teesside,mayor,2024-05-07,,https://example.org/b,,type\n",
        encoding="utf-8",
    )
    with pytest.raises(ForceDataError, match="two governing bodies at once"):
        register_load(governance_path=path)
    assert not Governance.objects.exists()


def test_the_command_loads_the_register_and_reports_bad_input(tmp_path, capsys):
    call_command("load_forces")
    assert "Organisations: 103 created" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_forces", "--path", str(tmp_path / "missing.csv"))
    call_command("load_forces", "--path", str(FORCES_CSV), "--path", str(BODIES_CSV))
    assert "0 created" in capsys.readouterr().out
