"""The import journey in a real browser, each page checked with axe-core: upload with errors, a
preview with problems, a new inspection, a clean preview with a history file, the confirmation, the
help page; the preview used with the keyboard alone; and the API token page."""

import pytest

from tests.browser.conftest import axe_violations, browser, sign_in, site  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.mark.django_db
def test_the_template_names_every_column():
    # Also makes pytest-django set up the test database when this module runs on its own.
    from imports.parsing import COLUMNS, REQUIRED_COLUMNS

    assert set(REQUIRED_COLUMNS) <= set(COLUMNS)


HEADER = "reference,category,text,forces,target_date,cause_of_concern\n"


def test_the_import_journey_passes_axe(sign_in, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + 'R1,recommendation,"=HYPERLINK(""http://x"")",Atlantis Police,31/02/2027,\nR1,afi,,,,\n')
    good = tmp_path / "good.csv"
    good.write_text(
        HEADER
        + "CoC1,cause of concern,Missing children are not risk assessed.,Cleveland,,\n"
        + 'R1,recommendation,"Within six months, assess every missing child:\n- risk\n- supervision",all police forces,,CoC1\n'
    )
    history = tmp_path / "history.csv"
    history.write_text("reference,force,date,status,comment\nR1,Cleveland Police,01/06/2025,being progressed,A plan.\n")
    page = sign_in("staff").page

    page.goto("/imports/")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.click("text=Upload and check")
    assert "Select a CSV or Excel file" in page.content()
    assert axe_violations(page) == []

    page.goto("/inspections/new/?then=import")
    assert axe_violations(page) == []
    page.select_option("#id_programme", index=1)
    page.fill("#id_reference", "AXE-IMPORT-1")
    page.fill("#id_title", "Missing children: a thematic inspection")
    page.fill("input[name=published_on_day]", "1")
    page.fill("input[name=published_on_month]", "5")
    page.fill("input[name=published_on_year]", "2025")
    with page.expect_navigation():
        page.click("text=Add the inspection")
    assert axe_violations(page) == []

    page.set_input_files("#id_file", str(bad))
    with page.expect_navigation():
        page.click("text=Upload and check")
    assert "problems in 2 rows" in page.content(), page.inner_text("main")[:1500]
    assert "Confirm and save" not in page.content()
    assert axe_violations(page) == []

    page.goto("/imports/")
    page.fill("#id_inspection", "AXE-IMPORT-1")
    page.set_input_files("#id_file", str(good))
    page.set_input_files("#id_history_file", str(history))
    with page.expect_navigation():
        page.click("text=Upload and check")
    assert "No problems found" in page.content()
    assert "1 history line" in page.content()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.click("text=Confirm and save")
    assert "Findings imported" in page.content()
    assert axe_violations(page) == []

    page.goto("/imports/help/")
    assert "How to write the file" in page.content()
    assert axe_violations(page) == []

    page.goto("/api/token/")
    with page.expect_navigation():
        page.click("text=Create a token")
    assert "Your API token is ready" in page.content()
    assert axe_violations(page) == []


def test_the_preview_is_usable_with_the_keyboard_alone(sign_in, tmp_path):  # noqa: F811
    page = sign_in("staff").page
    bad = tmp_path / "keyboard-bad.csv"
    bad.write_text(HEADER + "K1,recommendation,Assess every missing child.,Atlantis Police,31/03/2027,\n")
    good = tmp_path / "keyboard-good.csv"
    good.write_text(
        "report_reference,report_title,programme,published,"
        + HEADER
        + "KEYBOARD-1,Keyboard test report,PEEL,01/05/2025,K1,recommendation,Assess every missing child.,Durham,31/03/2027,\n"
    )
    page.goto("/imports/")
    page.set_input_files("#id_file", str(bad))
    with page.expect_navigation():
        page.click("text=Upload and check")
    # A problem in the summary takes the keyboard to its row.
    link = page.locator(".govuk-error-summary__list a").first
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'row-2'")
    # The rows scroll sideways inside a region the keyboard reaches (then the arrow keys scroll it).
    page.locator("text=Show every row").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"

    page.goto("/imports/")
    page.set_input_files("#id_file", str(good))
    with page.expect_navigation():
        page.click("text=Upload and check")
    assert "No problems found" in page.content()
    for _ in range(80):  # Tab through the page until the button has focus, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Confirm and save":
            break
    else:
        raise AssertionError("Confirm and save cannot be reached with the Tab key")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Findings imported" in page.content()
