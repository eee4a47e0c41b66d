"""A committee paper too large to write while its reader waits, in a real browser: from the force's
page to the paper's page, asked of the worker, its progress page, then the Word file downloaded
and opened. Each page passes axe-core and does not scroll sideways at 320 CSS pixels.

Its own module (so its own demo data and live server): it writes, where most browser modules only
read."""

import io

import pytest
from django.test.utils import override_settings
from docx import Document

from tests.browser.test_pages import one_h1_and_axe
from tests.browser.test_reflow import sideways_scroll

pytestmark = pytest.mark.browser


def _checked(page) -> list[str]:
    return sideways_scroll(page) + one_h1_and_axe(page)


def test_a_manager_has_a_large_committee_paper_written_and_downloads_it(sign_in):
    from forces.models import Force
    from reporting.models import PaperJob

    force = Force.objects.get(name="Cleveland Police")
    page = sign_in("manager").page
    page.set_viewport_size({"width": 320, "height": 800})
    # Any paper with more than one item goes to the worker, which runs in the request here (eager).
    with override_settings(COMMITTEE_PAPER_INLINE_MAX_ITEMS=1, CELERY_TASK_ALWAYS_EAGER=True):
        page.goto(f"/forces/{force.slug}/")
        page.click("#committee-paper")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Committee paper"
        assert "too many to write while you wait" in page.inner_text("main")
        assert _checked(page) == []
        page.get_by_role("button", name="Write the paper").click()
        page.wait_for_load_state()
    job = PaperJob.objects.get(force=force)
    assert job.state == "ready" and job.written > 1
    assert page.url.endswith(f"/committee-paper/{job.pk}/")
    assert "Committee paper written" in page.inner_text("main")
    assert _checked(page) == []
    with page.expect_download() as download:
        page.click("#paper-download")
    path = download.value.path()
    document = Document(io.BytesIO(open(path, "rb").read()))
    assert any(force.name in paragraph.text for paragraph in document.paragraphs)
    assert download.value.suggested_filename.startswith(f"committee-paper-{force.slug}-")
    # Back on the paper's page, the written paper is listed with its download.
    with override_settings(COMMITTEE_PAPER_INLINE_MAX_ITEMS=1):
        page.goto(f"/forces/{force.slug}/committee-paper/")
        assert "Papers you asked for" in page.inner_text("main")
        assert _checked(page) == []


@pytest.mark.django_db
def test_the_demo_force_has_a_paper_of_more_than_one_item():
    # The browser test's premise; also makes pytest-django set up the test database when this
    # module runs on its own.
    from core.dates import london_today
    from demo.services import demo_load
    from forces.models import Force
    from inspections.models import TrackedItem
    from reporting.selectors import committee_paper_scope

    demo_load()
    items = TrackedItem.objects.filter(force=Force.objects.get(name="Cleveland Police"))
    assert committee_paper_scope(items=items, today=london_today()).count() > 1
