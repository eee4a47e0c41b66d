import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import Finding, TrackedItem
from reporting.views.exports import HEADINGS
from tests import factories
from tests.inspections.bulk import make_items

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
EVIL = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def _csv_rows(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_csv_of_5000_rows_has_every_row_and_neutralises_formulas(client, staff_user, force, other_force):
    make_items(5000, forces=[force, other_force], today=TODAY, text=EVIL)
    client.force_login(staff_user)
    response = client.get(reverse("reporting:item_export"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0] == HEADINGS
    assert len(rows) == 5001
    text_at = HEADINGS.index("Text")
    assert all(row[text_at].startswith("'=HYPERLINK(") for row in rows[1:])


def test_xlsx_of_5000_rows_has_every_row_and_neutralises_formulas(client, staff_user, force):
    make_items(5000, forces=[force], today=TODAY, text=EVIL)
    client.force_login(staff_user)
    rows = _xlsx_rows(client.get(reverse("reporting:item_export"), {"format": "xlsx"}))
    assert list(rows[0]) == HEADINGS
    assert len(rows) == 5001
    text_at = HEADINGS.index("Text")
    assert all(row[text_at].startswith("'=HYPERLINK(") for row in rows[1:])


def test_export_holds_exactly_the_filtered_list(client, staff_user, force, other_force):
    make_items(80, forces=[force, other_force], today=TODAY)
    client.force_login(staff_user)
    query = {"force": force.slug, "show": "overdue"}
    rows = _csv_rows(client.get(reverse("reporting:item_export"), {**query, "format": "csv"}))
    html = client.get(reverse("inspections:item_list"), query).content.decode()
    expected = TrackedItem.objects.filter(
        force=force, status__in=TrackedItem.OPEN_STATUSES, current_target_date__lt=TODAY
    )
    assert len(rows) - 1 == expected.count() > 0
    assert f"{expected.count()} recommendations" in html
    ids = {int(row[HEADINGS.index("Item id")]) for row in rows[1:]}
    assert ids == set(expected.values_list("id", flat=True))
    assert all(int(row[HEADINGS.index("Days overdue")]) > 0 for row in rows[1:])


def test_a_liaison_exports_only_their_forces(client, liaison_user, item, other_item):
    client.force_login(liaison_user)
    rows = _csv_rows(client.get(reverse("reporting:item_export"), {"format": "csv"}))
    assert [int(row[HEADINGS.index("Item id")]) for row in rows[1:]] == [item.pk]
    # Even asking for the other force by name gives nothing of it.
    rows = _csv_rows(client.get(reverse("reporting:item_export"), {"format": "csv", "q": other_item.force.name}))
    assert len(rows) == 1


def test_values_are_in_words(client, staff_user, force):
    factories.TrackedItemFactory(
        force=force,
        status="in_progress",
        finding=factories.FindingFactory(category=Finding.Category.AREA_FOR_IMPROVEMENT),
    )
    client.force_login(staff_user)
    row = _csv_rows(client.get(reverse("reporting:item_export"), {"format": "csv"}))[1]
    assert row[HEADINGS.index("Status")] == "In progress"
    assert row[HEADINGS.index("Category")] == "Area for improvement"
    assert row[HEADINGS.index("Kind")] == "Police force"


@pytest.mark.parametrize("size", [10, 500])
def test_export_query_count_is_constant(size, client, staff_user, force, django_assert_num_queries):
    make_items(size, forces=[force], today=TODAY)
    client.force_login(staff_user)
    # Two are the record of the export: the row count and the insert.
    with django_assert_num_queries(10):
        response = client.get(reverse("reporting:item_export"), {"format": "csv"})
        assert len(_csv_rows(response)) == size + 1


def test_the_export_gives_overdue_since_and_whether_it_arrived_overdue(client, staff_user, force):
    here = factories.TrackedItemFactory(force=force, finding__target_date=dt.date(2026, 3, 31))
    arrived = factories.TrackedItemFactory(
        force=force, finding__target_date=dt.date(2019, 6, 30), entered_on=dt.date(2026, 1, 5)
    )
    client.force_login(staff_user)
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        body = b"".join(client.get(reverse("reporting:item_export"), {"format": "csv"}).streaming_content)
    rows = {int(r["Item id"]): r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    assert (rows[here.pk]["Overdue since"], rows[here.pk]["Arrived overdue"]) == ("2026-04-01", "no")
    assert (rows[arrived.pk]["Overdue since"], rows[arrived.pk]["Arrived overdue"]) == ("2019-07-01", "yes")
    assert rows[arrived.pk]["In the tracker since"] == "2026-01-05"
