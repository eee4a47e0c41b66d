"""Cells for CSV and Excel files that people open in a spreadsheet program, and the one writer of
each: every download of the service (the recommendations, the meeting pack, open data, the import
templates) goes through here, so whatever is stored can be written.

Each text cell is cleaned for the format, then neutralised:
- cleaned: line breaks made plain (a vertical tab or form feed, what Word pastes for a manual
  line break, becomes a line feed) and every other control character removed. An Excel file is
  XML, which cannot hold them at all (openpyxl raises IllegalCharacterError); a CSV could, but the
  programs that open it stumble on them, and both downloads should hold the same text. Text saved
  through the forms and imports is clean already (core/text.py); this holds for anything older.
- neutralised: text that a spreadsheet would run as a formula gets a leading apostrophe.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.text import printable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_WRITE = 1000


def neutralise(value: object) -> object:
    """Neutralise formula injection (OWASP "CSV injection"): a text cell that a spreadsheet would
    run as a formula is prefixed with an apostrophe, which makes it plain text. Numbers and dates
    pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell(value: object) -> object:
    """One value as a cell: text cleaned, then neutralised (cleaning first, so a control character
    cannot hide a formula); numbers, dates and None as they are."""
    if isinstance(value, str):
        return neutralise(printable(value))  # plain line breaks, no other control characters
    return value


def cells(row: Iterable[object]) -> list[object]:
    return [cell(value) for value in row]


def csv_stream(headings: Sequence[str], rows: Iterable[Sequence[object]], *, cleaned: bool = False) -> Iterator[str]:
    """CSV text in pieces of ROWS_PER_WRITE rows, starting with a byte-order mark so that Excel
    reads it as UTF-8 (csv.writer writes None as an empty cell). `cleaned=True` when every row has
    been through `cell` already (the recommendations export does it inline, for speed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(cells(headings))
    pending = 0
    for row in rows:
        writer.writerow(row if cleaned else cells(row))
        pending += 1
        if pending == ROWS_PER_WRITE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def csv_response(*, filename: str, headings: Sequence[str], rows: Iterable[Sequence[object]], cleaned: bool = False):
    response = StreamingHttpResponse(
        csv_stream(headings, rows, cleaned=cleaned), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass
class Sheet:
    """A sheet laid out for reading: `widths` (in characters, one per column, set before the rows are
    streamed), headings in bold, and with `table` the heading row frozen and filters on every column.
    A plain (title, headings, rows) tuple is a sheet without any of these."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[float] = ()
    table: bool = False


SheetSpec = Sheet | tuple[str, Sequence[str], Iterable[Sequence[object]]]


def _heading_cells(sheet, headings: Sequence[str]) -> list:
    bold = []
    for value in cells(headings):
        heading = WriteOnlyCell(sheet, value=value)
        heading.font = Font(bold=True)
        heading.alignment = Alignment(vertical="top", wrap_text=True)
        bold.append(heading)
    return bold


def xlsx_write(file, *, sheets: Iterable[SheetSpec]) -> None:
    """An Excel workbook of sheets, written to `file`. openpyxl's write-only workbook keeps rows on
    disk, never in memory; every cell goes through `cell`."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        laid_out = isinstance(spec, Sheet)
        if not laid_out:
            spec = Sheet(*spec)
        sheet = workbook.create_sheet(spec.title)
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if spec.table:
            sheet.freeze_panes = "A2"
        sheet.append(_heading_cells(sheet, spec.headings) if laid_out else cells(spec.headings))
        written = 0
        for row in spec.rows:
            sheet.append(cells(row))
            written += 1
        if spec.table and spec.headings:
            # Written with the sheet's end, once the rows are counted.
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.headings))}{written + 1}"
    workbook.save(file)


def xlsx_response(*, filename: str, sheets: Iterable[SheetSpec]):
    """The workbook as a download, spooled to a temporary file that is deleted when the response
    closes."""
    spool = tempfile.TemporaryFile()
    xlsx_write(spool, sheets=sheets)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
