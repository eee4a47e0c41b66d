"""The draft of the local policing body's comments, as a liaison officer reaches it: the link on
the inspection page downloads a Word file that opens and names the report and the force; the page
with the link passes axe-core; a fire and rescue service's officer sees why there is no draft."""

import io
from pathlib import Path

import pytest
from docx import Document

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.django_db
def test_the_demo_has_a_published_police_report_and_a_fire_report():
    # Also makes pytest-django set up the test database when this module runs on its own.
    from demo.services import demo_load
    from forces.models import Force
    from inspections.models import TrackedItem

    demo_load()
    for kind in (Force.Kind.POLICE, Force.Kind.FIRE):
        assert TrackedItem.objects.filter(force__kind=kind, finding__inspection__published_on__isnull=False).exists()


def _report_of(username: str, django_db_blocker):
    """A published report of the user's force, with an item for it: (inspection, force)."""
    from accounts.models import User
    from core.dates import london_today
    from inspections.models import TrackedItem

    with django_db_blocker.unblock():
        user = User.objects.get(username=username)
        item = (
            TrackedItem.objects.filter(
                force__in=user.liaison_forces.all(), finding__inspection__published_on__lte=london_today()
            )
            .select_related("finding__inspection", "force")
            .order_by("finding__inspection__published_on", "id")
            .first()
        )
        return item.finding.inspection, item.force


def test_a_liaison_officer_downloads_the_draft_from_the_inspection_page(sign_in, django_db_blocker):
    inspection, force = _report_of("liaison", django_db_blocker)
    page = sign_in("liaison").page
    page.goto(f"/inspections/{inspection.pk}/")
    assert not axe_violations(page)
    link = page.get_by_role("link", name=f"Download a draft of the comments on this report for {force.name} (Word)")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"comments-draft-{inspection.slug}-{force.slug}-")
    document = Document(io.BytesIO(Path(download.path()).read_bytes()))
    assert document.paragraphs[0].text.startswith("Response of ")
    assert document.paragraphs[0].text.endswith(f" to {inspection.title}")
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert force.name in cells and f"{inspection.reference}: {inspection.title}" in cells


def test_a_fire_services_officer_is_told_why_there_is_no_draft(sign_in, django_db_blocker):
    inspection, force = _report_of("liaison.fire", django_db_blocker)
    page = sign_in("liaison.fire").page
    page.goto(f"/inspections/{inspection.pk}/")
    assert page.get_by_text(f"{force.name}: no draft of comments.").is_visible()
    assert page.locator("a[href*='/comments-draft/']").count() == 0
    assert not axe_violations(page)
