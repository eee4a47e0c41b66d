"""The pages the link crawl cannot reach pass axe-core too: each item action in the state that
allows it, for the role that may take it; starting and judging a follow-up review; the import
progress page; the password-reset pages, signed out."""

import datetime as dt

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.django_db
def test_the_demo_has_items_in_the_states_these_pages_need():
    # Also makes pytest-django set up the test database when this module runs on its own.
    from demo.services import demo_load
    from inspections.models import TrackedItem

    demo_load()
    assert TrackedItem.objects.filter(status="submitted").exists()
    assert TrackedItem.objects.exclude(status__in=TrackedItem.OPEN_STATUSES).exists()


@pytest.fixture(scope="module")
def pages(site, django_db_blocker) -> dict[str, list[str]]:
    """{username: [paths]} chosen from the demo data, with the few states the demo lacks made here."""
    from django.urls import reverse

    from accounts.models import User
    from imports.models import ImportBatch
    from inspections.models import ExtensionRequest, FollowUpReview, Inspection, TrackedItem

    with django_db_blocker.unblock():
        staff = User.objects.get(username="staff")
        liaison = User.objects.get(username="liaison")
        own = TrackedItem.objects.filter(force__in=liaison.liaison_forces.all())
        open_item = own.filter(status="in_progress", current_target_date__isnull=False).first()
        submitted = TrackedItem.objects.filter(status="submitted").first()
        closed = TrackedItem.objects.exclude(status__in=TrackedItem.OPEN_STATUSES).first()
        pending = ExtensionRequest.objects.filter(decision="pending").select_related("item").first()
        if pending is None:
            pending = ExtensionRequest.objects.create(
                item=open_item,
                requested_by=liaison,
                previous_target_date=open_item.current_target_date,
                requested_date=open_item.current_target_date + dt.timedelta(days=90),
                reason="Waiting for the new IT system.",
            )
        inspection = Inspection.objects.exclude(published_on=None).first()
        review = FollowUpReview.objects.first()
        batch = ImportBatch.objects.create(
            inspection=inspection, uploaded_by=staff, original_name="findings.csv", state="queued", row_count=2000
        )

        def item(name: str, obj) -> str:
            return reverse(f"inspections:{name}", kwargs={"pk": obj.pk})

        return {
            "staff": [
                item("item_verify", submitted),
                item("item_extension_decide", pending.item),
                item("item_close", open_item),
                item("item_reopen", closed),
                reverse("inspections:review_create", kwargs={"pk": inspection.pk}),
                reverse("inspections:review_judge", kwargs={"pk": review.pk}),
                reverse("imports:progress", kwargs={"pk": batch.pk}),
                reverse("api:token"),
            ],
            "liaison": [
                item("item_respond", open_item),
                item("item_update", open_item),
                item("item_submit", open_item),
                item("item_update", own.exclude(status__in=TrackedItem.OPEN_STATUSES).first()),  # refused
                reverse("api:token"),
            ],
        }


@pytest.mark.parametrize("username", ["staff", "liaison"])
def test_every_action_page_passes_axe(username, pages, sign_in):
    session = sign_in(username)
    problems = {}
    for path in pages[username]:
        response = session.page.goto(path)
        if response.status not in (200, 409):  # 409: the state refuses the action, said in words
            problems[path] = f"HTTP {response.status}"
            continue
        if session.page.locator("h1").count() != 1:
            problems[path] = "not one h1"
        violations = axe_violations(session.page)
        if violations:
            problems[path] = "; ".join(violations)
    assert not problems, problems


def test_the_password_reset_pages_pass_axe_signed_out(browser, site):
    context = browser.new_context(base_url=site, bypass_csp=True)
    page = context.new_page()
    page.goto("/accounts/password/reset/")
    assert axe_violations(page) == []
    page.fill("input[name=email]", "nobody@example.gov.uk")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/password/reset/sent/" in page.url
    assert axe_violations(page) == []
    page.goto("/accounts/password/reset/MQ/not-a-token/")  # a link that is no longer valid
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    page.goto("/accounts/password/reset/done/")
    assert axe_violations(page) == []
    context.close()
