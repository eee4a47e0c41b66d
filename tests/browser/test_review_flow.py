"""A follow-up review run from the pages in a real browser, with axe-core on each new page: staff
go from the dashboard to an inspection, start a review, judge five items (two "complete"),
confirm, and see those two closed, each with its timeline event and one email to the force.

Its own module (so its own demo data and live server): it writes, where the other browser
modules only read."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

REFERENCE = "PEEL-2025-CP"  # Cleveland Police's PEEL report in the demo data: seven findings


def test_staff_run_a_follow_up_review_from_the_dashboard(sign_in):
    from inspections.models import FollowUpReview, ItemEvent, TrackedItem
    from notifications.models import Message

    page = sign_in("staff").page
    page.goto("/")
    page.locator("nav[aria-label='Primary navigation'] a", has_text="Inspections").click()
    page.wait_for_load_state()
    page.fill("#id_q", REFERENCE)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.locator("main table tbody a").first.click()
    page.wait_for_load_state()
    assert REFERENCE in page.locator("main").inner_text()

    page.click("#start-review")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "New follow-up review"
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Judge progress"
    assert axe_violations(page) == []

    cards = page.locator("#judgements .govuk-summary-card")
    judged, closing = 0, []
    for index in range(cards.count()):
        card = cards.nth(index)
        close = card.locator("input[type=checkbox]")
        if judged == 5 or close.count() == 0:
            continue  # five items judged; a closed item takes no verdict
        card.locator("input[type=radio][value=good]").check()
        judged += 1
        label = card.locator("label.govuk-checkboxes__label").inner_text()
        if len(closing) < 2 and "complete: close it" in label:
            close.check()
            closing.append(card.locator(".govuk-summary-card__title").inner_text())
    assert judged == 5 and len(closing) == 2
    page.locator("#judgements button[type=submit]").click()
    page.wait_for_load_state()

    # The one confirmation page lists exactly the two items that will close.
    assert page.locator("h1").inner_text() == "Close the items"
    rows = page.locator("#to-close tbody tr th a").all_inner_texts()
    assert sorted(rows) == sorted(closing)
    assert axe_violations(page) == []
    page.click("#confirm-close")
    page.wait_for_load_state()
    assert "2 items closed" in page.locator(".govuk-notification-banner").inner_text()

    review = FollowUpReview.objects.get(inspection__reference=REFERENCE)
    closed = TrackedItem.objects.filter(judgements__review=review, judgements__verdict="complete")
    assert closed.count() == 2 and set(closed.values_list("status", flat=True)) == {"complete"}
    assert ItemEvent.objects.filter(item__in=closed, kind=ItemEvent.Kind.CLOSED).count() == 2
    # Cleveland Police has one liaison officer: one email per closed item, no more, even after a
    # second visit to the confirmation page (which finds nothing left to close).
    page.goto(f"/reviews/{review.pk}/close/")
    assert "No item of this review is waiting to be closed." in page.locator("main").inner_text()
    for pk in closed.values_list("pk", flat=True):
        assert Message.objects.filter(reason="closed", key__contains=f":closed:{pk}:").count() == 1


def test_starting_a_review_from_the_reviews_list_and_its_error_pass_axe(sign_in):
    page = sign_in("staff").page
    page.goto("/follow-up-reviews/")
    page.click("#start-review")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Start a follow-up review"
    assert axe_violations(page) == []
    page.fill("#id_inspection", "NO-SUCH-REFERENCE")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.fill("#id_inspection", REFERENCE)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "New follow-up review"


@pytest.mark.django_db
def test_the_reviewed_inspection_has_seven_findings_for_cleveland_police():
    # Also makes pytest-django set up the test database when this module runs on its own.
    from demo.services import demo_load
    from inspections.models import TrackedItem

    demo_load()
    items = TrackedItem.objects.filter(finding__inspection__reference=REFERENCE)
    assert items.count() == 7
    assert set(items.values_list("force__name", flat=True)) == {"Cleveland Police"}
