"""Writes: check an uploaded file into a preview, then save every row of it in one transaction.

Checking reads the file as people write it: organisations by any of their names
(imports/names.py), deadlines as phrases or dates or from the finding's own text
(imports/deadlines.py), the report each row belongs to (so one file may hold many reports), and
where each force's item stands, with a history file or sheet of dated status changes
(imports/history.py). Every row keeps what was made of it, and how, for the preview.

Saving creates nothing itself: inspections through inspections.services.inspection_create, findings,
items and their timelines through inspections.services.findings_publish (history records, events
dated when things happened, the clocks' past settled), in chunks, all in ONE transaction.

A row is a dict (ImportBatch.rows):
    line, report (the key of its report in ImportBatch.reports), reference, category, text,
    forces_label (as written), readings (how each name was read), force_ids (the items to create),
    target_date (ISO or None), target_how, cause_of_concern, accelerated,
    state (the item state columns, or None), history ({force id: [[ISO day, status, comment]]}),
    action ("new", "add": new forces for a finding already in the tracker, "skip": all there),
    finding_id (for "add" and "skip"), notes, problems.
"""

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.broker import publish_once
from core.cache import data_changed
from core.dates import date_bounds, london_today, long_date
from core.refusals import Refusal
from core.spreadsheets import FORMULA_PREFIXES
from imports.deadlines import DateFormError, target_derive
from imports.history import WordError, day_read, past_with_history, state_read, status_read, yes_no_read
from imports.models import ImportBatch
from imports.names import PROGRAMME_KINDS, OrganisationDirectory, family_of
from imports.parsing import ImportFileError, ParsedFile, cell_text, file_read, history_file_read
from inspections.models import Finding, Inspection, Programme, Theme, TrackedItem
from inspections.past import ItemPast, PastChange, past_problems
from inspections.services import (
    FindingDraft,
    InspectionFields,
    TransitionRefused,
    findings_publish,
    inspection_create,
)

logger = logging.getLogger(__name__)

CATEGORY_WORDS = {
    "cause_of_concern": Finding.Category.CAUSE_OF_CONCERN,
    "cause of concern": Finding.Category.CAUSE_OF_CONCERN,
    "coc": Finding.Category.CAUSE_OF_CONCERN,
    "recommendation": Finding.Category.RECOMMENDATION,
    "rec": Finding.Category.RECOMMENDATION,
    "area_for_improvement": Finding.Category.AREA_FOR_IMPROVEMENT,
    "area for improvement": Finding.Category.AREA_FOR_IMPROVEMENT,
    "afi": Finding.Category.AREA_FOR_IMPROVEMENT,
}
COLUMN_LABELS = {
    "reference": "reference",
    "category": "category",
    "text": "text",
    "forces": "forces",
    "target_date": "target date",
    "cause_of_concern": "cause of concern",
    "themes": "themes",
    "accelerated": "accelerated",
    "report_reference": "report reference",
    "report_title": "report title",
    "programme": "programme",
    "published": "published",
    "report_url": "report URL",
    "status": "status",
    "status_date": "status date",
    "response": "response",
    "response_date": "response date",
    "response_reason": "response reason",
    "closed_on": "closed on",
    "closing_note": "closing note",
    "comment": "comment",
    "comment_date": "comment date",
    "last_progress": "last progress",
    "superseded_by": "superseded by",
    "force": "force",
    "date": "date",
}
REFERENCE_MAX = Finding._meta.get_field("reference").max_length
INSPECTION_REFERENCE_MAX = Inspection._meta.get_field("reference").max_length
TITLE_MAX = Inspection._meta.get_field("title").max_length
CHUNK_ROWS = 500
PROGRESS_TIMEOUT = 60 * 60


class HistoryFileError(ImportFileError):
    """The history file cannot be imported; the message is shown beside it."""


class ImportRunError(Refusal):
    """Saving failed and the transaction was rolled back; the message is shown to the user."""


def _progress_key(batch_id: object) -> str:
    return f"imports:progress:{batch_id}"


def _cache():
    # A cache every process can read (files under var/ by default, or Redis): the worker writes
    # the count, the web process reads it.
    return caches[settings.IMPORT_PROGRESS_CACHE]


def import_progress_get(*, batch: ImportBatch) -> int:
    """Rows saved so far. Written to the cache because the saving transaction's own writes are
    invisible to other connections until it commits."""
    if batch.state == ImportBatch.State.DONE:
        return batch.row_count
    return int(_cache().get(_progress_key(batch.pk), 0))


def _themes_resolve(text: str, themes: dict[str, tuple[int, str]]) -> tuple[list[int], list[str]]:
    """Theme names or slugs separated by ";" (any case) -> theme ids, and a problem per unknown one."""
    ids: list[int] = []
    problems: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        found = themes.get(" ".join(part.split()).casefold())
        if found is None:
            problems.append(
                f'Themes: "{part}" is not one of the themes. Check the list of themes, or ask for it to be added'
            )
        elif found[0] not in ids:
            ids.append(found[0])
    return ids, problems


def _formula_problem(column: str, raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    if raw.startswith(FORMULA_PREFIXES) or raw.lstrip(" ").startswith(FORMULA_PREFIXES):
        first = raw.lstrip(" ")[:1]
        shown = {"\t": "a tab", "\r": "a carriage return"}.get(first, f'"{first}"')
        return (
            f"{COLUMN_LABELS.get(column, column).capitalize()}: starts with {shown}, which a spreadsheet would run "
            f"as a formula. Start the cell with a letter or a number"
        )
    return None


def text_as_written(value: object) -> str:
    """A text cell with its paragraphs and lists: line endings made one kind, outer space trimmed."""
    text = cell_text(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _same_text(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- Reports --------------------------------------------------------------------------------------


@dataclass
class _Report:
    key: str
    line: int
    reference: str = ""
    title: str = ""
    programme: Programme | None = None
    published: dt.date | None = None
    report_url: str = ""
    inspection: Inspection | None = None
    made_reference: bool = False
    rows: list[dict] = field(default_factory=list)
    hint: str | None = None

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "line": self.line,
            "inspection_id": self.inspection.pk if self.inspection else None,
            "reference": self.inspection.reference if self.inspection else self.reference,
            "title": self.inspection.title if self.inspection else self.title,
            "programme_id": (self.inspection.programme_id if self.inspection else self.programme.pk)
            if (self.inspection or self.programme)
            else None,
            "programme": (self.inspection.programme.name if self.inspection else self.programme.name)
            if (self.inspection or self.programme)
            else "",
            "published": self.published.isoformat() if self.published else None,
            "report_url": self.report_url,
            "made_reference": self.made_reference,
            "rows": len(self.rows),
            "new_rows": sum(1 for row in self.rows if row["action"] != "skip"),
            "skipped_rows": sum(1 for row in self.rows if row["action"] == "skip"),
            "items": sum(len(row["force_ids"]) for row in self.rows),
        }


class _Programmes:
    def __init__(self) -> None:
        self.all = list(Programme.objects.all())
        self.by_word: dict[str, Programme] = {}
        for programme in self.all:
            for word in (programme.slug, programme.name, programme.slug.replace("-", " ")):
                self.by_word[" ".join(word.lower().split())] = programme
        extra = {
            "ncpi": "ncpi",
            "child protection": "ncpi",
            "national child protection inspection": "ncpi",
            "fire": "fire-and-rescue",
            "frs": "fire-and-rescue",
            "fire and rescue": "fire-and-rescue",
            "cdi": "crime-data-integrity",
            "post inspection review": "post-inspection-review",
            "revisit": "post-inspection-review",
            "thematic": "thematic",
        }
        for word, slug in extra.items():
            programme = next((p for p in self.all if p.slug == slug), None)
            if programme is not None:
                self.by_word.setdefault(word, programme)

    def find(self, written: str) -> Programme | None:
        return self.by_word.get(" ".join(written.lower().replace("-", " ").split())) or self.by_word.get(
            " ".join(written.lower().split())
        )

    def names(self) -> str:
        return ", ".join(p.name for p in self.all)


class _Check:
    """One pass over a parsed file (and its history) into the rows and reports of a preview."""

    def __init__(self, *, parsed: ParsedFile, history: ParsedFile | None, inspection: Inspection | None) -> None:
        self.parsed = parsed
        self.history = history
        self.inspection = inspection
        self.today = london_today()
        self.directory = OrganisationDirectory()
        self.programmes = _Programmes()
        self.reports: dict[str, _Report] = {}
        self.history_problems: list[dict] = []
        self.url = URLValidator(schemes=["http", "https"])
        self.themes: dict[str, tuple[int, str]] = {}
        for pk, name, slug in Theme.objects.values_list("id", "name", "slug"):
            self.themes[name.casefold()] = self.themes[slug.casefold()] = (pk, name)

    # --- the report of each row ---

    def _report_for(self, line: int, cells: dict) -> tuple[_Report | None, list[str]]:
        problems: list[str] = []
        reference = cell_text(cells.get("report_reference")).strip()
        title = " ".join(cell_text(cells.get("report_title")).split())
        programme_text = cell_text(cells.get("programme")).strip()
        url = cell_text(cells.get("report_url")).strip()
        published_cell = cells.get("published")
        published = None
        if cell_text(published_cell).strip() or isinstance(published_cell, dt.date):
            try:
                published = day_read(published_cell)
            except DateFormError as error:
                problems.append(f"Published: {error}. Write it as 31/03/2027 or 31 March 2027")
        if reference:
            key = f"ref:{reference.casefold()}"
        elif title:
            key = f"title:{title.casefold()}:{published.isoformat() if published else ''}"
        elif self.inspection is not None:
            key = f"id:{self.inspection.pk}"
        else:
            return None, [
                "Report: name the report in the report_reference (or report_title) column, or choose the "
                "inspection on the upload form"
            ]
        report = self.reports.get(key)
        if report is None:
            report = self._new_report(key, line, reference, title, programme_text, published, url, problems)
            self.reports[key] = report
            return report, problems
        # Later rows of the same report must agree with its first row.
        first = f"on row {report.line}"
        if published and report.published and published != report.published:
            problems.append(f"Published: {long_date(report.published)} {first}, not {long_date(published)}")
        if title and report.title and title.casefold() != report.title.casefold() and not report.inspection:
            problems.append(f'Report title: "{report.title}" {first}')
        programme = self.programmes.find(programme_text) if programme_text else None
        current_programme = report.inspection.programme if report.inspection else report.programme
        if programme and current_programme and programme != current_programme:
            problems.append(f"Programme: {current_programme.name} {first}")
        if url and report.report_url and url != report.report_url:
            problems.append(f"Report URL: {report.report_url} {first}")
        return report, problems

    def _new_report(self, key, line, reference, title, programme_text, published, url, problems) -> _Report:
        report = _Report(key=key, line=line, reference=reference, title=title, published=published, report_url=url)
        programme = None
        if programme_text:
            programme = self.programmes.find(programme_text)
            if programme is None:
                problems.append(
                    f'Programme: "{programme_text}" is not a programme. Use one of {self.programmes.names()}'
                )
        if url:
            try:
                self.url(url)
            except ValidationError:
                problems.append(f'Report URL: "{url}" is not a web address (it starts https://)')
        existing = None
        if key.startswith("id:"):
            existing = self.inspection
        elif reference:
            existing = Inspection.objects.select_related("programme").filter(reference__iexact=reference).first()
        else:
            existing = (
                Inspection.objects.select_related("programme")
                .filter(title__iexact=title, published_on=published)
                .first()
            )
        if existing is not None:
            report.inspection = existing
            if published and existing.published_on != published:
                shown = long_date(existing.published_on) if existing.published_on else "no publication date"
                problems.append(
                    f"Published: the tracker has {shown} for {existing.reference}, the file {long_date(published)}. "
                    f"Correct the file, or edit the inspection first"
                )
            if programme and programme != existing.programme:
                problems.append(
                    f"Programme: {existing.reference} is a {existing.programme.name} inspection in the tracker, "
                    f"not {programme.name}"
                )
            report.published = existing.published_on
            report.hint = PROGRAMME_KINDS.get(existing.programme.slug)
            return report
        # A report to create.
        report.programme = programme
        if not title:
            problems.append("Report title: a new report needs its title")
        elif len(title) > TITLE_MAX:
            problems.append(f"Report title: must be {TITLE_MAX} characters or fewer")
        if programme is None and not programme_text:
            problems.append(f"Programme: a new report needs its programme: one of {self.programmes.names()}")
        if reference and len(reference) > INSPECTION_REFERENCE_MAX:
            problems.append(f"Report reference: must be {INSPECTION_REFERENCE_MAX} characters or fewer")
        if not reference and title:
            report.reference = self._made_reference(title, published)
            report.made_reference = True
        report.hint = PROGRAMME_KINDS.get(programme.slug) if programme else None
        return report

    def _made_reference(self, title: str, published: dt.date | None) -> str:
        """A reference for a new report the file gave none: its year and the initials of its title."""
        words = [w for w in title.replace("–", " ").replace("-", " ").split() if w[:1].isalnum()]
        initials = "".join(w[0] for w in words if w[0].isupper() or w[0].isdigit())[:12] or "REPORT"
        base = f"{initials.upper()}-{published.year if published else 'PLANNED'}"
        taken = {r.reference.casefold() for r in self.reports.values()}
        reference, n = base, 1
        while reference.casefold() in taken or Inspection.objects.filter(reference__iexact=reference).exists():
            n += 1
            reference = f"{base}-{n}"
        return reference

    # --- the rows ---

    def run(self) -> tuple[list[dict], list[dict]]:
        rows: list[dict] = []
        for line, cells in self.parsed.rows:
            report, report_problems = self._report_for(line, cells)
            row = self._row(line, cells, report)
            row["problems"] = report_problems + row["problems"]
            if report is not None:
                report.rows.append(row)
            rows.append(row)
        self._hints()
        existing = self._existing_findings()
        first_line: dict[tuple[str, str], dict] = {}
        first_text: dict[tuple[str, str], str] = {}
        for row in rows:
            self._forces(row)
            self._target(row)
            if row["report"] is not None:
                self._against_tracker(row, existing, first_line, first_text)
        self._concerns(rows, existing)
        self._history(rows)
        self._states(rows, existing)
        for row in rows:
            row.pop("_all_forces", None)
        reports = [report.as_json() for report in self.reports.values()]
        return rows, reports

    def _row(self, line: int, cells: dict, report: _Report | None) -> dict:
        problems: list[str] = []
        for column, raw in cells.items():
            problem = _formula_problem(column, raw)
            if problem:
                problems.append(problem)
        reference = cell_text(cells.get("reference")).strip()
        category_text = cell_text(cells.get("category")).strip()
        text = text_as_written(cells.get("text"))
        if not reference:
            problems.append("Reference: enter the finding's reference, for example R3")
        elif len(reference) > REFERENCE_MAX:
            problems.append(f"Reference: must be {REFERENCE_MAX} characters or fewer")
        category = CATEGORY_WORDS.get(" ".join(category_text.lower().replace("-", " ").split()))
        if category is None:
            category = CATEGORY_WORDS.get(category_text.lower())
        if category is None:
            problems.append(
                "Category: enter cause of concern, recommendation or area for improvement"
                if not category_text
                else f'Category: "{category_text}" is not one of cause of concern, recommendation, area for improvement'
            )
        if not text:
            problems.append("Text: enter the text of the finding")
        accelerated = False
        try:
            accelerated = yes_no_read(cells.get("accelerated"))
        except WordError as error:
            problems.append(f"Accelerated: {error}")
        if accelerated and category != Finding.Category.CAUSE_OF_CONCERN:
            problems.append("Accelerated: only a cause of concern is accelerated")
        theme_ids, theme_problems = _themes_resolve(cell_text(cells.get("themes")), self.themes)
        problems += theme_problems
        state, state_problems, written_status = state_read(cells)
        problems += state_problems
        return {
            "line": line,
            "report": report.key if report else None,
            "reference": reference,
            "category": category or category_text,
            "text": text,
            "forces_label": cell_text(cells.get("forces")).strip(),
            "readings": [],
            "force_ids": [],
            "target_date": None,
            "target_how": "",
            "_target_cell": cells.get("target_date"),
            "cause_of_concern": cell_text(cells.get("cause_of_concern")).strip(),
            "accelerated": accelerated,
            "theme_ids": theme_ids,
            "state": _past_json(state) if state else None,
            "_written_status": written_status,
            "history": {},
            "action": "new",
            "finding_id": None,
            "notes": [],
            "problems": problems,
        }

    def _hints(self) -> None:
        """The kind of organisation each report addresses, where its programme does not say: that
        of the names its rows give unambiguously."""
        for report in self.reports.values():
            if report.hint is not None:
                continue
            kinds: set[str] = set()
            for row in report.rows:
                found = self.directory.resolve(row["forces_label"])
                if not found.problems:
                    kinds |= found.kinds
            report.hint = family_of(kinds)

    def _forces(self, row: dict) -> None:
        label = row["forces_label"]
        if not label:
            row["problems"].append(
                'Forces: enter the organisations addressed, separated by ";", or "all police forces"'
            )
            return
        report = self.reports.get(row["report"]) if row["report"] else None
        found = self.directory.resolve(label, hint=report.hint if report else None)
        row["force_ids"] = found.force_ids
        row["readings"] = found.readings
        row["problems"] += [f"Forces: {problem}" for problem in found.problems]
        if not found.force_ids and not found.problems:
            row["problems"].append("Forces: no active organisation matches")

    def _target(self, row: dict) -> None:
        report = self.reports.get(row["report"]) if row["report"] else None
        derived = target_derive(
            cell=row.pop("_target_cell"),
            text=row["text"],
            published_on=report.published if report else None,
            category=row["category"],
        )
        day = derived.day
        if derived.problem:
            row["problems"].append(f"Target date: {derived.problem}")
        elif day is not None:
            earliest, latest = date_bounds()
            if not earliest <= day <= latest:
                row["problems"].append(f"Target date: must be between {long_date(earliest)} and {long_date(latest)}")
                day = None
        row["target_date"] = day.isoformat() if day else None
        row["target_how"] = derived.how

    def _existing_findings(self) -> dict[int, dict[str, dict]]:
        """For each existing inspection the file names: its findings by folded reference."""
        ids = [r.inspection.pk for r in self.reports.values() if r.inspection is not None]
        found: dict[int, dict[str, dict]] = defaultdict(dict)
        for pk, inspection_id, reference, text, category in Finding.objects.filter(inspection_id__in=ids).values_list(
            "pk", "inspection_id", "reference", "text", "category"
        ):
            found[inspection_id][reference.casefold()] = {
                "pk": pk,
                "reference": reference,
                "text": text,
                "category": category,
                "forces": set(),
            }
        by_pk = {f["pk"]: f for findings in found.values() for f in findings.values()}
        for finding_id, force_id in TrackedItem.objects.filter(finding_id__in=list(by_pk)).values_list(
            "finding_id", "force_id"
        ):
            by_pk[finding_id]["forces"].add(force_id)
        return found

    def _against_tracker(self, row: dict, existing, first_line: dict, first_text: dict) -> None:
        """Twice in the file, or already in the tracker: flagged row by row, never doubled."""
        report = self.reports[row["report"]]
        reference = row["reference"]
        if not reference:
            return
        folded = (report.key, reference.casefold())
        first = first_line.get(folded)
        if first is not None:
            # The same finding on several rows (one row per organisation, as registers list it): one
            # finding, each row adding its organisations. Anything else under one reference is a clash.
            if _same_text(first["text"]) != _same_text(row["text"]) or first["category"] != row["category"]:
                row["problems"].append(f"Reference: {reference} is also used on row {first['line']}, with other text")
                return
            row["joins"] = first["line"]
            for label, key in (("Target date", "target_date"), ("Cause of concern", "cause_of_concern")):
                if row[key] != first[key] and not row["problems"] and not first["problems"]:
                    row["problems"].append(f"{label}: not the same as on row {first['line']} for {reference}")
            twice = [pk for pk in row["force_ids"] if pk in first["_all_forces"]]
            if twice:
                named = ", ".join(self.directory.orgs[pk].name for pk in twice)
                row["problems"].append(f"Forces: {named} already on row {first['line']} for {reference}")
            first["_all_forces"].update(row["force_ids"])
        else:
            row["_all_forces"] = set(row["force_ids"])
            first_line[folded] = row
        same = (report.key, _same_text(row["text"]))
        if row["text"] and same in first_text and first_text[same].casefold() != reference.casefold():
            row["problems"].append(f"Text: the same as {first_text[same]}, earlier in the file")
        first_text.setdefault(same, reference)
        if report.inspection is None:
            return
        findings = existing.get(report.inspection.pk, {})
        there = findings.get(reference.casefold())
        if there is None:
            twin = next((f for f in findings.values() if _same_text(f["text"]) == _same_text(row["text"])), None)
            if twin is not None and row["text"]:
                row["problems"].append(
                    f"Text: the same as {twin['reference']}, already in {report.inspection.reference}. "
                    f"Remove the row, or use that reference"
                )
            return
        if _same_text(there["text"]) != _same_text(row["text"]) or there["category"] != row["category"]:
            row["problems"].append(
                f"Reference: {there['reference']} is already in {report.inspection.reference} with different "
                f"{'text' if there['category'] == row['category'] else 'category'}. Change the reference, or "
                f"remove the row"
            )
            return
        row["finding_id"] = there["pk"]
        new = [pk for pk in row["force_ids"] if pk not in there["forces"]]
        if new:
            row["action"] = "add"
            row["notes"].append(
                f"{there['reference']} is already in the tracker: only the {len(new)} organisation"
                f"{'s' if len(new) != 1 else ''} not yet tracking it will be added"
            )
        else:
            row["action"] = "skip"
            row["notes"].append(
                f"Already in the tracker ({report.inspection.reference} {there['reference']}): left out"
            )
        row["force_ids"] = new

    def _concerns(self, rows: list[dict], existing) -> None:
        categories: dict[tuple[str, str], str] = {}
        for row in rows:
            if row["report"] and row["reference"]:
                categories.setdefault((row["report"], row["reference"].casefold()), row["category"])
        for row in rows:
            concern = row["cause_of_concern"]
            if not concern or row["report"] is None:
                continue
            if row["category"] != Finding.Category.RECOMMENDATION:
                row["problems"].append("Cause of concern: only a recommendation answers a cause of concern")
                continue
            report = self.reports[row["report"]]
            category = categories.get((report.key, concern.casefold()))
            if category is None and report.inspection is not None:
                there = existing.get(report.inspection.pk, {}).get(concern.casefold())
                category = there["category"] if there else None
            if category is None:
                where = f"in {report.inspection.reference}" if report.inspection else "in this report"
                row["problems"].append(f"Cause of concern: {concern} is neither in the file nor {where}")
            elif category != Finding.Category.CAUSE_OF_CONCERN:
                row["problems"].append(f"Cause of concern: {concern} is not a cause of concern")

    def _history(self, rows: list[dict]) -> None:
        """Attach each line of the history file to its row and force. Rows are indexed by report
        and reference, so 10,000 lines cost 10,000 look-ups, not a scan of the file each."""
        if self.history is None:
            return
        self._rows_at: dict[tuple[str, str], list[dict]] = defaultdict(list)  # (report key, reference)
        self._keys_of_reference: dict[str, set[str]] = defaultdict(set)
        self._keys_of_report: dict[str, set[str]] = defaultdict(set)  # a report reference as written
        for row in rows:
            if row["reference"] and row["report"]:
                folded = row["reference"].casefold()
                self._rows_at[(row["report"], folded)].append(row)
                self._keys_of_reference[folded].add(row["report"])
        for key, report in self.reports.items():
            for written in (report.reference, report.inspection.reference if report.inspection else ""):
                if written:
                    self._keys_of_report[written.casefold()].add(key)
        for line, cells in self.history.rows:
            problem = self._history_line(line, cells)
            if problem:
                self.history_problems.append({"line": line, "problem": problem})

    def _history_line(self, line: int, cells: dict) -> str:
        for column, raw in cells.items():
            problem = _formula_problem(column, raw)
            if problem:
                return problem
        reference = cell_text(cells.get("reference")).strip()
        keys = self._keys_of_reference.get(reference.casefold(), set())
        report_ref = cell_text(cells.get("report_reference")).strip()
        if report_ref:
            keys = keys & self._keys_of_report.get(report_ref.casefold(), set())
        if not keys:
            return f"{reference or 'The reference'} is not a finding in the findings file"
        if len(keys) > 1:
            return f"{reference} is in more than one report of the file: give the report reference"
        [key] = keys
        candidates = self._rows_at[(key, reference.casefold())]
        report = self.reports[key]
        force_text = cell_text(cells.get("force")).strip()
        if force_text:
            found = self.directory.resolve(force_text, hint=report.hint)
            if found.problems:
                return f"Force: {found.problems[0]}"
            if len(found.force_ids) != 1:
                return f'Force: "{force_text}" is more than one organisation: one line per organisation'
            force_id = found.force_ids[0]
        elif len(candidates) == 1 and len(candidates[0]["force_ids"]) == 1:
            force_id = candidates[0]["force_ids"][0]
        else:
            return "Force: name the organisation (the finding is addressed to more than one)"
        row = next((row for row in candidates if force_id in row["force_ids"]), None)
        if row is None:
            name = self.directory.orgs[force_id].name
            lines = ", ".join(str(row["line"]) for row in candidates)
            return f"{reference} is not addressed to {name} in the findings file (row {lines})"
        try:
            day = day_read(cells.get("date"))
        except DateFormError as error:
            return f"Date: {error}"
        if day is None:
            return "Date: enter the date of the change"
        status = ""
        if cell_text(cells.get("status")).strip():
            try:
                status = status_read(cells.get("status"))
            except WordError as error:
                return f"Status: {error}"
        comment = text_as_written(cells.get("comment"))
        if not status and not comment:
            return "Enter a status, a comment or both"
        row["history"].setdefault(str(force_id), []).append([day.isoformat(), status, comment])
        return ""

    def _states(self, rows: list[dict], existing) -> None:
        """Each item's past: the state columns and the history lines together, checked."""
        for row in rows:
            written_status = row.pop("_written_status", False)
            if row["state"] is None and not row["history"]:
                continue
            report = self.reports.get(row["report"]) if row["report"] else None
            published = report.published if report else None
            base = _past_from_json(row["state"]) if row["state"] else None
            pasts: dict[str, dict] = {}
            for force_id in row["force_ids"]:
                changes = [
                    PastChange(day=dt.date.fromisoformat(day), status=status, comment=comment)
                    for day, status, comment in row["history"].get(str(force_id), [])
                ]
                past = past_with_history(base, changes, written_status=written_status)
                name = self.directory.orgs[force_id].name
                for problem in past_problems(past=past, published_on=published, today=self.today):
                    prefix = f"{name}: " if len(row["force_ids"]) > 1 else ""
                    if problem not in row["problems"] and f"{prefix}{problem}" not in row["problems"]:
                        row["problems"].append(f"{prefix}{problem}")
                if past.superseded_by and report is not None:
                    self._successor(row, past, report, force_id, existing)
                pasts[str(force_id)] = _past_json(past)
            row["pasts"] = pasts

    def _successor(self, row, past: ItemPast, report: _Report, force_id: int, existing) -> None:
        ref = past.superseded_by.casefold()
        in_file = any(
            other["reference"].casefold() == ref and force_id in other["force_ids"]
            for other in report.rows
            if other is not row
        )
        there = existing.get(report.inspection.pk, {}).get(ref) if report.inspection else None
        if not in_file and not (there and force_id in there["forces"]):
            row["problems"].append(
                f"Superseded by: {past.superseded_by} is not a finding of "
                f"{report.inspection.reference if report.inspection else report.reference or 'this report'} "
                f"addressed to {self.directory.orgs[force_id].name}"
            )


def _past_json(past: ItemPast) -> dict:
    # By hand, not dataclasses.asdict: that deep-copies every value, and a file has 10,000 rows.
    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "status": str(past.status),
        "status_on": day(past.status_on),
        "response": str(past.response),
        "responded_on": day(past.responded_on),
        "response_reason": past.response_reason,
        "closed_on": day(past.closed_on),
        "closing_note": past.closing_note,
        "last_progress_on": day(past.last_progress_on),
        "superseded_by": past.superseded_by,
        "changes": [[c.day.isoformat(), str(c.status), c.comment] for c in past.changes],
    }


def _past_from_json(data: dict) -> ItemPast:
    values = dict(data)
    for key in ("status_on", "responded_on", "closed_on", "last_progress_on"):
        values[key] = dt.date.fromisoformat(values[key]) if values.get(key) else None
    values["changes"] = tuple(
        PastChange(day=dt.date.fromisoformat(day), status=status, comment=comment)
        for day, status, comment in data.get("changes", [])
    )
    return ItemPast(**values)


def import_batch_create(
    *,
    user: User,
    inspection: Inspection | None,
    data: bytes,
    name: str,
    history_data: bytes | None = None,
    history_name: str = "",
) -> ImportBatch:
    """Read and check a file (and a history file, if given) into a preview. Raises ImportFileError
    for a file that cannot be read at all; problems with single rows are kept on the batch, to be
    shown row by row."""
    parsed = file_read(data=data)
    history = parsed.history
    if history_data:
        if history is not None:
            raise ImportFileError(
                f'The workbook has a history sheet ("{history.sheet}") and a history file was chosen too. '
                f"Use one of them."
            )
        try:
            history = history_file_read(data=history_data)
        except ImportFileError as error:
            raise HistoryFileError(str(error)) from None
    elif history is not None:
        history_name = f"{name}, sheet {history.sheet}"
    check = _Check(parsed=parsed, history=history, inspection=inspection)
    rows, reports = check.run()
    problem_count = sum(len(row["problems"]) for row in rows) + len(check.history_problems)
    return ImportBatch.objects.create(
        inspection=inspection,
        uploaded_by=user,
        original_name=name[:255],
        history_name=(history_name if history is not None else "")[:255],
        rows=rows,
        reports=reports,
        unknown_columns=parsed.unknown_columns
        + [f"{c} (history)" for c in (history.unknown_columns if history else [])],
        history_problems=check.history_problems,
        history_row_count=len(history.rows) if history else 0,
        row_count=len(rows),
        problem_count=problem_count,
        item_count=sum(len(row["force_ids"]) for row in rows if row["action"] != "skip"),
        skip_count=sum(1 for row in rows if row["action"] == "skip"),
    )


def import_batch_confirm(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Claim a checked batch for saving, once (a second click finds it claimed already). Small
    batches are saved now; large ones by the Celery worker, while a progress page refreshes."""
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, state=ImportBatch.State.PREVIEW, problem_count=0, row_count__gt=F("skip_count")
    ).update(state=ImportBatch.State.QUEUED, updated_at=timezone.now())
    batch.refresh_from_db()
    if not claimed:
        return batch
    if batch.row_count <= settings.IMPORT_INLINE_MAX_ROWS:
        import_batch_run(batch_id=batch.pk)
        batch.refresh_from_db()
    else:
        transaction.on_commit(lambda: _schedule_run(batch_id=batch.pk))
    return batch


def _schedule_run(*, batch_id: object) -> None:
    """Hand a claimed batch to the worker; with the broker down, save it here instead (one
    connection attempt, no retries: the request does not wait on a dead broker)."""
    from imports.tasks import run_import

    error = publish_once(run_import, args=[str(batch_id)])
    if error is not None:
        logger.warning(
            "broker unreachable; import %s saved in the request",
            batch_id,
            extra={"event": "import_inline_fallback", "batch": str(batch_id), "error": str(error)},
        )
        try:
            import_batch_run(batch_id=batch_id)
        except ImportRunError:
            pass  # recorded on the batch (state failed, with its message) for the progress page


def _drafts(groups: list[list[dict]]) -> list[FindingDraft]:
    """One draft per finding: a new finding with every organisation its rows name, or, for a
    finding already in the tracker, one per row adding that row's new organisations."""
    drafts = []
    for group in groups:
        new = [row for row in group if row["action"] == "new"]
        pieces = [[row] for row in group if row["action"] == "add"] + ([new] if new else [])
        for piece in pieces:
            head = piece[0]
            pasts = {
                int(force_id): _past_from_json(data)
                for row in piece
                for force_id, data in (row.get("pasts") or {}).items()
            }
            drafts.append(
                FindingDraft(
                    reference=head["reference"],
                    category=head["category"],
                    text=head["text"],
                    force_ids=tuple(pk for row in piece for pk in row["force_ids"]),
                    target_date=dt.date.fromisoformat(head["target_date"]) if head["target_date"] else None,
                    cause_of_concern=head["cause_of_concern"],
                    accelerated=head["accelerated"],
                    theme_ids=tuple(head.get("theme_ids") or ()),
                    position=head["line"],
                    past=pasts,
                    existing_finding_id=head["finding_id"] if head["action"] == "add" else None,
                )
            )
    return drafts


def _save_groups(rows: list[dict]) -> list[list[dict]]:
    """The rows of one report as findings (a finding's rows together), in saving order: causes of
    concern before the recommendations that answer them, items superseded by others after the
    items that replaced them."""
    groups: dict[int, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.get("joins") or row["line"], []).append(row)

    def rank(group: list[dict]) -> int:
        pasts = [p for row in group for p in (row.get("pasts") or {}).values()]
        if any(p.get("status") == TrackedItem.Status.SUPERSEDED for p in pasts):
            return 2
        return 0 if group[0]["category"] == Finding.Category.CAUSE_OF_CONCERN else 1

    return sorted(groups.values(), key=rank)


def _inspection_for(report: dict, *, user: User, source: str) -> Inspection:
    if report["inspection_id"]:
        return Inspection.objects.select_related("programme").get(pk=report["inspection_id"])
    published = dt.date.fromisoformat(report["published"]) if report["published"] else None
    return inspection_create(
        user=user,
        fields=InspectionFields(
            programme=Programme.objects.get(pk=report["programme_id"]),
            reference=report["reference"],
            title=report["title"],
            published_on=published,
            report_url=report["report_url"],
        ),
        reason=f"Imported from {source}",
    )


def import_batch_run(*, batch_id: object) -> ImportBatch:
    """Save every row of a claimed batch in ONE transaction, or none of them."""
    started = time.monotonic()
    claimed = ImportBatch.objects.filter(pk=batch_id, state=ImportBatch.State.QUEUED).update(
        state=ImportBatch.State.RUNNING, started_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("inspection", "uploaded_by").get(pk=batch_id)
    if not claimed:
        return batch  # already running or finished elsewhere: running it twice must not save twice
    key = _progress_key(batch.pk)
    progress = _cache()
    progress.set(key, 0, PROGRESS_TIMEOUT)
    source = batch.original_name + (f" and {batch.history_name}" if batch.history_name else "")
    user = batch.uploaded_by
    saved_items = saved_events = 0
    try:
        with transaction.atomic():
            done = 0
            reports = []
            for report in batch.reports:
                inspection = _inspection_for(report, user=user, source=source)
                reports.append({**report, "inspection_id": inspection.pk})
                groups = _save_groups([row for row in batch.rows if row["report"] == report["key"]])
                chunk: list[list[dict]] = []
                for index, group in enumerate(groups):
                    chunk.append(group)
                    if sum(len(g) for g in chunk) < CHUNK_ROWS and index < len(groups) - 1:
                        continue
                    published = findings_publish(inspection=inspection, user=user, drafts=_drafts(chunk), source=source)
                    saved_items += published.items
                    saved_events += published.events
                    done += sum(len(g) for g in chunk)
                    progress.set(key, done, PROGRESS_TIMEOUT)
                    chunk = []
            ImportBatch.objects.filter(pk=batch.pk).update(
                state=ImportBatch.State.DONE, rows_done=done, finished_at=timezone.now(), reports=reports
            )
    except IntegrityError as error:
        logger.warning(
            "import %s rolled back: %s",
            batch.pk,
            error,
            extra={"event": "import_rolled_back", "batch": str(batch.pk), "error": str(error)},
        )
        message = (
            "Nothing was saved: a finding or inspection with one of these references was added to the tracker "
            "while you were checking the file. Upload the file again to see which."
        )
        _fail(batch_id=batch.pk, message=message)
        raise ImportRunError(message) from error
    except (TransitionRefused, PermissionDenied) as error:
        message = f"Nothing was saved: {error}. Upload the file again to check it."
        _fail(batch_id=batch.pk, message=message)
        raise ImportRunError(message) from error
    except Exception as error:
        _fail(batch_id=batch.pk, message="Nothing was saved: the import failed. Try again, or ask for help.")
        raise ImportRunError(str(error)) from error
    finally:
        progress.delete(key)
    data_changed(committed=True)  # the dashboard counts the new items
    seconds = round(time.monotonic() - started, 3)
    logger.info(
        "import %s saved %d rows and %d items in %.1f s",
        batch.pk,
        len(batch.rows),
        saved_items,
        seconds,
        extra={
            "event": "import_saved",
            "batch": str(batch.pk),
            "rows": len(batch.rows),
            "items": saved_items,
            "events": saved_events,
            "seconds": seconds,
        },
    )
    batch.refresh_from_db()
    return batch


def _fail(*, batch_id: object, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        state=ImportBatch.State.FAILED, error=message, finished_at=timezone.now(), rows_done=0
    )
