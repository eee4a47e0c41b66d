"""The committee paper: one force's open recommendations, areas for improvement and causes of concern,
as a Word document its governing body's committee could table (python-docx). Every text a user or an
import wrote is made printable first: a Word file is XML, which cannot hold control characters."""

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
from inspections import rules
from inspections.models import ItemStatus, Judgement, TrackedItem

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


def _governor_line(scope: PaperScope) -> str:
    body = scope.governing_body
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
    document = Document()
    document.core_properties.title = f"Inspection recommendations: {force.name}"
    document.core_properties.subject = "Progress on the inspectorate's recommendations and areas for improvement"
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)

    document.add_heading(_text(f"Inspection recommendations and areas for improvement: {force.name}"), level=0)
    _table(
        document,
        ["", ""],
        [
            ["Organisation", force.name],
            ["Governing body", _governor_line(scope)],
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

    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), written
