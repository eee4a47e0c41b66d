"""Reading an uploaded file into rows of text. Whether it is a CSV or an Excel workbook is decided
from its bytes, never from its name. Every refusal is an `ImportFileError` with a message that says
what to do about it, and, for a problem in one cell, its row and column.

Limits, the same for CSV and Excel: a cell holds at most CELL_MAX_CHARS characters (Excel's own
limit) and a finding's text at most core.text.LONG_TEXT_MAX; a row at most ROW_MAX_CHARS in all
and MAX_COLUMNS columns. Every cell of the file is checked for control characters (a NUL byte
anywhere, a bell, an escape...), and the known columns go through the text policy (core/text.py):
a reference must be on one line.

An Excel file is a zip of XML. Before openpyxl reads it, `_xlsx_prescan` streams the shared strings
and every worksheet through expat in 64 KB pieces, counting characters without keeping them, so a
99 KB workbook holding a 100-million-character cell is refused after reading its first 32,768
characters, in bounded memory; the unpacked size is bounded too (XLSX_UNPACKED_MAX_BYTES)."""

import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from core.text import LONG_TEXT_MAX, TextRefused, control_character, describe, text_clean

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

# Limits of a file's cells and rows (characters), the same for CSV and Excel.
CELL_MAX_CHARS = 32_767
ROW_MAX_CHARS = 65_536
MAX_COLUMNS = 50
# The text policy per known column (of either layout): free text may run over several lines, the
# rest is one line. Reference lengths are checked row by row with the other row problems
# (imports.services); this bounds the cell.
MULTILINE_COLUMNS = (
    "text",
    "forces",
    "themes",
    "report_title",
    "response_reason",
    "closing_note",
    "comment",
    "last_progress",
)
COLUMN_POLICY = {
    column: (column in MULTILINE_COLUMNS, LONG_TEXT_MAX if column == "text" else CELL_MAX_CHARS)
    for column in dict.fromkeys(COLUMNS + HISTORY_COLUMNS)
}
# An Excel file may unpack to at most this many times the largest upload, and hold at most this
# many times as many characters of text: a findings sheet at the row limit fits many times over.
XLSX_UNPACKED_FACTOR = 20
XLSX_TEXT_FACTOR = 4
# A row number further down than this many times the row limit is no findings sheet.
XLSX_ROW_INDEX_FACTOR = 10

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


def _header_key(value: object, layout: Layout = FINDINGS) -> str:
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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _where(row: int, index: int, keys: list[str] | None = None) -> str:
    heading = keys[index] if keys and index < len(keys) and keys[index] else ""
    return f"Row {row:,}, column {column_letter(index)}" + (f" ({heading.replace('_', ' ')})" if heading else "")


def _check_record(record: list[object], row: int, keys: list[str] | None) -> list[object]:
    """Every cell of one row against the limits and the control-character rule; the known columns
    through the text policy. Returns the row's cells as they will be read."""
    if len(record) > MAX_COLUMNS and any(cell not in (None, "") for cell in record[MAX_COLUMNS:]):
        raise ImportFileError(
            f"Row {row:,} has {len(record):,} columns: a findings file has at most {MAX_COLUMNS}. "
            f"Delete the columns after {column_letter(MAX_COLUMNS - 1)} and upload the file again."
        )
    total = 0
    checked: list[object] = []
    for index, cell in enumerate(record[:MAX_COLUMNS]):
        if not isinstance(cell, str):
            checked.append(cell)
            continue
        total += len(cell)
        if len(cell) > CELL_MAX_CHARS:
            raise ImportFileError(
                f"{_where(row, index, keys)}: the cell holds {len(cell):,} characters, more than the "
                f"{CELL_MAX_CHARS:,} characters a cell may hold. Shorten it and upload the file again."
            )
        char = control_character(cell)
        if char is not None:
            raise ImportFileError(
                f"{_where(row, index, keys)}: the cell contains a control character, {describe(char)}, which "
                f"cannot be saved. Remove it (in Excel, =CLEAN() removes them) and upload the file again."
            )
        key = keys[index] if keys and index < len(keys) else ""
        if key in COLUMN_POLICY:
            multiline, limit = COLUMN_POLICY[key]
            try:
                cell = text_clean(
                    cell, label=_where(row, index, keys), max_length=limit, multiline=multiline, trim=False
                )
            except TextRefused as error:
                raise ImportFileError(f"{error}, and upload the file again.") from None
        checked.append(cell)
    if total > ROW_MAX_CHARS:
        raise ImportFileError(
            f"Row {row:,} holds {total:,} characters, more than the {ROW_MAX_CHARS:,} a row may hold. "
            f"Shorten it and upload the file again."
        )
    return checked


def _rows_from(
    records: Iterator[list[object]], first_line: int, layout: Layout = FINDINGS
) -> tuple[list[tuple[int, dict[str, object]]], list[str]]:
    try:
        header = next(records)
    except StopIteration:
        raise ImportFileError(f"The selected {layout.name} file is empty") from None
    header = _check_record(list(header), first_line, None)
    keys, unknown = _check_headers(header, layout)
    max_rows = settings.IMPORT_MAX_ROWS
    rows: list[tuple[int, dict[str, object]]] = []
    for offset, record in enumerate(records, start=1):
        record = _check_record(list(record), first_line + offset, keys)
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
    rows, unknown = _rows_from(_csv_records(text), first_line=1, layout=layout)
    return ParsedFile("csv", rows, unknown)


def _csv_records(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportFileError(
                    f"Line {reader.line_num:,} of the file: a cell holds more than the {CELL_MAX_CHARS:,} "
                    f"characters a cell may hold. Shorten it and upload the file again."
                ) from None
            raise ImportFileError(
                f"Line {reader.line_num:,} of the file could not be read as a CSV ({error}). "
                f"Save it as CSV UTF-8 and try again."
            ) from None
        yield record


UNREADABLE_XLSX = "The Excel workbook could not be opened. Save it again as .xlsx or CSV UTF-8."


def _read_xlsx(data: bytes, layout: Layout = FINDINGS) -> ParsedFile:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise ImportFileError("The selected file must be a CSV or an Excel workbook (.xlsx)")
            _xlsx_prescan(archive)
        # data_only=False: a formula cell reads as its formula ("=HYPERLINK(...)"), so it is refused.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, SyntaxError):
        raise ImportFileError(UNREADABLE_XLSX) from None
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
    except (KeyError, ValueError, OSError, EOFError, SyntaxError, zipfile.BadZipFile):
        raise ImportFileError(UNREADABLE_XLSX) from None
    finally:
        workbook.close()


def _records(sheet) -> Iterator[list[object]]:
    # Bounded: a sheet that claims a million columns or rows is not read as such.
    rows = sheet.iter_rows(
        values_only=True, max_col=MAX_COLUMNS, max_row=settings.IMPORT_MAX_ROWS * XLSX_ROW_INDEX_FACTOR
    )
    return ([cell for cell in row] for row in rows)


# --- The workbook, read in bounded memory before openpyxl opens it ---------------------------------

_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)$")
_CHUNK = 64 * 1024
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SMALL_PART_MAX = 5 * 1024 * 1024


class _Stop(Exception):
    """Raised inside an expat handler to stop parsing; carries the refusal, or nothing."""

    def __init__(self, error: ImportFileError | None = None) -> None:
        self.error = error


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def _expat(start, end, text) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")

    def no_doctype(*_args) -> None:  # a workbook part has no document type: no entity tricks
        raise _Stop(ImportFileError(UNREADABLE_XLSX))

    parser.StartDoctypeDeclHandler = no_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def _stream(archive: zipfile.ZipFile, name: str, parser: expat.XMLParserType) -> None:
    """Feed one part of the workbook to `parser`, 64 KB at a time."""
    try:
        with archive.open(name) as part:
            while chunk := part.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        raise ImportFileError(UNREADABLE_XLSX) from None
    except _Stop as stop:
        if stop.error is not None:
            raise stop.error from None


def _elements(archive: zipfile.ZipFile, name: str, wanted: str) -> list[dict]:
    """The attributes of every `wanted` element of a small part (the workbook, its relationships)."""
    if name not in archive.namelist() or archive.getinfo(name).file_size > _SMALL_PART_MAX:
        return []
    found: list[dict] = []

    def start(element, attrs):
        if _local(element) == wanted:
            found.append(attrs)

    _stream(archive, name, _expat(start, lambda _name: None, lambda _data: None))
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) of each worksheet, in the workbook's order."""
    targets = {}
    for rel in _elements(archive, "xl/_rels/workbook.xml.rels", "Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    names = set(archive.namelist())
    sheets = []
    for sheet in _elements(archive, "xl/workbook.xml", "sheet"):
        part = targets.get(sheet.get(f"{_REL_NS} id"))
        if part in names:
            sheets.append((sheet.get("name") or part, part))
    return sheets


@dataclass
class _Strings:
    lengths: list[int]  # of each shared string read
    too_long: int | None  # the index of the first string longer than a cell may hold (the last read)
    # The text of the first few short strings, where the headings are, to name a column in a refusal.
    short: dict[int, str]


_HEADING_STRINGS = 200
_HEADING_CHARS = 100


def _shared_strings(archive: zipfile.ZipFile, text_max: int) -> _Strings:
    """The length of every shared string, stopping at the first longer than a cell may hold; the
    whole table at most `text_max` characters."""
    strings = _Strings([], None, {})
    parts = [n for n in archive.namelist() if posixpath.basename(n).lower() == "sharedstrings.xml"]
    if not parts:
        return strings
    state = {"in_t": 0, "phonetic": 0, "length": 0, "total": 0, "text": ""}

    def start(name, _attrs):
        local = _local(name)
        if local == "si":
            state["length"], state["text"] = 0, ""
        elif local == "t":
            state["in_t"] += 1
        elif local == "rPh":  # a phonetic guide (Japanese): openpyxl leaves it out
            state["phonetic"] += 1

    def end(name):
        local = _local(name)
        if local == "si":
            if len(strings.lengths) < _HEADING_STRINGS and state["length"] <= _HEADING_CHARS:
                strings.short[len(strings.lengths)] = state["text"]
            strings.lengths.append(state["length"])
        elif local == "t":
            state["in_t"] -= 1
        elif local == "rPh":
            state["phonetic"] -= 1

    def text(data):
        if state["in_t"] and not state["phonetic"]:
            state["length"] += len(data)
            state["total"] += len(data)
            if state["length"] <= _HEADING_CHARS:
                state["text"] += data
            if state["length"] > CELL_MAX_CHARS:
                strings.too_long = len(strings.lengths)
                raise _Stop()
            if state["total"] > text_max:
                raise _Stop(
                    ImportFileError(
                        f"The workbook holds more than {text_max:,} characters of text, more than an import "
                        f"can take. Split it into smaller files and import each."
                    )
                )

    _stream(archive, parts[0], _expat(start, end, text))
    return strings


def _scan_sheet(archive: zipfile.ZipFile, *, sheet: str, part: str, strings: _Strings) -> None:
    """Every cell of one worksheet against the cell, row and column limits, in bounded memory."""
    max_row = settings.IMPORT_MAX_ROWS * XLSX_ROW_INDEX_FACTOR
    state = {"row": 0, "total": 0, "col": -1, "type": "", "in_value": 0, "in_text": 0, "index": "", "n": 0, "head": ""}
    where_sheet = f"Sheet {sheet}: " if sheet else ""
    headings: dict[int, str] = {}  # row 1, by column: to name the column in a refusal

    def keys() -> list[str]:
        return [headings.get(i, "") for i in range(max(headings, default=-1) + 1)]

    def refuse(message: str) -> None:
        raise _Stop(ImportFileError(where_sheet + message))

    def counted(length: int, *, unknown: bool = False) -> None:
        if unknown or length > CELL_MAX_CHARS:
            held = "more than" if unknown else f"{length:,} characters, more than"
            refuse(
                f"{_where(state['row'], state['col'], keys())}: the cell holds {held} the {CELL_MAX_CHARS:,} characters "
                f"a cell may hold. Shorten it and upload the file again."
            )
        state["total"] += length
        if state["total"] > ROW_MAX_CHARS:
            refuse(
                f"Row {state['row']:,} holds more than the {ROW_MAX_CHARS:,} characters a row may hold. "
                f"Shorten it and upload the file again."
            )

    def start(name, attrs):
        local = _local(name)
        if local == "row":
            given = str(attrs.get("r", ""))
            state["row"] = int(given) if given.isdigit() else state["row"] + 1
            state["total"], state["col"] = 0, -1
            if state["row"] > max_row:
                refuse(
                    f"Row {state['row']:,} holds something, but a findings sheet has at most "
                    f"{settings.IMPORT_MAX_ROWS:,} rows. Delete the rows below your findings and upload the file "
                    f"again."
                )
        elif local == "c":
            match = _CELL_REF.match(str(attrs.get("r", "")))
            if match:
                col = 0
                for letter in match.group(1):
                    col = col * 26 + ord(letter) - 64
                state["col"] = col - 1
            else:
                state["col"] += 1
            state["type"], state["index"], state["n"], state["head"] = attrs.get("t", "n"), "", 0, ""
            if state["col"] >= MAX_COLUMNS:
                refuse(
                    f"{_where(state['row'], state['col'])}: a findings file has at most {MAX_COLUMNS} columns. "
                    f"Delete the columns after {column_letter(MAX_COLUMNS - 1)} and upload the file again."
                )
        elif local in ("v", "f"):
            state["in_value"] += 1
        elif local == "t":
            state["in_text"] += 1

    def end(name):
        local = _local(name)
        if local in ("v", "f"):
            state["in_value"] -= 1
        elif local == "t":
            state["in_text"] -= 1
        elif local == "c":
            index = int(state["index"]) if state["index"].strip().isdigit() else -1
            if state["row"] == 1 and 0 <= state["col"] < MAX_COLUMNS:
                heading = strings.short.get(index, "") if state["type"] == "s" else state["head"]
                headings[state["col"]] = _header_key(heading)
            if state["type"] != "s":
                counted(state["n"])
                return
            if strings.too_long is not None and index == strings.too_long:
                counted(0, unknown=True)
            # A string after the long one was never read: counted as nothing (the long one refuses).
            counted(strings.lengths[index] if 0 <= index < len(strings.lengths) else 0)

    def text(data):
        if state["in_value"] and state["type"] == "s":
            if len(state["index"]) < 12:
                state["index"] += data
        elif state["in_value"] or state["in_text"]:
            if state["row"] == 1 and len(state["head"]) < _HEADING_CHARS:
                state["head"] += data
            state["n"] += len(data)
            if state["n"] > CELL_MAX_CHARS:
                counted(state["n"])

    _stream(archive, part, _expat(start, end, text))


def _xlsx_prescan(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook too large once unpacked, or with a cell, row or column beyond the limits,
    saying where, without holding its text in memory."""
    unpacked_max = settings.IMPORT_MAX_BYTES * XLSX_UNPACKED_FACTOR
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > unpacked_max:
        raise ImportFileError(
            f"The workbook unpacks to {filesizeformat(unpacked)}, more than an import can take "
            f"({filesizeformat(unpacked_max)}). Split it into smaller files, or save it as CSV UTF-8."
        )
    strings = _shared_strings(archive, settings.IMPORT_MAX_BYTES * XLSX_TEXT_FACTOR)
    sheets = _sheet_parts(archive)
    for sheet, part in sheets:
        _scan_sheet(archive, sheet=sheet if len(sheets) > 1 else "", part=part, strings=strings)
    if strings.too_long is not None:
        # No cell shows it, but openpyxl would still read it.
        raise ImportFileError(
            f"The workbook holds a piece of text longer than the {CELL_MAX_CHARS:,} characters a cell may hold. "
            f"Save the sheet as CSV UTF-8 and upload that."
        )


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
