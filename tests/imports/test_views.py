import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ImportBatch
from imports.parsing import COLUMNS
from inspections.models import Finding, TrackedItem
from tests import factories
from tests.imports.test_services import csv_bytes


@pytest.fixture
def inspection(db):
    return factories.InspectionFactory(reference="NCPI-1", title="Child protection in Cleveland")


def _upload(client, inspection, data: bytes, name: str = "findings.csv"):
    return client.post(reverse("imports:upload"), {"inspection": inspection.pk, "file": SimpleUploadedFile(name, data)})


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


def test_a_missing_file_and_inspection_are_reported(client, staff_user):
    client.force_login(staff_user)
    page = client.post(reverse("imports:upload"), {}).content.decode()
    assert "Choose the inspection the findings belong to" in page
    assert "Select a CSV or Excel file" in page


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


def test_templates_download(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("imports:template_csv"))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 3
    response = client.get(reverse("imports:template_xlsx"))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert tuple(cell.value for cell in sheet[1]) == COLUMNS


def test_the_template_imports_cleanly(client, staff_user, inspection):
    factories.ForceFactory(name="Cleveland Police")
    client.force_login(staff_user)
    data = client.get(reverse("imports:template_csv")).getvalue()
    _upload(client, inspection, data)
    assert ImportBatch.objects.get().problem_count == 0


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
    with django_assert_num_queries(8):
        assert client.get(reverse("imports:upload")).status_code == 200
