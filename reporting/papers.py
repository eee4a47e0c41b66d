"""The Word documents written for the bodies that govern forces (python-docx):

- the committee paper: one force's open recommendations, areas for improvement and causes of
  concern, as a document its governing body's committee could table;
- the draft of the local policing body's comments on one police report (Police Act 1996, section
  55): each of the report's findings for the force, with the force's response and latest progress,
  and an empty place for the body's comments, for the body's staff to finish.

Every text a user or an import wrote is made printable first: a Word file is XML, which cannot hold
control characters."""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from core.text import printable
from forces.models import Force, GoverningBody
from inspections import rules, wording
from inspections.models import Inspection, ItemStatus, Judgement, TrackedItem

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}
# Cell shading for each rating; the word is always written too, so colour is never the only sign.
RAG_FILLS = {"red": "F4A6A6", "amber": "FFDD99", "green": "B9E3C6"}


@dataclass(frozen=True)
class PaperScope:
    force: Force
    governing_body: GoverningBody | None
    today: dt.date


def _text(value: object) -> str:
    return printable(str(value)) if value is not None else ""


def _date(day: dt.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "None"


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _table(document, headings: list[str], rows: Iterable[list[str]], *, keyed: bool = False):
    """A bordered table with a bold heading row; `keyed`: no heading row, and each row's first cell
    (its key) bold instead."""
    table = document.add_table(rows=0 if keyed else 1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    if not keyed:
        for cell, heading in zip(table.rows[0].cells, headings, strict=True):
            cell.paragraphs[0].add_run(heading).bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            run = cell.paragraphs[0].add_run(_text(value))
            run.bold = keyed and index == 0
    return table


def _document(*, title: str, subject: str):
    """A new Word document with its properties and the house style (Arial 11)."""
    document = Document()
    document.core_properties.title = _text(title)
    document.core_properties.subject = _text(subject)
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    return document


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _governor_line(body: GoverningBody | None) -> str:
    if body is None:
        return "No governing body is recorded for this organisation."
    return f"{body.name} ({body.get_kind_display().lower()})"


def _latest_update(item: TrackedItem) -> str:
    if not item.latest_update_text:
        return "No progress update yet."
    return f"{_date(item.latest_update_at.date())}: {item.latest_update_text}"


def _latest_judgement(item: TrackedItem) -> str:
    if not item.latest_judgement_progress:
        return "Not yet judged at a follow-up review."
    label = Judgement.Progress(item.latest_judgement_progress).label
    text = f"{label} (review of {_date(item.latest_judgement_on)})"
    if item.latest_judgement_commentary:
        text += f": {item.latest_judgement_commentary}"
    return text


def committee_paper_docx(
    *, scope: PaperScope, counts: dict, items: Iterable[TrackedItem], progress: Callable[[int], None] | None = None
) -> tuple[bytes, int]:
    """The paper as the bytes of a .docx file, and how many items it lists (for the record);
    `progress(n)` is told after each item written."""
    force, today = scope.force, scope.today
    document = _document(
        title=f"Inspection recommendations: {force.name}",
        subject="Progress on the inspectorate's recommendations and areas for improvement",
    )

    document.add_heading(_text(f"Inspection recommendations and areas for improvement: {force.name}"), level=0)
    _table(
        document,
        ["", ""],
        [
            ["Organisation", force.name],
            ["Governing body", _governor_line(scope.governing_body)],
            ["Date", _date(today)],
        ],
        keyed=True,
    )
    document.add_paragraph(
        f"This paper reports the progress of {force.name} on every open recommendation, area for "
        "improvement and cause of concern in the published reports of the inspectorate, as recorded in "
        f"the inspectorate's recommendation tracker on {_date(today)}. The progress updates are the "
        "organisation's own words; the judgements are the inspectorate's."
    )

    document.add_heading("Summary", level=1)
    document.add_paragraph(f"Open items: {counts['total']['all']}.")
    _table(
        document,
        ["Status", "Items"],
        [[ItemStatus(status).label, str(count)] for status, count in counts["status"].items()],
    )
    document.add_paragraph()
    rag_table = _table(
        document, ["Rating", "Items"], [[RAG_LABELS[rating], str(count)] for rating, count in counts["rag"].items()]
    )
    for row, rating in zip(rag_table.rows[1:], rules.RAG_RATINGS, strict=True):
        _shade(row.cells[0], RAG_FILLS[rating])
    document.add_heading("How each item is rated", level=2)
    for rating in rules.RAG_RATINGS:
        document.add_paragraph(rules.RAG_RULE[rating], style="List Bullet")

    document.add_heading("Open items", level=1)
    written = 0
    report = None
    for item in items:
        inspection = item.finding.inspection
        if inspection.pk != report:
            report = inspection.pk
            document.add_heading(
                _text(f"{inspection.reference}: {inspection.title} (published {_date(inspection.published_on)})"),
                level=2,
            )
        finding = item.finding
        document.add_heading(
            _text(f"{finding.reference}: {finding.get_category_display()} ({RAG_LABELS[item.rag]})"), level=3
        )
        document.add_paragraph(_text(finding.text))
        details = _table(
            document,
            ["", ""],
            [
                ["Report", f"{inspection.reference}: {inspection.title}"],
                ["Original target date", _date(item.original_target_date)],
                ["Current target date", _date(item.current_target_date)],
                ["Status", item.get_status_display()],
                ["Latest progress update (the organisation's words)", _latest_update(item)],
                ["The inspectorate's latest judgement", _latest_judgement(item)],
                ["Rating", RAG_LABELS[item.rag]],
            ],
            keyed=True,
        )
        _shade(details.rows[-1].cells[1], RAG_FILLS[item.rag])
        written += 1
        if progress is not None:
            progress(written)
    if not written:
        document.add_paragraph("No open item in a published report.")
    return _saved(document), written


# --- The draft of the local policing body's comments on a police report ---------------------------
@dataclass(frozen=True)
class CommentsScope:
    inspection: Inspection
    force: Force
    # The local policing body recorded for the force on the report's publication day.
    governing_body: GoverningBody | None
    today: dt.date


def _the(body: GoverningBody | None) -> str:
    """The body as a sentence names it: "the Police and Crime Commissioner for Cleveland"."""
    if body is None:
        return "the local policing body"
    return body.name if body.name.casefold().startswith("the ") else f"the {body.name}"


def comments_draft_title(scope: CommentsScope) -> str:
    """ "Response of the Police and Crime Commissioner for Cleveland to <the report's title>"."""
    return f"Response of {_the(scope.governing_body)} to {scope.inspection.title}"


def _published_line(scope: CommentsScope) -> str:
    published_on = scope.inspection.published_on
    if published_on is None:
        return "Not yet published"
    if published_on > scope.today:
        return f"{_date(published_on)} (not yet: the report is embargoed until then)"
    return _date(published_on)


def _comments_due_line(scope: CommentsScope) -> str:
    published_on = scope.inspection.published_on
    if published_on is None:
        return f"{rules.COMMENTS_DAYS} days from the report's publication"
    return (
        f"{_date(rules.comments_due_on(published_on))} (day {rules.COMMENTS_DAYS} after publication, counting "
        "the day of publication as day 1: Police Act 1996, section 55)"
    )


def _response(item: TrackedItem) -> str:
    """The force's formal answer to the finding, apart from its status and any judgement."""
    if item.response == TrackedItem.Response.PENDING:
        return "Pending: the force has not recorded its response yet."
    text = item.get_response_display()
    if item.responded_on:
        text += f" ({_date(item.responded_on)})"
    if item.response_reason:
        text += f": {item.response_reason}"
    return text


def _target(item: TrackedItem) -> str:
    current, original = item.current_target_date, item.original_target_date
    if current is None:
        return "No target date"
    if original and original != current:
        return f"{_date(current)} (extended from {_date(original)})"
    return _date(current)


def comments_draft_docx(*, scope: CommentsScope, items: Iterable[TrackedItem]) -> tuple[bytes, int]:
    """A draft of the local policing body's comments on one police report, as the bytes of a .docx
    file for the body's staff to edit, and how many findings it lists (for the record). `items`:
    the force's items of the report that the reader may see, out of embargo
    (reporting.selectors.comments_draft_items)."""
    inspection, force, today = scope.inspection, scope.force, scope.today
    body = _the(scope.governing_body)
    title = comments_draft_title(scope)
    document = _document(title=title, subject=f"Draft comments on {inspection.reference}: {inspection.title}")

    document.add_heading(_text(title), level=0)
    _table(
        document,
        ["", ""],
        [
            ["Local policing body", _governor_line(scope.governing_body)],
            ["Force", force.name],
            ["Report", f"{inspection.reference}: {inspection.title}"],
            ["Published", _published_line(scope)],
            ["Comments to be published by", _comments_due_line(scope)],
        ],
        keyed=True,
    )
    document.add_heading("Introduction", level=1)
    document.add_paragraph(
        _text(
            f"[Introduction: replace this paragraph with {body}'s introduction to its comments on the report, "
            f"for example what the report found and how {body} will hold the chief officer of {force.name} "
            "to account for its recommendations.]"
        )
    )
    document.add_paragraph(
        _text(
            f"Each recommendation, area for improvement and cause of concern of the report for {force.name} "
            f"follows, as recorded in the inspectorate's recommendation tracker on {_date(today)}. The "
            "response, status, target date and progress update are the force's own record; the comments "
            f"under each are {body}'s."
        )
    )

    document.add_heading("The report's findings", level=1)
    written = 0
    for item in items:
        finding = item.finding
        document.add_heading(_text(wording.upper_first(wording.finding_name(finding))), level=2)
        document.add_paragraph(_text(finding.text))
        if finding.cause_of_concern_id:
            document.add_paragraph(_text(f"It answers cause of concern {finding.cause_of_concern.reference}."))
        _table(
            document,
            ["", ""],
            [
                ["Reference", finding.reference],
                ["The force's response", _response(item)],
                ["Status", item.get_status_display()],
                ["Target date", _target(item)],
                ["Latest progress update (the force's words)", _latest_update(item)],
            ],
            keyed=True,
        )
        document.add_heading(_text(f"Comments of {body}"), level=3)
        document.add_paragraph()
        written += 1
    if not written:
        document.add_paragraph(
            f"No finding of this report is recorded for {force.name}."
            if rules.out_of_embargo(inspection.published_on, today=today)
            else "The report is not published yet: its findings are left out until its publication day."
        )
    return _saved(document), written
