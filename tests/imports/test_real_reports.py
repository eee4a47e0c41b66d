"""Real published findings (tests/imports/fixtures, with their sources) imported as staff would: names
and deadlines as the reports word them, five reports in one file, a re-import, and twenty items with
years of history, which must not flood the present."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import GROUP_NAMES, Role
from forces.models import Force
from forces.services import aliases_load_from_csv, forces_load_from_csv
from imports.models import ImportBatch
from imports.services import import_batch_confirm, import_batch_create
from inspections.models import Finding, Inspection, ItemEvent, TrackedItem
from inspections.overdue.digests import daily_digests_enqueue
from inspections.overdue.sweep import sweep_run
from notifications.models import Message
from reporting.selectors import dashboard_headlines
from tests import factories

FIXTURES = Path(__file__).parent / "fixtures"
LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 30, 10, tzinfo=LONDON)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def register(db):
    forces_load_from_csv()
    aliases_load_from_csv()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def import_file(user, name: str, history: str | None = None, inspection=None) -> ImportBatch:
    return import_batch_create(
        user=user,
        inspection=inspection,
        data=(FIXTURES / name).read_bytes(),
        name=name,
        history_data=(FIXTURES / history).read_bytes() if history else None,
        history_name=history or "",
    )


def by_reference(batch: ImportBatch) -> dict[str, dict]:
    reports = {report["key"]: report["reference"] for report in batch.reports}
    return {f"{reports[row['report']]} {row['reference']}": row for row in batch.rows}


def force_names(row: dict) -> list[str]:
    return list(Force.objects.filter(pk__in=row["force_ids"]).order_by("name").values_list("name", flat=True))


def test_names_as_the_reports_write_them(staff_user):
    batch = import_file(staff_user, "names.csv")
    rows = by_reference(batch)
    assert batch.unknown_columns == ["source"]
    assert rows["VALUES-CULTURE-2023 R1"]["problems"] == []
    assert force_names(rows["VALUES-CULTURE-2023 R1"]) == [
        "County Durham and Darlington Fire and Rescue Service",
        "Devon and Somerset Fire and Rescue Service",
        "Royal Berkshire Fire and Rescue Service",
    ]
    v1 = rows["PEEL-LEGITIMACY-2016 V1"]
    assert v1["problems"] == []
    assert force_names(v1) == [
        "Avon and Somerset Police",
        "Devon and Cornwall Police",
        "Durham Constabulary",
        "Hampshire and Isle of Wight Constabulary",
        "Metropolitan Police Service",
    ]
    notes = {reading["written"]: reading["note"] for reading in v1["readings"]}
    assert "former name" in notes["Hampshire Constabulary"]
    # A bare "Cleveland" in a child protection (police) inspection is the police.
    assert force_names(rows["NCPI-2017-CLEVELAND CoC1"]) == ["Cleveland Police"]
    # National bodies the register does not hold yet: refused, each named, with what to do.
    [first, second] = rows["VALUES-CULTURE-2023 R2"]["problems"]
    assert first.startswith('Forces: "National Employers" is not an organisation we know')
    assert '"the Local Government Association and the National Fire Chiefs Council"' in second
    assert 'If it names several, separate them with ";"' in second
    assert batch.problem_count == 2 and not batch.can_confirm


def test_deadlines_as_the_reports_word_them(staff_user):
    batch = import_file(staff_user, "dates.csv")
    assert batch.problem_count == 0, [row["problems"] for row in batch.rows if row["problems"]]
    rows = by_reference(batch)
    expected = {
        "PEEL-LEGITIMACY-2016 V1": (dt.date(2017, 6, 8), 'From the text: "Within six months"'),
        "PEEL-LEGITIMACY-2016 V2": (dt.date(2018, 12, 8), 'From the text: "Within two years"'),
        "PEEL-LEGITIMACY-2016 A1": (dt.date(2017, 3, 8), "3 months after publication (8 December 2016)"),
        "PEEL-LEGITIMACY-2016 A2": (dt.date(2017, 3, 31), '"Not later than 31 March 2017"'),
        "VALUES-CULTURE-2023 R1": (dt.date(2023, 10, 1), 'From the text: "By 1 October 2023"'),
        "VALUES-CULTURE-2023 R3": (dt.date(2023, 6, 1), ""),
        "VALUES-CULTURE-2023 R26": (dt.date(2023, 10, 1), ""),
        "EVERYONES-BUSINESS-2014 R1": (dt.date(2014, 9, 30), "the end of September 2014"),
    }
    for reference, (day, how) in expected.items():
        assert rows[reference]["target_date"] == day.isoformat(), reference
        assert how in rows[reference]["target_how"], (reference, rows[reference]["target_how"])
    afi = rows["PEEL-2023-25-AVON-SOMERSET AFI1"]
    assert (afi["target_date"], afi["problems"]) == (None, [])


def test_five_reports_in_one_file_with_columns_it_does_not_read(staff_user):
    batch = import_file(staff_user, "five_reports.csv")
    assert batch.problem_count == 0, [row["problems"] for row in batch.rows if row["problems"]]
    assert batch.unknown_columns == ["source", "HMI"]
    assert [report["reference"] for report in batch.reports] == [
        "VALUES-CULTURE-2023",
        "PEEL-LEGITIMACY-2016",
        "EVERYONES-BUSINESS-2014",
        "NCPI-2017-CLEVELAND",
        "NCPI-2025-CLEVELAND",
    ]
    assert all(report["inspection_id"] is None for report in batch.reports)

    batch = import_batch_confirm(batch=batch, user=staff_user)

    assert batch.state == ImportBatch.State.DONE
    assert Inspection.objects.count() == 5
    values = Inspection.objects.get(reference="VALUES-CULTURE-2023")
    assert (values.title, values.published_on, values.programme.slug) == (
        "Values and culture in fire and rescue services",
        dt.date(2023, 3, 30),
        "thematic",
    )
    assert values.report_url.startswith("https://hmicfrs.justiceinspectorates.gov.uk/")
    record = values.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        staff_user,
        "Imported from five_reports.csv",
    )
    assert TrackedItem.objects.count() == 44 * 2 + 43 * 2 + 43 + 3 + 1
    # The action plan rule, applied to the findings created: an NCPI cause of concern, six weeks on.
    concern = Finding.objects.get(inspection__reference="NCPI-2017-CLEVELAND", reference="CoC1")
    assert concern.action_plan_due_on == dt.date(2017, 9, 21) + dt.timedelta(days=42)
    assert Finding.objects.get(inspection=values, reference="R1").action_plan_due_on is None
    assert set(TrackedItem.objects.values_list("entered_on", flat=True)) == {TODAY}
    assert Finding.history.count() == Finding.objects.count()
    assert TrackedItem.history.count() == TrackedItem.objects.count()


def test_a_reimport_is_flagged_row_by_row_and_never_doubled(staff_user, client):
    import_batch_confirm(batch=import_file(staff_user, "five_reports.csv"), user=staff_user)
    items, findings = TrackedItem.objects.count(), Finding.objects.count()

    again = import_file(staff_user, "five_reports.csv")

    assert again.problem_count == 0
    assert again.skip_count == again.row_count == 9
    assert all(row["action"] == "skip" and row["notes"][0].startswith("Already in the tracker") for row in again.rows)
    assert all(report["inspection_id"] for report in again.reports)
    assert not again.can_confirm
    client.force_login(staff_user)
    page = client.get(reverse("imports:preview", kwargs={"pk": again.pk})).content.decode()
    assert "9 rows already in the tracker" in page
    assert "Confirm and save" not in page
    import_batch_confirm(batch=again, user=staff_user)
    assert (TrackedItem.objects.count(), Finding.objects.count()) == (items, findings)


def test_a_finding_in_the_tracker_may_be_addressed_to_more_organisations_but_not_renumbered(staff_user, tmp_path):
    import_batch_confirm(batch=import_file(staff_user, "five_reports.csv"), user=staff_user)
    concern = Finding.objects.get(inspection__reference="NCPI-2025-CLEVELAND", reference="CoC1")
    file = tmp_path / "more.csv"
    file.write_text(
        "report_reference,reference,category,text,forces\n"
        f'NCPI-2025-CLEVELAND,CoC1,cause of concern,"{concern.text}",Cleveland Police; Durham\n'
        f'NCPI-2025-CLEVELAND,CoC9,cause of concern,"{concern.text}",Cleveland Police\n',
        encoding="utf-8",
    )
    batch = import_batch_create(user=staff_user, inspection=None, data=file.read_bytes(), name="more.csv")
    add, renumbered = batch.rows
    assert add["action"] == "add" and add["problems"] == []
    assert force_names(add) == ["Durham Constabulary"]
    assert renumbered["problems"] == [
        "Text: the same as CoC1, earlier in the file",
        "Text: the same as CoC1, already in NCPI-2025-CLEVELAND. Remove the row, or use that reference",
    ]


def test_twenty_items_of_history_do_not_flood_the_present(staff_user, manager_user, client):
    # Officers and a manager who would be told about anything new, and two items that became
    # overdue under the tracker this month.
    for name in ("Metropolitan Police Service", "Cleveland Police", "Royal Berkshire Fire and Rescue Service"):
        officer = factories.UserFactory(username=f"liaison.{Force.objects.get(name=name).slug}")
        officer.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
        factories.LiaisonMembershipFactory(user=officer, force=Force.objects.get(name=name))
    native = factories.InspectionFactory(published_on=dt.date(2026, 6, 1))
    for force in Force.objects.filter(name__in=["Cleveland Police", "Durham Constabulary"]):
        factories.TrackedItemFactory(
            finding=factories.FindingFactory(inspection=native, target_date=dt.date(2026, 11, 1)), force=force
        )
    sweep_run()
    daily_digests_enqueue()
    messages_before = Message.objects.count()
    before = dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY)
    assert before.origins == {"overdue_here": 2, "arrived_overdue": 0}

    batch = import_file(staff_user, "history_findings.csv", history="history_changes.csv")
    assert batch.problem_count == 0, [row["problems"] for row in batch.rows if row["problems"]] + batch.history_problems
    assert (batch.item_count, batch.history_row_count) == (20, 45)
    import_batch_confirm(batch=batch, user=staff_user)
    sweep_run()
    daily_digests_enqueue()

    assert Message.objects.count() == messages_before
    after = dashboard_headlines(items=TrackedItem.objects.all(), today=TODAY)
    assert after.origins["overdue_here"] == before.origins["overdue_here"] == 2
    assert after.origins["arrived_overdue"] == 6  # open, and past their targets long before they came in
    imported = TrackedItem.objects.exclude(finding__inspection=native)
    assert imported.count() == 20
    today_events = [
        event for event in ItemEvent.objects.filter(item__in=imported) if timezone.localtime(event.at).date() == TODAY
    ]
    assert today_events == []
    assert not ItemEvent.objects.filter(item__in=imported, imported=False).exists()  # the sweep had nothing to add

    met = imported.get(force__name="Metropolitan Police Service")
    assert (met.status, met.response, met.responded_on) == ("in_progress", "partially_accepted", dt.date(2017, 2, 2))
    assert met.overdue_since(TODAY) == dt.date(2017, 6, 9) and met.arrived_overdue
    durham = imported.get(force__name="Durham Constabulary", finding__reference="V1")
    assert (durham.status, durham.closed_on) == ("complete", dt.date(2019, 1, 4))
    cleveland_2014 = imported.get(force__name="Cleveland Police", finding__reference="R1")
    assert (cleveland_2014.status, cleveland_2014.current_target_date) == ("published", dt.date(2014, 9, 30))
    withdrawn = imported.filter(finding__inspection__reference="EVERYONES-BUSINESS-2014", status="withdrawn")
    assert set(withdrawn.values_list("closed_on", flat=True)) == {dt.date(2017, 7, 17)}

    client.force_login(manager_user)
    page = client.get(reverse("inspections:item_detail", args=[met.pk])).content.decode()
    assert "9 June 2017" in page  # overdue since the day after its target, not the day it was imported
    for day in ("8 December 2016", "9 December 2016", "29 January 2018", "7 August 2018"):
        assert day in page, day
    assert "Imported" in page and "New recommendation" in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'id="origin-overdue_here" href="/recommendations/?show=overdue_here"><strong>2</strong>' in dashboard
    assert 'id="origin-arrived_overdue" href="/recommendations/?show=arrived_overdue"><strong>6</strong>' in dashboard
