"""Reading an uploaded file into rows of text. Whether it is a CSV or an Excel workbook is decided
from its bytes, never from its name. Every refusal is an `ImportFileError` with a message that says
what to do about it."""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat

COLUMNS = ("reference", "category", "text", "forces", "target_date", "cause_of_concern", "themes")
REQUIRED_COLUMNS = ("reference", "category", "text", "forces")
HEADER_ALIASES = {
    "ref": "reference",
    "finding": "text",
    "finding_text": "text",
    "force": "forces",
    "forces_addressed": "forces",
    "target": "target_date",
    "date": "target_date",
    "cause_of_concern_reference": "cause_of_concern",
    "answers_cause_of_concern": "cause_of_concern",
    "theme": "themes",
}

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other old Office files


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is shown to the user as it is."""


@dataclass
class ParsedFile:
    kind: str  # "csv" or "xlsx"
    rows: list[tuple[int, dict[str, object]]]  # (line number in the file, cells by column)


def _header_key(value: object) -> str:
    key = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
    return HEADER_ALIASES.get(key, key)


def _check_headers(header: list[object]) -> list[str]:
    keys = [_header_key(cell) for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in keys]
    if missing:
        raise ImportFileError(
            f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"The first row must hold the headings: {', '.join(COLUMNS)}. Download the template to see them."
        )
    return keys


def _rows_from(records: Iterator[list[object]], first_line: int) -> list[tuple[int, dict[str, object]]]:
    try:
        header = next(records)
    except StopIteration:
        raise ImportFileError("The selected file is empty") from None
    keys = _check_headers(header)
    max_rows = settings.IMPORT_MAX_ROWS
    rows: list[tuple[int, dict[str, object]]] = []
    for offset, record in enumerate(records, start=1):
        if not any(str(cell).strip() for cell in record if cell is not None):
            continue  # blank lines are not findings
        if len(rows) >= max_rows:
            raise ImportFileError(
                f"The file has more than {max_rows:,} rows of findings. Split it into files of at most "
                f"{max_rows:,} rows and import each."
            )
        cells = {key: record[i] if i < len(record) else None for i, key in enumerate(keys) if key in COLUMNS}
        rows.append((first_line + offset, cells))
    if not rows:
        raise ImportFileError("The file has headings but no rows of findings")
    return rows


ENCODING_MESSAGE = (
    "The file is not in UTF-8, so names with accents (such as Ynys Môn) would be garbled. "
    "Save the file as CSV UTF-8 (in Excel: File, Save as, CSV UTF-8 (Comma delimited)) and upload it again."
)


def _read_csv(data: bytes) -> ParsedFile:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, Excel's "Unicode text"
        raise ImportFileError(ENCODING_MESSAGE)
    if b"\x00" in data[:4096]:
        raise ImportFileError("The selected file must be a CSV or an Excel workbook (.xlsx)")
    try:
        # utf-8-sig accepts UTF-8 with or without the byte order mark Excel writes.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(ENCODING_MESSAGE) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportFileError(
            f"The file could not be read as a CSV ({error}). Save it as CSV UTF-8 and try again."
        ) from None
    return ParsedFile("csv", _rows_from(iter(records), first_line=1))


def _read_xlsx(data: bytes) -> ParsedFile:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise ImportFileError("The selected file must be a CSV or an Excel workbook (.xlsx)")
        # data_only=False: a formula cell reads as its formula ("=HYPERLINK(...)"), so it is refused.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError("The Excel workbook could not be opened. Save it again as .xlsx or CSV UTF-8.") from None
    try:
        sheet = workbook.worksheets[0]
        records = ([cell for cell in row] for row in sheet.iter_rows(values_only=True))
        return ParsedFile("xlsx", _rows_from(records, first_line=1))
    finally:
        workbook.close()


def file_read(*, data: bytes) -> ParsedFile:
    """The file's rows, or an ImportFileError saying why it cannot be imported."""
    max_bytes = settings.IMPORT_MAX_BYTES
    if not data:
        raise ImportFileError("The selected file is empty")
    if len(data) > max_bytes:
        raise ImportFileError(f"The selected file must be smaller than {filesizeformat(max_bytes)}")
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(
            "Old Excel files (.xls) cannot be read. Save the file as an Excel workbook (.xlsx) or as CSV UTF-8."
        )
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise ImportFileError("The selected file must be a CSV or an Excel workbook (.xlsx)")
    return _read_csv(data)


def cell_text(value: object) -> str:
    """A cell as text: Excel numbers that are whole print without ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
