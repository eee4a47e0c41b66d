"""Every download writes whatever is stored: text saved before the text policy existed (a vertical
tab pasted from Word, a bell or form feed in an imported finding, a reference with a line break)
never breaks an export, the meeting pack, open data, the API or an email."""

import csv
import datetime as dt
import io
import json
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from inspections import services
from inspections.models import ItemEvent
from notifications.services import messages_deliver
from reporting.papers import CommentsScope, comments_draft_docx
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE_FINDING = "Assess every child\x0c at risk\x07 within 24 hours."
HOSTILE_UPDATE = "Training done.\x0bNext: audit\x1b[31m."


@pytest.fixture
def stored(force, liaison_user):
    # Written as older versions of the service, or another tool, could have: past every check.
    finding = factories.FindingFactory(reference="R-\nX", text=HOSTILE_FINDING, target_date=dt.date(2020, 1, 1))
    item = factories.TrackedItemFactory(finding=finding, force=force, status="in_progress")
    factories.ProgressUpdateFactory(item=item, author=liaison_user, narrative=HOSTILE_UPDATE)
    return item


def _xlsx_cells(response, sheet: int = 0) -> list[list[object]]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).worksheets[sheet]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("who", ["manager_user", "staff_user", "liaison_user"])
def test_the_recommendations_excel_file_opens_whatever_the_text(client, stored, who, request):
    client.force_login(request.getfixturevalue(who))
    rows = _xlsx_cells(client.get(reverse("reporting:item_export") + "?format=xlsx"))
    cells = {value for row in rows for value in row}
    assert "Assess every child\n at risk within 24 hours." in cells
    assert "R-\nX" in cells


def test_the_recommendations_csv_holds_the_same_cleaned_text(client, stored, manager_user):
    client.force_login(manager_user)
    response = client.get(reverse("reporting:item_export") + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert "Assess every child\n at risk within 24 hours." in rows[1]


def test_the_meeting_pack_opens_with_the_update_pasted_from_word(client, stored, manager_user):
    client.force_login(manager_user)
    url = reverse("oversight:meeting_pack") + "?format=xlsx"
    rows = _xlsx_cells(client.get(url), sheet=2)
    assert "Training done.\nNext: audit[31m." in rows[1]
    summary = {value for row in _xlsx_cells(client.get(url), sheet=1) for value in row}
    assert (
        "R-\nX of " + stored.finding.inspection.reference + ": Assess every child\n at risk within 24 hours." in summary
    )
    assert client.get(reverse("oversight:meeting_pack")).status_code == 200


def test_the_committee_paper_opens_with_the_update_pasted_from_word(client, stored, liaison_user):
    client.force_login(liaison_user)
    response = client.get(reverse("forces:force_committee_paper", args=[stored.force.slug]))
    document = Document(io.BytesIO(response.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert any(cell.endswith("Training done.\nNext: audit[31m.") for cell in cells)
    assert "Assess every child\n at risk within 24 hours." in {p.text for p in document.paragraphs}


def test_the_comments_draft_opens_with_the_update_pasted_from_word(client, stored, liaison_user):
    client.force_login(liaison_user)
    inspection = stored.finding.inspection
    factories.ProgressUpdateFactory(item=stored, author=liaison_user, narrative=HOSTILE_UPDATE + " Done \U0001f44d")
    response = client.get(reverse("reporting:comments_draft", args=[inspection.pk, stored.force.slug]))
    document = Document(io.BytesIO(response.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert any(cell.endswith("Training done.\nNext: audit[31m. Done \U0001f44d") for cell in cells)
    assert "Assess every child\n at risk within 24 hours." in {p.text for p in document.paragraphs}


def test_the_comments_draft_is_written_whatever_the_text_a_database_could_not_hold(stored):
    # A NUL (which PostgreSQL refuses to store) and every other control character, straight to the
    # writer: the file still opens, with the text as printable as it can be.
    stored.latest_update_text = "Plan\x00 agreed\x01\x1f \U0001f680."
    stored.latest_update_at = timezone.now()
    stored.finding.text = "Assess\x00 every\x08 child."
    scope = CommentsScope(
        inspection=stored.finding.inspection, force=stored.force, governing_body=None, today=dt.date(2026, 1, 1)
    )
    content, written = comments_draft_docx(scope=scope, items=[stored])
    document = Document(io.BytesIO(content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert written == 1 and any(cell.endswith("Plan agreed \U0001f680.") for cell in cells)
    assert "Assess every child." in {p.text for p in document.paragraphs}


def test_the_public_registers_open_data_writes_the_stored_text_cleaned(client, stored):
    response = client.get(reverse("register:register_download", kwargs={"fmt": "csv"}))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    column = rows[0].index("finding_text")
    assert rows[1][column] == "Assess every child\n at risk within 24 hours."
    json_file = client.get(reverse("register:register_download", kwargs={"fmt": "json"}))
    assert json.loads(json_file.getvalue())["rows"][0]["finding_text"] == HOSTILE_FINDING


def test_the_public_feeds_are_valid_xml_whatever_the_published_comment(client, stored, staff_user):
    ItemEvent.objects.create(
        item=stored,
        kind=ItemEvent.Kind.JUDGED,
        at=timezone.now(),
        actor=staff_user,
        note="Good progress",
        public_comment="Audit done.\x0bNext step\x07 agreed.",
    )
    for url in (reverse("register:feed"), reverse("register:force_feed", kwargs={"slug": stored.force.slug})):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = ElementTree.fromstring(response.getvalue() if response.streaming else response.content)  # noqa: S314
        summaries = [e.text for e in feed.iter() if e.tag.endswith("summary")]
        assert any("Audit done.\nNext step agreed." in (s or "") for s in summaries), summaries


def test_the_api_answers_with_the_stored_text_as_json(client, stored, liaison_user):
    client.force_login(liaison_user)
    response = client.get("/api/v1/findings/")
    assert response.status_code == 200
    assert json.loads(response.content)["results"][0]["text"] == HOSTILE_FINDING


def test_an_email_about_a_reference_with_a_line_break_is_sent(stored, staff_user, liaison_user):
    # The force submits the item for closure: every member of staff is emailed about "R-\nX".
    services.item_closure_submit(
        item=stored,
        user=liaison_user,
        version=stored.version,
        narrative="Done.",
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4\n")],
    )
    assert messages_deliver() == {"sent": 1, "failed": 0}
    reference = stored.finding.inspection.reference
    assert mail.outbox[0].subject == f"{stored.force.name} · {reference} recommendation R- X: submitted for closure"
