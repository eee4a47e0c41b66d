"""The import journey in a real browser, each page checked with axe-core: upload with errors, a
preview with problems, a new inspection, a clean preview, the confirmation; and the API token page."""

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
        + "CoC1,cause of concern,Missing children are not risk assessed.,Cleveland Police,,\n"
        + "R1,recommendation,Assess every missing child.,all police forces,31/03/2027,CoC1\n"
    )
    page = sign_in("staff").page

    page.goto("/imports/")
    assert axe_violations(page) == []
    page.click("text=Upload and check")
    assert "Choose the inspection the findings belong to" in page.content()
    assert axe_violations(page) == []

    page.goto("/imports/inspections/new/")
    page.select_option("#id_programme", index=1)
    page.fill("#id_reference", "AXE-IMPORT-1")
    page.fill("#id_title", "Missing children: a thematic inspection")
    page.click("text=Add the inspection")
    assert axe_violations(page) == []

    page.set_input_files("#id_file", str(bad))
    page.click("text=Upload and check")
    assert "problems in 2 rows" in page.content()
    assert "Confirm and save" not in page.content()
    assert axe_violations(page) == []

    page.goto("/imports/")
    page.select_option("#id_inspection", label="AXE-IMPORT-1: Missing children: a thematic inspection")
    page.set_input_files("#id_file", str(good))
    page.click("text=Upload and check")
    assert "No problems found" in page.content()
    assert axe_violations(page) == []
    page.click("text=Confirm and save")
    assert "Findings imported" in page.content()
    assert axe_violations(page) == []

    page.goto("/api/token/")
    page.click("text=Create a token")
    assert "Your API token is ready" in page.content()
    assert axe_violations(page) == []
