"""The managers' overdue review in a real browser: a national recommendation overdue at the police
forces of England and Wales, one decision recorded for the whole finding in five actions from the
queue, then each item's event and one escalation email per staff lead exactly once; and a stale
selection told clearly at 320 CSS pixels wide. Every new page and state passes axe-core and does
not scroll sideways.

Its own module (so its own demo data and live server): it writes, where most browser modules only
read."""

import pytest

from tests.browser.conftest import Session
from tests.browser.test_pages import one_h1_and_axe
from tests.browser.test_reflow import sideways_scroll

pytestmark = pytest.mark.browser

# The demo's violence against women and girls thematic: R1 is addressed to every police force.
NATIONAL_WORDS = "relentless pursuit and disruption of adult perpetrators"
SECOND_WORDS = "victims receive a consistent and high standard of support"


def _checked(page) -> list[str]:
    return sideways_scroll(page) + one_h1_and_axe(page)


def _group_row(page, words: str):
    return page.locator("main table tbody tr", has_text=words)


def test_a_manager_escalates_a_national_recommendation_in_five_actions(sign_in):
    from inspections.models import Finding, ItemEvent, TrackedItem
    from notifications.models import Message
    from oversight.models import OverdueReview

    page = sign_in("manager").page
    page.goto("/")
    page.click("#awaiting-review")  # the dashboard's "N overdue items await review": opens the queue
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith("/overdue-review/")
    assert _checked(page) == []
    finding = Finding.objects.get(inspection__reference="THEM-2021-VAWG", reference="R1")
    row = _group_row(page, NATIONAL_WORDS)
    assert row.count() == 1, "the national recommendation is on the queue's first page"
    addressed = TrackedItem.objects.filter(finding=finding).count()
    assert addressed >= 43
    awaiting = int(row.locator("label[for^=finding-]").inner_text().split()[1])
    assert f"of {addressed} forces" in row.inner_text()
    # Its forces are a click away (not an action the decision needs).
    row.locator("summary", has_text="Choose forces").click()
    assert row.locator("input[name=items]").count() == awaiting
    assert _checked(page) == []

    actions = 0
    row.locator("input[name=findings]").check()
    actions += 1
    page.get_by_label("Escalate to the chief officer").check()
    actions += 1
    page.fill("#id_note", "Write to every chief constable: no plan for this after four years.")
    actions += 1
    page.click("#check-decision")  # the next review date is suggested (the review interval)
    actions += 1
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check the decision before it is recorded"
    forces = len(set(TrackedItem.objects.filter(finding=finding).values_list("force_id", flat=True)))
    assert f"{awaiting} items at {awaiting} forces" in page.locator("#confirm-count").inner_text()
    assert awaiting <= forces
    assert _checked(page) == []
    assert not OverdueReview.objects.filter(item__finding=finding, note__startswith="Write to every").exists()
    page.click("#confirm-decision")
    actions += 1
    page.wait_for_load_state()
    assert actions <= 5
    assert (
        f"Decision recorded on {awaiting} items at {awaiting} forces"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert _checked(page) == []
    assert _group_row(page, NATIONAL_WORDS).count() == 0  # reviewed: off the queue

    reviews = OverdueReview.objects.filter(item__finding=finding, note__startswith="Write to every")
    assert reviews.count() == awaiting and reviews.values("batch").distinct().count() == 1
    batch = reviews.first().batch
    # Going back and sending the confirmation again records nothing more: the items changed.
    page.go_back()
    page.wait_for_load_state()
    if page.locator("#confirm-decision").count():
        page.click("#confirm-decision")
        page.wait_for_load_state()
    assert reviews.count() == awaiting
    for item_id in reviews.values_list("item_id", flat=True):
        assert (
            ItemEvent.objects.filter(
                item_id=item_id, kind=ItemEvent.Kind.MANAGER_REVIEW, note__contains="Write to every"
            ).count()
            == 1
        )
    leads = set(
        TrackedItem.objects.filter(pk__in=reviews.values("item_id")).values_list("force__staff_lead", flat=True)
    )
    mails = Message.objects.filter(reason="escalation", key__endswith=f":escalation:{batch}")
    assert sorted(mails.values_list("recipient_id", flat=True)) == sorted(leads - {None})
    assert all(mail.body.count("/recommendations/") >= 1 for mail in mails)
    assert sum(mail.body.count("/recommendations/") for mail in mails) == awaiting


def test_a_stale_selection_is_told_clearly_on_a_phone(browser, site):
    from inspections.models import Finding
    from oversight.models import OverdueReview
    from oversight.services import overdue_reviews_record

    session = Session(browser, site, "manager", viewport={"width": 320, "height": 800})
    try:
        page = session.page
        page.goto("/overdue-review/?q=consistent+standard+support")
        row = _group_row(page, SECOND_WORDS)
        assert row.count() == 1
        assert _checked(page) == []
        # A refused decision: no note. Told on the page, with the choice kept.
        row.locator("input[name=findings]").check()
        page.get_by_label("Chase the force").check()
        page.click("#check-decision")
        page.wait_for_load_state()
        assert "Enter a note to explain the decision" in page.locator(".govuk-error-summary").inner_text()
        assert _group_row(page, SECOND_WORDS).locator("input[name=findings]").is_checked()
        assert _checked(page) == []
        page.fill("#id_note", "Chase every force for its plan.")
        page.click("#check-decision")
        page.wait_for_load_state()
        assert _checked(page) == []
        # Meanwhile a colleague reviews one of the items.
        finding = Finding.objects.get(inspection__reference="THEM-2021-VAWG", reference="R2")
        from accounts.models import User
        from core.dates import london_today
        from oversight.selectors import review_queue

        staff = User.objects.get(username="staff")
        today = london_today()
        one = review_queue(user=staff, today=today).filter(finding=finding).first()
        overdue_reviews_record(
            items=[one],
            reviewer=staff,
            decision="keep_monitoring",
            note="",
            next_review_on=today.replace(year=today.year + 1),
            today=today,
        )
        page.click("#confirm-decision")
        page.wait_for_load_state()
        problem = page.locator(".govuk-error-summary").inner_text()
        assert "The items changed" in problem and "Nothing has been recorded" in problem
        assert not OverdueReview.objects.filter(note="Chase every force for its plan.").exists()
        assert _checked(page) == []
        page.click("#confirm-decision")
        page.wait_for_load_state()
        assert "Decision recorded on" in page.locator(".govuk-notification-banner").inner_text()
        assert OverdueReview.objects.filter(note="Chase every force for its plan.").exists()
        assert not OverdueReview.objects.filter(note="Chase every force for its plan.", item=one).exists()
    finally:
        session.close()


@pytest.mark.django_db
def test_the_national_recommendation_is_addressed_to_every_territorial_police_force():
    # Also makes pytest-django set up the test database when this module runs on its own.
    from demo.services import demo_load
    from forces.models import Force
    from inspections.models import TrackedItem

    demo_load()
    addressed = TrackedItem.objects.filter(finding__inspection__reference="THEM-2021-VAWG", finding__reference="R1")
    assert addressed.filter(force__kind=Force.Kind.POLICE).count() >= 43
