import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from core.spreadsheets import cell, csv_stream, neutralise, xlsx_write


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formulas_become_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Cleveland Police", 42, -3, dt.date(2026, 3, 31), None, ""])
def test_other_values_pass_through(value):
    assert neutralise(value) == value


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("Phase one\x0bPhase two", "Phase one\nPhase two"),
        ("Page\x0cbreak", "Page\nbreak"),
        ("Bell\x07 and NUL\x00", "Bell and NUL"),
        ("\x07=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("Plain", "Plain"),
    ],
)
def test_a_cell_is_cleaned_for_the_format_then_neutralised(stored, written):
    assert cell(stored) == written


def test_the_excel_writer_writes_any_stored_text_and_the_file_opens():
    stored = "".join(chr(code) for code in range(0x20)) + "\x7f\x85\x9f\ud800\ufffe text"
    out = io.BytesIO()
    xlsx_write(out, sheets=[("Sheet", ["Heading\x0b"], [[stored, 3, dt.date(2026, 1, 1), None]])])
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A1"].value == "Heading\n"
    # Tab and line feed kept; VT, FF, CR and NEL made line feeds; the rest removed; then, as it starts
    # with a tab, neutralised.
    assert sheet["A2"].value == "'\t\n\n\n\n\n text"
    assert sheet["B2"].value == 3


def test_the_csv_writer_writes_the_same_cleaned_cells():
    text = "".join(csv_stream(["a"], [["x\x0by\x00", "=1+1"]]))
    assert text == '\ufeffa\r\n"x\ny",\'=1+1\r\n'
