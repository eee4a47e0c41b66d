"""Reading an uploaded file into rows of text. Whether it is a CSV or an Excel workbook is decided
from its bytes, never from its name. Every refusal is an `ImportFileError` with a message that says
what to do about it."""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat

# The findings file: what each finding is, who it is addressed to and by when; optionally the report
# each row belongs to (so that one file may hold many reports); optionally where each force's item
# stands (its history). Only the first four are required.
FINDING_COLUMNS = (
    "reference",
    "category",
    "text",
    "forces",
    "target_date",
    "cause_of_concern",
    "accelerated",
    "themes",
)
REPORT_COLUMNS = ("report_reference", "report_title", "programme", "published", "report_url")
STATE_COLUMNS = (
    "status",
    "status_date",
    "response",
    "response_date",
    "response_reason",
    "closed_on",
    "closing_note",
    "comment",
    "comment_date",
    "last_progress",
    "superseded_by",
)
COLUMNS = FINDING_COLUMNS + REPORT_COLUMNS + STATE_COLUMNS
REQUIRED_COLUMNS = ("reference", "category", "text", "forces")
HEADER_ALIASES = {
    "ref": "reference",
    "finding_reference": "reference",
    "finding": "text",
    "finding_text": "text",
    "recommendation_text": "text",
    "force": "forces",
    "forces_addressed": "forces",
    "addressed_to": "forces",
    "organisations": "forces",
    "addressees": "forces",
    "target": "target_date",
    "date": "target_date",
    "deadline": "target_date",
    "due": "target_date",
    "due_date": "target_date",
    "cause_of_concern_reference": "cause_of_concern",
    "answers_cause_of_concern": "cause_of_concern",
    "theme": "themes",
    "report": "report_reference",
    "inspection": "report_reference",
    "inspection_reference": "report_reference",
    "report_name": "report_title",
    "inspection_title": "report_title",
    "title": "report_title",
    "published_on": "published",
    "publication_date": "published",
    "date_published": "published",
    "url": "report_url",
    "report_link": "report_url",
    "link": "report_url",
    "responded_on": "response_date",
    "date_of_response": "response_date",
    "reason": "response_reason",
    "closed": "closed_on",
    "closed_date": "closed_on",
    "date_closed": "closed_on",
    "closure_reason": "closing_note",
    "why_closed": "closing_note",
    "closed_why": "closing_note",
    "closing_reason": "closing_note",
    "latest_comment": "comment",
    "inspectorate_comment": "comment",
    "public_comment": "comment",
    "last_progress_date": "last_progress",
    "last_update": "last_progress",
    "date_of_last_progress": "last_progress",
    "status_changed_on": "status_date",
}

# The history file (or a workbook's "History" sheet): dated status changes and comments, one per
# line, shaped like the inspectorate's public register.
HISTORY_COLUMNS = ("report_reference", "reference", "force", "date", "status", "comment")
HISTORY_REQUIRED = ("reference", "date")
HISTORY_ALIASES = {
    "report": "report_reference",
    "inspection": "report_reference",
    "inspection_reference": "report_reference",
    "ref": "reference",
    "finding_reference": "reference",
    "recommendation": "reference",
    "forces": "force",
    "organisation": "force",
    "on": "date",
    "changed_on": "date",
    "status_date": "date",
    "new_status": "status",
    "note": "comment",
    "inspectorate_comment": "comment",
}
# A workbook sheet with one of these names holds the history.
HISTORY_SHEETS = ("history", "status changes", "changes", "register")


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file: which exist, which are required, what else they are called."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    aliases: dict[str, str]


FINDINGS = Layout("findings", COLUMNS, REQUIRED_COLUMNS, HEADER_ALIASES)
HISTORY = Layout("history", HISTORY_COLUMNS, HISTORY_REQUIRED, HISTORY_ALIASES)

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other old Office files


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is shown to the user as it is."""


@dataclass
class ParsedFile:
    kind: str  # "csv" or "xlsx"
    rows: list[tuple[int, dict[str, object]]]  # (line number in the file, cells by column)
    # Headings the import does not read, as written: the preview lists them, so nothing is
    # dropped without a word.
    unknown_columns: list[str] = field(default_factory=list)
    # A workbook's history sheet, when it has one: (its name, its rows).
    history: "ParsedFile | None" = None
    sheet: str = ""


def _header_key(value: object, layout: Layout) -> str:
    key = "_".join(str(value or "").strip().lower().replace("-", " ").replace("/", " ").split())
    key = key.strip("_:?.")
    return layout.aliases.get(key, key)


def _check_headers(header: list[object], layout: Layout) -> tuple[list[str], list[str]]:
    keys = [_header_key(cell, layout) for cell in header]
    missing = [column for column in layout.required if column not in keys]
    if missing:
        raise ImportFileError(
            f"The {layout.name} file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"The first row must hold the headings (required: {', '.join(layout.required)}). "
            f"Download the template to see them."
        )
    seen: set[str] = set()
    for key in keys:
        if key in layout.columns and key in seen:
            raise ImportFileError(f"The {layout.name} file has the column {key} twice. Keep one of them.")
        seen.add(key)
    unknown = [str(cell).strip() for cell, key in zip(header, keys, strict=True) if key and key not in layout.columns]
    return keys, unknown


def _rows_from(
    records: Iterator[list[object]], first_line: int, layout: Layout = FINDINGS
) -> tuple[list[tuple[int, dict[str, object]]], list[str]]:
    try:
        header = next(records)
    except StopIteration:
        raise ImportFileError(f"The selected {layout.name} file is empty") from None
    keys, unknown = _check_headers(list(header), layout)
    max_rows = settings.IMPORT_MAX_ROWS
    rows: list[tuple[int, dict[str, object]]] = []
    for offset, record in enumerate(records, start=1):
        if not any(str(cell).strip() for cell in record if cell is not None):
            continue  # blank lines are not findings
        if len(rows) >= max_rows:
            raise ImportFileError(
                f"The {layout.name} file has more than {max_rows:,} rows. Split it into files of at most "
                f"{max_rows:,} rows and import each."
            )
        cells = {key: record[i] if i < len(record) else None for i, key in enumerate(keys) if key in layout.columns}
        rows.append((first_line + offset, cells))
    if not rows:
        raise ImportFileError(f"The {layout.name} file has headings but no rows")
    return rows, unknown


ENCODING_MESSAGE = (
    "The file is not in UTF-8, so names with accents (such as Ynys Môn) would be garbled. "
    "Save the file as CSV UTF-8 (in Excel: File, Save as, CSV UTF-8 (Comma delimited)) and upload it again."
)


def _read_csv(data: bytes, layout: Layout = FINDINGS) -> ParsedFile:
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
    rows, unknown = _rows_from(iter(records), first_line=1, layout=layout)
    return ParsedFile("csv", rows, unknown)


def _read_xlsx(data: bytes, layout: Layout = FINDINGS) -> ParsedFile:
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
        sheets = workbook.worksheets
        history_sheet = next((sheet for sheet in sheets[1:] if sheet.title.strip().lower() in HISTORY_SHEETS), None)
        first = sheets[0]
        rows, unknown = _rows_from(_records(first), first_line=1, layout=layout)
        parsed = ParsedFile("xlsx", rows, unknown, sheet=first.title)
        if layout is FINDINGS and history_sheet is not None:
            history_rows, history_unknown = _rows_from(_records(history_sheet), first_line=1, layout=HISTORY)
            parsed.history = ParsedFile("xlsx", history_rows, history_unknown, sheet=history_sheet.title)
        return parsed
    finally:
        workbook.close()


def _records(sheet) -> Iterator[list[object]]:
    return ([cell for cell in row] for row in sheet.iter_rows(values_only=True))


def file_read(*, data: bytes, layout: Layout = FINDINGS) -> ParsedFile:
    """The file's rows (and a workbook's history sheet), or an ImportFileError saying why it cannot
    be imported."""
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
        return _read_xlsx(data, layout)
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise ImportFileError("The selected file must be a CSV or an Excel workbook (.xlsx)")
    return _read_csv(data, layout)


def history_file_read(*, data: bytes) -> ParsedFile:
    """A separate history file: dated status changes and comments (HISTORY_COLUMNS)."""
    return file_read(data=data, layout=HISTORY)


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
