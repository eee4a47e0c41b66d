"""Organisations as reports write them, matched against the real register (forces/data)."""

import pytest

from forces.models import Force, OrganisationAlias
from forces.names import FIRE, POLICE
from forces.services import aliases_load_from_csv, forces_load_from_csv
from imports.names import OrganisationDirectory


@pytest.fixture
def directory(db) -> OrganisationDirectory:
    forces_load_from_csv()
    aliases_load_from_csv()
    return OrganisationDirectory()


def names(directory: OrganisationDirectory, text: str, hint: str | None = None) -> list[str]:
    resolved = directory.resolve(text, hint=hint)
    assert resolved.problems == [], resolved.problems
    return [directory.orgs[pk].name for pk in resolved.force_ids]


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("Avon and Somerset Constabulary", "Avon and Somerset Police"),
        ("Devon & Cornwall Police", "Devon and Cornwall Police"),
        ("Metropolitan Police", "Metropolitan Police Service"),
        ("the Met", "Metropolitan Police Service"),
        ("Durham", "Durham Constabulary"),
        ("Royal Berkshire FRS", "Royal Berkshire Fire and Rescue Service"),
        ("County Durham and Darlington FRS", "County Durham and Darlington Fire and Rescue Service"),
        ("Durham & Darlington Fire and Rescue", "County Durham and Darlington Fire and Rescue Service"),
        ("Hampshire Constabulary", "Hampshire and Isle of Wight Constabulary"),
        ("GMP", "Greater Manchester Police"),
        ("dyfed-powys-police", "Dyfed-Powys Police"),
        ("Dyfed Powys", "Dyfed-Powys Police"),
        ("ESSEX COUNTY FIRE & RESCUE SERVICE", "Essex County Fire and Rescue Service"),
        ("Essex Fire and Rescue Service", "Essex County Fire and Rescue Service"),
        ("South Yorkshire Fire and Rescue Service", "South Yorkshire Fire and Rescue"),
    ],
)
def test_names_as_reports_write_them_find_their_organisation(directory, written, official):
    assert names(directory, written) == [official]


def test_a_reading_is_shown_only_when_the_name_differs(directory):
    assert directory.resolve("Cleveland Police").readings == []
    [reading] = directory.resolve("Devon & Cornwall Police").readings
    assert reading == {"written": "Devon & Cornwall Police", "read_as": "Devon and Cornwall Police", "note": ""}


def test_a_former_name_resolves_to_its_successor_with_a_note(directory):
    [reading] = directory.resolve("Hampshire Constabulary").readings
    assert reading["read_as"] == "Hampshire and Isle of Wight Constabulary"
    assert "former name" in reading["note"] and "2022" in reading["note"]


def test_a_service_that_merged_is_tracked_by_the_one_carrying_its_work_on(directory):
    resolved = directory.resolve("Isle of Wight FRS; Hampshire Fire and Rescue Service")
    assert [directory.orgs[pk].name for pk in resolved.force_ids] == [
        "Hampshire and Isle of Wight Fire and Rescue Service"
    ]
    assert "became part of Hampshire and Isle of Wight Fire and Rescue Service" in resolved.readings[0]["note"]


def test_a_name_two_organisations_share_is_read_in_the_light_of_the_report(directory):
    problem = directory.resolve("Cleveland").problems[0]
    assert problem == '"Cleveland" could be Cleveland Fire Brigade or Cleveland Police: write the full name'
    assert names(directory, "Cleveland", hint=POLICE) == ["Cleveland Police"]
    assert names(directory, "Cleveland", hint=FIRE) == ["Cleveland Fire Brigade"]


def test_group_words(directory):
    police = Force.objects.filter(kind=Force.Kind.POLICE, active_until__isnull=True).count()
    fire = Force.objects.filter(kind=Force.Kind.FIRE, active_until__isnull=True).count()
    assert (police, fire) == (43, 44)
    for words in ("all police forces", "All forces", "all chief constables", "every police force", "all 43 forces"):
        assert len(directory.resolve(words).force_ids) == police, words
    for words in ("all fire and rescue services", "all FRSs", "all chief fire officers"):
        assert len(directory.resolve(words).force_ids) == fire, words
    assert names(directory, "all forces in Wales") == [
        "Dyfed-Powys Police",
        "Gwent Police",
        "North Wales Police",
        "South Wales Police",
    ]
    assert names(directory, "all Welsh forces") == names(directory, "all forces in Wales")
    assert len(directory.resolve("all fire and rescue services in the North East").force_ids) == 4
    assert directory.resolve("all fire and rescue services in the North East").readings[0]["read_as"] == (
        "4 fire and rescue services in the North East"
    )


def test_a_region_alone_takes_the_reports_kind_or_asks(directory):
    assert "could mean its police forces or its fire and rescue services" in directory.resolve("North East").problems[0]
    assert names(directory, "North East", hint=POLICE) == [
        "Cleveland Police",
        "Durham Constabulary",
        "Northumbria Police",
    ]
    assert '"Atlantis" is not a region or country we know' in directory.resolve("all forces in Atlantis").problems[0]


def test_lists_of_addressees_separated_by_semicolons_commas_and_and(directory):
    assert names(directory, "Avon and Somerset Police and Devon and Cornwall Police") == [
        "Avon and Somerset Police",
        "Devon and Cornwall Police",
    ]
    assert names(directory, "Cleveland Police, Durham Constabulary and Northumbria Police") == [
        "Cleveland Police",
        "Durham Constabulary",
        "Northumbria Police",
    ]
    assert len(directory.resolve("all police forces; the Met").force_ids) == 43  # each organisation once


def test_a_body_not_in_the_register_is_named_as_the_part_to_correct(directory):
    resolved = directory.resolve("all fire and rescue services and the National Fire Chiefs Council")
    assert len(resolved.force_ids) == 44
    assert resolved.problems == [
        '"the National Fire Chiefs Council" is not an organisation we know. Check the spelling, or see the accepted names.'
    ]


def test_bodies_are_matched_like_any_organisation_once_the_register_holds_them(directory):
    nfcc = Force.objects.create(
        name="National Fire Chiefs Council",
        slug="national-fire-chiefs-council",
        kind=Force.Kind.OTHER,
        region="National",
        country="England",
    )
    aliases_load_from_csv()  # its aliases (NFCC) load once it exists
    assert OrganisationAlias.objects.filter(force=nfcc, alias="NFCC").exists()
    fresh = OrganisationDirectory()
    resolved = fresh.resolve("all fire and rescue services and the National Fire Chiefs Council")
    assert resolved.problems == []
    assert nfcc.pk in resolved.force_ids and len(resolved.force_ids) == 45
    assert names(fresh, "NFCC") == ["National Fire Chiefs Council"]


def test_an_unknown_name_gets_did_you_mean_with_up_to_three_names(directory):
    [problem] = directory.resolve("Devon and Cornwal Police").problems
    assert problem.startswith('"Devon and Cornwal Police" is not an organisation we know. Did you mean ')
    assert "Devon and Cornwall Police" in problem
    suggestions = problem.split("Did you mean ")[1]
    assert suggestions.count(",") + suggestions.count(" or ") <= 2


def test_aliases_are_loaded_idempotently_and_a_clash_with_another_name_is_refused(db, tmp_path):
    from forces.services import ForceDataError

    forces_load_from_csv()
    first = aliases_load_from_csv()
    again = aliases_load_from_csv()
    assert first.created > 30 and again.created == again.removed == 0
    assert "national-fire-chiefs-council" in first.skipped
    bad = tmp_path / "aliases.csv"
    bad.write_text(
        "organisation,alias,kind,note\ncounty-durham-and-darlington-fire-and-rescue-service,Durham Police,alias,\n"
    )
    with pytest.raises(ForceDataError, match="line 2: Durham Police is already how Durham Constabulary is written"):
        aliases_load_from_csv(path=bad)
    assert OrganisationAlias.objects.count() == first.total  # nothing written
