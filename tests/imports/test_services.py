import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from forces.models import Force
from imports.models import ImportBatch
from imports.parsing import ImportFileError
from imports.services import ImportRunError, import_batch_confirm, import_batch_create, import_batch_run
from inspections.models import Finding, ItemEvent, TrackedItem
from tests import factories

HEADER = ["reference", "category", "text", "forces", "target_date", "cause_of_concern"]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def forces(db):
    police = [factories.ForceFactory(name=f"Police {n}") for n in range(3)]
    factories.ForceFactory(name="Cleveland Police")
    factories.ForceFactory(name="Old Police", active_until=dt.date(2020, 1, 1))
    fire = factories.ForceFactory(name="Durham Fire", kind=Force.Kind.FIRE)
    return {"police": police, "fire": fire}


@pytest.fixture
def inspection(db):
    return factories.InspectionFactory(reference="NCPI-1")


def _problems(batch: ImportBatch) -> list[str]:
    return [p for row in batch.rows for p in row["problems"]]


def test_a_clean_file_previews_then_saves_every_row_in_one_go(forces, inspection, staff_user):
    data = csv_bytes(
        [
            ["CoC1", "cause of concern", "Missing children are not risk assessed.", "Cleveland Police", "", ""],
            ["R1", "Recommendation", "Assess every missing child.", "cleveland-police; Police 0", "31/03/2027", "CoC1"],
            ["AFI1", "area for improvement", "Improve supervision.", "all police forces", "2027-06-30", ""],
        ]
    )
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="findings.csv")
    assert (batch.row_count, batch.problem_count, batch.item_count) == (3, 0, 1 + 2 + 4)
    assert Finding.objects.count() == 0  # the preview saves nothing

    batch = import_batch_confirm(batch=batch, user=staff_user)

    assert batch.state == ImportBatch.State.DONE
    r1 = Finding.objects.get(reference="R1")
    assert r1.cause_of_concern == Finding.objects.get(reference="CoC1")
    assert r1.target_date == dt.date(2027, 3, 31)
    afi_forces = set(TrackedItem.objects.filter(finding__reference="AFI1").values_list("force__name", flat=True))
    assert afi_forces == {"Police 0", "Police 1", "Police 2", "Cleveland Police"}  # active police only
    item = TrackedItem.objects.get(finding=r1, force__name="Police 0")
    assert item.original_target_date == item.current_target_date == dt.date(2027, 3, 31)
    assert ItemEvent.objects.filter(kind=ItemEvent.Kind.CREATED).count() == TrackedItem.objects.count() == 7


def test_every_row_problem_is_reported(forces, inspection, staff_user):
    factories.FindingFactory(inspection=inspection, reference="R9")
    data = csv_bytes(
        [
            ["R1", "recommendation", "", "Atlantis Police", "31/02/2027", ""],
            ["R1", "opinion", "Improve supervision.", "Police 1", "", ""],
            ["R9", "recommendation", "Another text", "Police 1", "31/03/2027", "CoC7"],
            ["R2", "recommendation", '=HYPERLINK("http://x","click")', "Police 1", "31/03/2027", ""],
            ["R3", "area for improvement", "Record the voice of the child.", "", "", "R1"],
            ["R4", "recommendation", "Assess every missing child.", "Police 1", "", ""],
        ]
    )
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="bad.csv")
    problems = " | ".join(_problems(batch))
    assert "Text: enter the text of the finding" in problems
    assert 'Forces: "Atlantis Police" is not an organisation we know' in problems
    assert '"31/02/2027" is not a real date' in problems
    assert "R1 is also used on row 2, with other text" in problems
    assert '"opinion" is not one of' in problems
    assert f"R9 is already in {inspection.reference} with different text" in problems
    assert "CoC7 is neither in the file nor in" in problems
    assert "which a spreadsheet would run as a formula" in problems
    assert "Forces: enter the organisations addressed" in problems
    assert "only a recommendation answers a cause of concern" in problems
    assert "Target date: a recommendation needs a target date" in problems
    assert batch.problem_count == len(_problems(batch)) >= 11
    assert not batch.can_confirm
    import_batch_confirm(batch=batch, user=staff_user)
    assert Finding.objects.count() == 1  # only the one made above: a file with problems saves nothing


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_characters_are_refused_in_any_column(forces, inspection, staff_user, prefix):
    data = csv_bytes([[f"{prefix}R1", "recommendation", "Text", "Police 1", "31/03/2027", ""]])
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="f.csv")
    assert any("formula" in p for p in _problems(batch))


def test_an_excel_workbook_reads_like_a_csv_and_formula_cells_are_refused(forces, inspection, staff_user):
    data = xlsx_bytes(
        [
            ["R1", "recommendation", "Assess every missing child.", "Police 1", dt.datetime(2027, 3, 31), None],
            ["R2", "recommendation", '=HYPERLINK("http://evil","x")', "Police 1", "31/03/2027", None],
        ]
    )
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="x.bin")
    assert batch.rows[0]["target_date"] == "2027-03-31"
    assert batch.rows[0]["problems"] == []
    assert "formula" in batch.rows[1]["problems"][0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a spreadsheet", "must be a CSV or an Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "must be a CSV or an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "Old Excel files (.xls)"),
        (b"PK\x03\x04 a broken zip", "could not be opened"),
        (b"", "is empty"),
        (b"reference,category,text\nR1,recommendation,x\n", "missing the column forces"),
        (b"reference,category,text,forces\n", "has headings but no rows"),
        (b"reference,category,text,forces,Reference\nR1,recommendation,x,y,R2\n", "has the column reference twice"),
        (
            "reference,category,text,forces\nR1,recommendation,Ynys Môn,x\n".encode("cp1252"),
            "Save the file as CSV UTF-8",
        ),
        ("reference,category,text,forces\nR1,recommendation,x,y\n".encode("utf-16"), "Save the file as CSV UTF-8"),
    ],
)
def test_files_that_cannot_be_imported_get_a_clear_message_and_save_nothing(inspection, staff_user, data, message):
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        import_batch_create(user=staff_user, inspection=inspection, data=data, name="findings.csv")
    assert ImportBatch.objects.count() == 0


def test_utf8_with_a_byte_order_mark_is_accepted(forces, inspection, staff_user):
    data = "\ufeff".encode() + csv_bytes([["R1", "recommendation", "Text – with a dash", "Police 1", "31/03/2027", ""]])
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="bom.csv")
    assert batch.problem_count == 0
    assert batch.rows[0]["reference"] == "R1"


def test_limits_on_size_and_rows(forces, inspection, staff_user, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [[f"R{n}", "recommendation", f"Text {n}", "Police 1", "31/03/2027", ""] for n in range(4)]
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        import_batch_create(user=staff_user, inspection=inspection, data=csv_bytes(rows), name="big.csv")
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="must be smaller than 100"):
        import_batch_create(user=staff_user, inspection=inspection, data=csv_bytes(rows[:2]) * 3, name="big.csv")


def test_a_failure_in_the_middle_saves_nothing(forces, inspection, staff_user, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 10_000
    rows = [[f"R{n}", "recommendation", f"Text {n}", "all police forces", "31/03/2027", ""] for n in range(1200)]
    batch = import_batch_create(user=staff_user, inspection=inspection, data=csv_bytes(rows), name="big.csv")
    assert batch.problem_count == 0
    # Someone adds R1100 (in the third chunk of 500) after the preview was checked.
    factories.FindingFactory(inspection=inspection, reference="R1100")
    with pytest.raises(ImportRunError):
        import_batch_confirm(batch=batch, user=staff_user)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert "Nothing was saved" in batch.error
    assert Finding.objects.count() == 1
    assert TrackedItem.objects.count() == 0
    assert ItemEvent.objects.count() == 0


def test_confirming_twice_saves_once(forces, inspection, staff_user):
    data = csv_bytes([["R1", "recommendation", "Text", "Police 1", "31/03/2027", ""]])
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="f.csv")
    import_batch_confirm(batch=batch, user=staff_user)
    import_batch_confirm(batch=batch, user=staff_user)
    import_batch_run(batch_id=batch.pk)
    assert Finding.objects.count() == 1
    assert TrackedItem.objects.count() == 1


def test_a_large_import_runs_in_the_worker(
    forces, inspection, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    settings.CELERY_TASK_ALWAYS_EAGER = True
    rows = [[f"R{n}", "recommendation", f"Text {n}", "Police 1", "31/03/2027", ""] for n in range(5)]
    batch = import_batch_create(user=staff_user, inspection=inspection, data=csv_bytes(rows), name="f.csv")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = import_batch_confirm(batch=batch, user=staff_user)
        assert batch.state == ImportBatch.State.QUEUED
    # The first: handing the batch to the worker (saving then asks the dashboard to recount).
    assert callbacks[0].__qualname__.startswith("import_batch_confirm")
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert Finding.objects.count() == 5


def test_text_keeps_its_paragraphs_and_lists(forces, inspection, staff_user):
    text = "The force should act.\r\n\r\nIt should:\r\n- assess risk\r\n- review cases  \r\n"
    data = csv_bytes([["R1", "recommendation", text, "Police 1", "31/03/2027", ""]])
    batch = import_batch_confirm(
        batch=import_batch_create(user=staff_user, inspection=inspection, data=data, name="f.csv"), user=staff_user
    )
    assert batch.state == ImportBatch.State.DONE
    assert Finding.objects.get().text == "The force should act.\n\nIt should:\n- assess risk\n- review cases"


def test_rows_need_a_report_from_the_form_or_the_file(forces, staff_user):
    data = csv_bytes([["R1", "recommendation", "Assess every missing child.", "Police 1", "31/03/2027", ""]])
    batch = import_batch_create(user=staff_user, inspection=None, data=data, name="f.csv")
    assert _problems(batch) == [
        "Report: name the report in the report_reference (or report_title) column, or choose the inspection on "
        "the upload form"
    ]


def test_a_new_report_needs_its_title_and_programme_and_an_existing_one_must_agree(forces, inspection, staff_user):
    header = ["report_reference", "report_title", "programme", "published", *HEADER]
    data = csv_bytes(
        [
            ["NEW-1", "", "", "", "R1", "recommendation", "Assess every child.", "Police 1", "31/03/2027", ""],
            [
                inspection.reference,
                "",
                "",
                "02/05/2025",
                "R1",
                "recommendation",
                "Review cases.",
                "Police 1",
                "31/03/2027",
                "",
            ],
            ["NEW-2", "A report", "Opinion poll", "", "R1", "recommendation", "Act.", "Police 1", "31/03/2027", ""],
        ],
        header=header,
    )
    batch = import_batch_create(user=staff_user, inspection=None, data=data, name="f.csv")
    problems = " | ".join(_problems(batch))
    assert "Report title: a new report needs its title" in problems
    assert "Programme: a new report needs its programme" in problems
    assert f"Published: the tracker has 1 May 2025 for {inspection.reference}, the file 2 May 2025" in problems
    assert 'Programme: "Opinion poll" is not a programme' in problems


def test_a_report_without_a_reference_gets_one_from_its_title(forces, staff_user):
    header = ["report_title", "programme", "published", *HEADER]
    data = csv_bytes(
        [
            [
                "Values and Culture in Fire and Rescue Services",
                "thematic",
                "30/03/2023",
                "R1",
                "area for improvement",
                "Improve it.",
                "Police 1",
                "",
                "",
            ]
        ],
        header=header,
    )
    batch = import_batch_create(user=staff_user, inspection=None, data=data, name="f.csv")
    [report] = batch.reports
    assert (report["reference"], report["made_reference"]) == ("VCFRS-2023", True)


def test_a_workbook_may_hold_the_history_in_a_history_sheet(forces, inspection, staff_user):
    workbook = Workbook()
    findings = workbook.active
    findings.append([*HEADER, "status", "response", "response_date"])
    findings.append(
        [
            "R1",
            "recommendation",
            "Assess every missing child.",
            "Police 1",
            dt.date(2025, 11, 1),
            "",
            "",
            "accepted",
            dt.date(2025, 6, 1),
        ]
    )
    history = workbook.create_sheet("History")
    history.append(["reference", "force", "date", "status", "comment"])
    history.append(["R1", "Police 1", dt.date(2025, 5, 1), "awaiting review", "New recommendation"])
    history.append(["R1", "Police 1", dt.date(2025, 7, 1), "being progressed", "A plan is in place."])
    history.append(["R9", "Police 1", dt.date(2025, 7, 1), "complete", ""])
    history.append(["R1", "Police 2", dt.date(2025, 7, 1), "complete", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = import_batch_create(user=staff_user, inspection=inspection, data=buffer.getvalue(), name="wb.xlsx")
    assert batch.history_name == "wb.xlsx, sheet History"
    assert batch.history_problems == [
        {"line": 4, "problem": "R9 is not a finding in the findings file"},
        {"line": 5, "problem": "R1 is not addressed to Police 2 in the findings file (row 2)"},
    ]
    [past] = batch.rows[0]["pasts"].values()
    assert past["status"] == "in_progress" and past["status_on"] == "2025-07-01"
    assert [change[0] for change in past["changes"]] == ["2025-05-01", "2025-07-01"]


def test_a_superseded_item_points_at_the_finding_that_replaced_it(forces, inspection, staff_user):
    header = [*HEADER, "status", "closed_on", "superseded_by"]
    data = csv_bytes(
        [
            [
                "R1",
                "recommendation",
                "Assess every missing child.",
                "Police 1",
                "31/12/2025",
                "",
                "superseded",
                "01/06/2025",
                "R2",
            ],
            [
                "R2",
                "recommendation",
                "Assess and review every missing child.",
                "Police 1",
                "31/12/2026",
                "",
                "",
                "",
                "",
            ],
            ["R3", "recommendation", "Review cases.", "Police 1", "31/12/2026", "", "superseded", "01/06/2025", "R7"],
        ],
        header=header,
    )
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="f.csv")
    assert _problems(batch) == [f"Superseded by: R7 is not a finding of {inspection.reference} addressed to Police 1"]
    batch = import_batch_create(
        user=staff_user,
        inspection=inspection,
        data=csv_bytes(
            [
                r
                for r in [
                    [
                        "R1",
                        "recommendation",
                        "Assess every missing child.",
                        "Police 1",
                        "31/12/2025",
                        "",
                        "superseded",
                        "01/06/2025",
                        "R2",
                    ],
                    [
                        "R2",
                        "recommendation",
                        "Assess and review every missing child.",
                        "Police 1",
                        "31/12/2026",
                        "",
                        "",
                        "",
                        "",
                    ],
                ]
            ],
            header=header,
        ),
        name="f.csv",
    )
    assert batch.problem_count == 0
    import_batch_confirm(batch=batch, user=staff_user)
    old = TrackedItem.objects.get(finding__reference="R1")
    assert (old.status, old.closed_on, old.superseded_by.finding.reference) == ("superseded", dt.date(2025, 6, 1), "R2")


def test_an_impossible_state_is_refused_with_what_to_change(forces, inspection, staff_user):
    header = [*HEADER, "status", "response", "closed_on", "last_progress"]
    data = csv_bytes(
        [
            [
                "R1",
                "recommendation",
                "Assess every missing child.",
                "Police 1",
                "31/12/2025",
                "",
                "complete",
                "maybe",
                "",
                "31/02/2025",
            ]
        ],
        header=header,
    )
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="f.csv")
    problems = _problems(batch)
    assert (
        'Response: "maybe" is not a response we know. Use accepted, partially accepted, not accepted or pending'
        in problems
    )
    assert 'Last progress: "31/02/2025" is not a real date' in problems
    assert "Closed on: a closed item needs the date it was closed" in problems
