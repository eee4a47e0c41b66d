import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from forces.services import aliases_load_from_csv, forces_load_from_csv
from imports.models import ImportBatch
from imports.parsing import COLUMNS, HISTORY_COLUMNS
from inspections.models import Finding, TrackedItem
from tests import factories
from tests.imports.test_services import HEADER, csv_bytes


@pytest.fixture
def inspection(db):
    return factories.InspectionFactory(reference="NCPI-1", title="Child protection in Cleveland")


def _upload(client, inspection, data: bytes, name: str = "findings.csv"):
    return client.post(
        reverse("imports:upload"), {"inspection": inspection.reference, "file": SimpleUploadedFile(name, data)}
    )


def test_upload_preview_confirm(client, staff_user, inspection, force):
    client.force_login(staff_user)
    data = csv_bytes([["R1", "recommendation", "Assess every missing child.", force.name, "31/03/2027", ""]])
    response = _upload(client, inspection, data)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:preview", kwargs={"pk": batch.pk})

    page = client.get(response["Location"]).content.decode()
    assert "Check the findings" in page
    assert "Assess every missing child." in page
    assert "31 March 2027" in page
    assert "Confirm and save" in page
    assert Finding.objects.count() == 0

    response = client.post(reverse("imports:confirm", kwargs={"pk": batch.pk}), follow=True)
    page = response.content.decode()
    assert "Findings imported" in page
    assert "1 finding and 1 tracked item saved" in page
    assert 'http-equiv="refresh"' not in page
    assert TrackedItem.objects.get().force == force


def test_a_file_with_problems_shows_them_and_cannot_be_confirmed(client, staff_user, inspection, force):
    client.force_login(staff_user)
    data = csv_bytes([["R1", "recommendation", "", "Atlantis Police", "someday", ""]])
    _upload(client, inspection, data)
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).content.decode()
    assert "The file has 3 problems in 1 row" in page
    assert "Row 2: Text: enter the text of the finding" in page
    assert "Confirm and save" not in page
    client.post(reverse("imports:confirm", kwargs={"pk": batch.pk}))
    assert Finding.objects.count() == 0


def test_a_bad_file_is_refused_on_the_upload_page_with_its_message(client, staff_user, inspection):
    client.force_login(staff_user)
    response = _upload(client, inspection, b"%PDF-1.4\n...", name="findings.csv")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The selected file must be a CSV or an Excel workbook (.xlsx)" in page
    assert ImportBatch.objects.count() == 0


def test_a_missing_file_is_reported_and_the_inspection_is_optional(client, staff_user):
    client.force_login(staff_user)
    page = client.post(reverse("imports:upload"), {}).content.decode()
    assert "Select a CSV or Excel file" in page
    assert "id_inspection-error" not in page


def test_progress_page_updates_its_figures_in_place_while_working(client, staff_user, inspection):
    batch = ImportBatch.objects.create(
        inspection=inspection, uploaded_by=staff_user, original_name="big.csv", state="queued", row_count=10_000
    )
    client.force_login(staff_user)
    page = client.get(reverse("imports:progress", kwargs={"pk": batch.pk})).content.decode()
    # No timed reload (it would take the reader's place away): a module re-reads the figures.
    assert 'http-equiv="refresh"' not in page
    assert re.search(r'<script type="module" src="[^"]*js/progress\.[0-9a-f.]*mjs"></script>', page)
    assert "0 of 10,000 rows saved" in page
    assert "<script>" not in page


def test_templates_download_with_every_column_and_an_example_of_each_kind(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("imports:template_csv"))
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert {row["category"] for row in rows} == {"cause of concern", "recommendation", "area for improvement"}
    assert any(row["status"] for row in rows) and any(row["target_date"].startswith("Within") for row in rows)
    workbook = load_workbook(io.BytesIO(client.get(reverse("imports:template_xlsx")).getvalue()))
    assert tuple(cell.value for cell in workbook["Findings"][1]) == COLUMNS
    assert tuple(cell.value for cell in workbook["History"][1]) == HISTORY_COLUMNS
    history = list(
        csv.reader(io.StringIO(client.get(reverse("imports:history_template_csv")).getvalue().decode("utf-8-sig")))
    )
    assert tuple(history[0]) == HISTORY_COLUMNS and len(history) == 3


@pytest.mark.parametrize("name", ["imports:template_csv", "imports:template_xlsx"])
def test_the_template_imports_cleanly(client, staff_user, name):
    forces_load_from_csv()
    aliases_load_from_csv()
    client.force_login(staff_user)
    data = client.get(reverse(name)).getvalue()
    client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("template", data)})
    batch = ImportBatch.objects.get()
    assert batch.problem_count == 0, [row["problems"] for row in batch.rows] + batch.history_problems
    assert len(batch.reports) == 2 and batch.skip_count == 0
    assert batch.history_row_count == (2 if name.endswith("xlsx") else 0)


def test_a_history_file_is_uploaded_beside_the_findings(client, staff_user, inspection, force):
    client.force_login(staff_user)
    findings = csv_bytes([["R1", "recommendation", "Assess every missing child.", force.name, "31/12/2025", ""]])
    history = b"reference,date,status,comment\nR1,01/06/2025,being progressed,A plan is in place.\n"
    response = client.post(
        reverse("imports:upload"),
        {
            "inspection": inspection.reference,
            "file": SimpleUploadedFile("f.csv", findings),
            "history_file": SimpleUploadedFile("h.csv", history),
        },
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:preview", kwargs={"pk": batch.pk})
    page = client.get(response["Location"]).content.decode()
    assert "with the history in h.csv" in page
    assert "In progress since 1 June 2025" in page and "1 history line" in page


def test_a_bad_history_file_is_refused_beside_its_field(client, staff_user, inspection, force):
    client.force_login(staff_user)
    findings = csv_bytes([["R1", "recommendation", "Assess every missing child.", force.name, "31/12/2025", ""]])
    response = client.post(
        reverse("imports:upload"),
        {
            "inspection": inspection.reference,
            "file": SimpleUploadedFile("f.csv", findings),
            "history_file": SimpleUploadedFile("h.csv", b"reference,status\nR1,complete\n"),
        },
    )
    page = response.content.decode()
    assert 'id="id_history_file-error"' in page
    assert "The history file is missing the column date" in page
    assert ImportBatch.objects.count() == 0


def test_the_preview_shows_how_each_row_was_read(client, staff_user, inspection):
    forces_load_from_csv()
    aliases_load_from_csv()
    client.force_login(staff_user)
    data = (
        csv_bytes(
            [
                [
                    "R1",
                    "recommendation",
                    "Within six months, the force should act.\n\n- first\n- second",
                    "Devon & Cornwall Police",
                    "",
                    "",
                ]
            ],
            header=[*HEADER[:6]],
        )
        + b""
    )
    data = data.replace(b"cause_of_concern\r\n", b"cause_of_concern,Notes\r\n", 1)
    _upload(client, inspection, data)
    batch = ImportBatch.objects.get()
    page = client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).content.decode()
    assert "Read as Devon and Cornwall Police" in page
    assert "1 November 2025" in page and "6 months after publication (1 May 2025)" in page
    assert '<ul class="govuk-list govuk-list--bullet govuk-body-s"><li>first</li><li>second</li></ul>' in page
    assert "These columns are not read, and nothing in them will be saved: Notes" in page
    # The rows scroll inside a region keyboard users can reach; each row can take focus from the summary.
    assert 'class="app-table-wrap" role="region" aria-labelledby="rows-caption" tabindex="0"' in page
    assert 'id="row-2" tabindex="-1"' in page


def test_the_help_page_lists_columns_names_and_date_forms(client, staff_user):
    forces_load_from_csv()
    aliases_load_from_csv()
    client.force_login(staff_user)
    page = client.get(reverse("imports:help")).content.decode()
    for expected in (
        "<code>report_reference</code>",
        "<code>last_progress</code>",
        "Not later than 31 March 2015",
        "Within six months",
        "all forces in Wales",
        "Hampshire Constabulary (former name: renamed Hampshire and Isle of Wight Constabulary in November 2022)",
        "GMP",
        "awaiting review",
        "Until 31 March 2021: now Hampshire and Isle of Wight Fire and Rescue Service",
    ):
        assert expected in page, expected


def test_staff_see_the_import_link_in_the_navigation(client, staff_user, liaison_user):
    client.force_login(staff_user)
    assert 'href="/imports/"' in client.get("/").content.decode()
    client.force_login(liaison_user)
    assert 'href="/imports/"' not in client.get("/").content.decode()


def test_the_old_open_data_address_sends_everyone_to_the_public_register_file(client, liaison_user):
    for user in (None, liaison_user):
        if user:
            client.force_login(user)
        response = client.get(reverse("imports:open_data"))
        assert response.status_code == 301
        assert response["Location"] == reverse("register:register_download", kwargs={"fmt": "csv"})


@pytest.mark.parametrize("size", [1, 8])
def test_upload_page_query_count_does_not_grow_with_recent_imports(
    client, staff_user, inspection, size, django_assert_num_queries
):
    for n in range(size):
        ImportBatch.objects.create(inspection=inspection, uploaded_by=staff_user, original_name=f"f{n}.csv")
    client.force_login(staff_user)
    # The same count at both sizes: the recent imports come with their inspection and uploader.
    with django_assert_num_queries(7):
        assert client.get(reverse("imports:upload")).status_code == 200
