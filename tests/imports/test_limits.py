"""Hostile files: the same cell, row and column limits for CSV and Excel, every cell checked for
control characters, the known columns through the text policy, an Excel file read in bounded
memory; every refusal says which row and column."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.text import LONG_TEXT_MAX
from imports.models import ImportBatch
from imports.parsing import CELL_MAX_CHARS, MAX_COLUMNS, ROW_MAX_CHARS, ImportFileError, column_letter, file_read
from imports.services import import_batch_create
from tests import factories
from tests.imports.test_services import csv_bytes, xlsx_bytes

ROW = ["R1", "recommendation", "Assess every missing child.", "Cleveland Police", "31/03/2027", ""]


def _refusal(data: bytes) -> str:
    with pytest.raises(ImportFileError) as error:
        file_read(data=data)
    return str(error.value)


# --- Control characters ---------------------------------------------------------------------------


def test_a_nul_byte_after_the_first_4_kb_is_refused_with_its_row_and_column():
    rows = [[f"R{n}", *ROW[1:4], "", ""] for n in range(1, 80)]
    rows.append(["R80", "recommendation", "Before\x00after", "Cleveland Police", "", ""])
    data = csv_bytes(rows)
    assert b"\x00" not in data[:4096]
    message = _refusal(data)
    assert message.startswith("Row 81, column C (text): the cell contains a control character, U+0000 (NUL)")


@pytest.mark.django_db
def test_the_page_says_so_and_saves_nothing(client, staff_user):
    inspection = factories.InspectionFactory()
    client.force_login(staff_user)
    rows = [[f"R{n}", *ROW[1:4], "", ""] for n in range(1, 80)] + [["R80", "recommendation", "A\x00", "x", "", ""]]
    response = client.post(
        reverse("imports:upload"),
        {"inspection": inspection.reference, "file": SimpleUploadedFile("f.csv", csv_bytes(rows))},
    )
    assert response.status_code == 200
    assert "Row 81, column C (text): the cell contains a control character" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(("char", "name"), [("\x07", "U+0007 (BEL)"), ("\x1b", "U+001B (ESCAPE)"), ("\x7f", "DELETE")])
def test_any_control_character_in_any_cell_is_refused(char, name):
    message = _refusal(csv_bytes([[*ROW[:5], f"CoC{char}1"]]))
    assert message.startswith("Row 2, column F (cause of concern): the cell contains a control character, U+")
    assert name in message


def test_a_control_character_in_a_heading_is_refused_with_its_column():
    header = ["reference", "category", "te\x07xt", "forces"]
    assert _refusal(csv_bytes([ROW[:4]], header=header)).startswith("Row 1, column C: the cell contains")


@pytest.mark.django_db
def test_line_breaks_pasted_from_word_are_line_breaks(staff_user):
    factories.ForceFactory(name="Cleveland Police")
    inspection = factories.InspectionFactory()
    data = csv_bytes(
        [["R1", "recommendation", "First part.\x0bSecond part.\x0cThird.", "Cleveland Police", "31/03/2027", ""]]
    )
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="f.csv")
    assert batch.rows[0]["text"] == "First part.\nSecond part.\nThird."
    assert batch.problem_count == 0, batch.rows[0]["problems"]


def test_a_reference_with_a_line_break_is_refused():
    message = _refusal(csv_bytes([["R-\nX", *ROW[1:]]]))
    assert (
        message == "Row 2, column A (reference) must be on one line: remove the line break, and upload the file again."
    )


@pytest.mark.django_db
def test_a_text_of_zero_width_spaces_is_no_text(staff_user):
    factories.ForceFactory(name="Cleveland Police")
    inspection = factories.InspectionFactory()
    data = csv_bytes([["R1", "recommendation", "\u200b\u200b\ufeff", "Cleveland Police", "", ""]])
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="f.csv")
    assert "Text: enter the text of the finding" in batch.rows[0]["problems"]


# --- Lengths, the same for CSV and Excel --------------------------------------------------------------


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_finding_text_over_its_limit_is_refused_with_row_and_column(make):
    message = _refusal(make([ROW, ["R2", "recommendation", "x" * (LONG_TEXT_MAX + 1), "Cleveland Police", "", ""]]))
    assert message.startswith(f"Row 3, column C (text) must be {LONG_TEXT_MAX:,} characters or fewer")


def test_a_cell_over_the_cell_limit_is_refused_with_row_and_column_in_csv_and_excel():
    # openpyxl cuts a cell at Excel's limit when it writes one, so the workbook is written by hand.
    for data in (
        csv_bytes([[*ROW[:2], "x" * (CELL_MAX_CHARS + 1), *ROW[3:]]]),
        _huge_cell_workbook(CELL_MAX_CHARS + 1),
    ):
        message = _refusal(data)
        assert message.startswith("Row 2, column C (text): the cell holds"), message
        assert f"the {CELL_MAX_CHARS:,} characters a cell may hold" in message


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_row_over_the_row_limit_is_refused(make):
    wide = ["x" * 30_000] * 3
    message = _refusal(make([[*ROW, *wide]], header=[*ROW_HEADER, "a", "b", "c"]))
    assert message.startswith("Row 2 holds")
    assert f"{ROW_MAX_CHARS:,}" in message


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_more_columns_than_a_findings_file_has_are_refused(make):
    header = [*ROW_HEADER, *[f"extra {n}" for n in range(MAX_COLUMNS)]]
    message = _refusal(make([[*ROW, *["x"] * MAX_COLUMNS]], header=header))
    assert f"at most {MAX_COLUMNS}" in message
    assert column_letter(MAX_COLUMNS - 1) == "AX"


def test_a_csv_cell_beyond_what_the_csv_reader_takes_is_refused_by_line():
    message = _refusal(csv_bytes([[*ROW[:2], "x" * 200_000, *ROW[3:]]]))
    assert message.startswith("Line 2 of the file: a cell holds more than the 32,767 characters")


ROW_HEADER = ["reference", "category", "text", "forces", "target_date", "cause_of_concern"]


# --- A workbook of 99 KB holding a 100-million-character cell --------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _huge_cell_workbook(characters: int) -> bytes:
    """Written piece by piece (as a hostile tool would), so the test itself stays small."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
            '<sheet name="Findings" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        cells = "".join(f'<c r="{column_letter(i)}1" t="s"><v>{i}</v></c>' for i in range(4))
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData><row r="1">{cells}</row>'
            '<row r="2"><c r="A2" t="s"><v>5</v></c><c r="C2" t="s"><v>4</v></c></row></sheetData></worksheet>',
        )
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<?xml version="1.0"?><sst xmlns="{_MAIN}">'.encode())
            for heading in ("reference", "category", "text", "forces"):
                part.write(f"<si><t>{heading}</t></si>".encode())
            part.write(b"<si><t>")
            block = b"a" * 1_000_000
            for _ in range(characters // len(block)):
                part.write(block)
            part.write(b"a" * (characters % len(block)))
            part.write(b"</t></si><si><t>R1</t></si></sst>")
    return out.getvalue()


def test_a_100_million_character_cell_is_refused_cheaply_saying_where():
    data = _huge_cell_workbook(100_000_000)
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        message = _refusal(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message.startswith("Row 2, column C (text): the cell holds more than the 32,767 characters")
    assert peak < 8 * 1024 * 1024, f"{peak:,} bytes at the peak"


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024  # unpacked at most 20 MB
    assert _refusal(_huge_cell_workbook(30_000_000)).startswith("The workbook unpacks to")


def test_a_sheet_that_reaches_far_below_the_row_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 10
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ROW_HEADER)
    sheet.append(ROW)
    sheet["A500"] = "stray"
    out = io.BytesIO()
    workbook.save(out)
    assert _refusal(out.getvalue()).startswith("Row 500 holds something, but a findings sheet has at most 10 rows")
