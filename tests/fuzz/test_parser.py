"""The import parser and the row checks, fed arbitrary bytes and arbitrary CSV- and Excel-like
files: they answer with rows (and row problems) or an ImportFileError, never anything else."""

import datetime as dt
import io
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from imports.parsing import COLUMNS, XLSX_MAGIC, ImportFileError, ParsedFile, file_read
from imports.services import _Check
from tests import factories

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

cell_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "=1+1", "@SUM(A1)", "+44", "31/03/2027", "2027-03-31", "32/13/2027", "cause_of_concern"]),
    st.sampled_from(["Cleveland Police", "all forces", "Recommendation", "Area for improvement", "AFI", "C1"]),
    st.text(alphabet=string.printable, max_size=20),
)
cell_value = st.one_of(
    st.none(),
    cell_text,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
)
header = st.lists(
    st.one_of(st.sampled_from((*COLUMNS, "ref", "Force", "Target date", "")), st.text(max_size=10)), max_size=8
)


def _read(data: bytes) -> ParsedFile | None:
    try:
        return file_read(data=data)
    except ImportFileError as error:
        assert str(error)  # every refusal says what to do
        return None


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    _read(data)


@FUZZ
@given(st.binary(max_size=500))
def test_arbitrary_bytes_that_look_like_a_workbook(data):
    _read(XLSX_MAGIC + data)


def _csv(head: list[str], rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.django_db
@FUZZ
@given(
    st.one_of(header, st.just(list(COLUMNS))),
    st.lists(st.lists(cell_text, max_size=8), max_size=6),
    st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
)
def test_csv_like_files_are_rows_or_a_refusal_and_the_rows_check(head, rows, encoding):
    data = _csv(head, rows).decode("utf-8").encode(encoding, errors="replace")
    parsed = _read(data)
    if parsed is not None:
        _check(parsed)


@pytest.mark.django_db
@FUZZ
@given(st.one_of(header, st.just(list(COLUMNS))), st.lists(st.lists(cell_value, max_size=7), max_size=5), st.data())
def test_xlsx_like_files_are_rows_or_a_refusal_and_the_rows_check(head, rows, data):
    workbook = Workbook()
    sheet = workbook.active
    for row in [head, *rows]:
        sheet.append([_xlsx_safe(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    content = out.getvalue()
    if data.draw(st.booleans(), label="damaged"):
        # A share of the length, not a byte offset: the saved file's length varies with its timestamp,
        # and a strategy bounded by it would draw differently when Hypothesis replays an example.
        cut = int(len(content) * data.draw(st.floats(0, 1), label="cut at (share of the file)"))
        content = content[:cut] + data.draw(st.binary(max_size=50), label="tail")
    parsed = _read(content)
    if parsed is not None:
        _check(parsed)


def _xlsx_safe(value):
    # openpyxl itself refuses control characters in a cell: such a file cannot be made.
    if isinstance(value, str):
        return "".join(ch for ch in value if ch.isprintable() or ch in "\t\n")
    return value


def _check(parsed: ParsedFile) -> None:
    inspection = factories.InspectionFactory()
    factories.ForceFactory(name="Cleveland Police")
    check = _Check(parsed=parsed, history=parsed.history, inspection=inspection)
    rows, _reports = check.run()
    assert len(rows) == len(parsed.rows)
    # Every row either reads cleanly into organisations or says what is wrong with it.
    assert all(row["problems"] or row["force_ids"] or row.get("joins") or row["action"] == "skip" for row in rows)
    assert all(isinstance(problem, str) and problem for row in rows for problem in row["problems"])
