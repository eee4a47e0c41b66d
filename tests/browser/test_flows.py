"""The main flows in a real browser: from the dashboard to exactly the items a headline counts,
the keyboard alone, and everything still working with JavaScript turned off."""

import re

import pytest

pytestmark = pytest.mark.browser


def _count(page) -> int:
    return int(page.locator("#result-count").inner_text().split()[0].replace(",", ""))


def test_a_headline_opens_exactly_the_items_it_counts(sign_in):
    page = sign_in("manager").page
    page.goto("/")
    for name in ("overdue", "due_soon", "awaiting_verification"):
        page.goto("/")
        headline = page.locator(f"#headline-{name}")
        shown = int(headline.locator(".app-headline__number").inner_text().replace(",", ""))
        headline.click()
        page.wait_for_load_state()
        assert f"show={name}" in page.url
        assert _count(page) == shown, name


def test_staff_go_from_the_dashboard_to_a_force_to_an_item(sign_in):
    page = sign_in("staff").page
    page.goto("/")
    page.locator("#by-force ~ .app-table-wrap tbody a").first.click()
    page.wait_for_load_state()
    assert re.search(r"/forces/[^/]+/$", page.url)
    assert page.locator("h1").count() == 1
    page.locator("main table tbody a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert page.title().endswith("Recommendation Tracker")


def test_a_liaison_officer_sees_only_their_force(sign_in):
    page = sign_in("liaison").page
    page.goto("/")
    text = " ".join(page.locator("main").inner_text().split())
    assert re.search(r"Cleveland Police (ENGAGE|Engage)?\s?: \d+ open, \d+ overdue, \d+ due in the next 30 days", text)
    page.goto("/recommendations/")
    forces = set(page.locator("main table tbody tr td:nth-child(3) a").all_inner_texts())
    assert forces == {"Cleveland Police"}


def test_the_keyboard_alone_filters_the_list_and_opens_a_result(sign_in):
    page = sign_in("staff").page
    page.goto("/recommendations/")
    total = _count(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    else:
        pytest.fail("the search box cannot be reached with Tab")
    page.keyboard.type("missing")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=missing" in page.url
    assert 0 < _count(page) < total
    # On to the first result's link, by Tab alone, and open it with Enter.
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('tbody') && document.activeElement.tagName === 'A'"):
            break
    else:
        pytest.fail("no result link can be reached with Tab")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(href)
    assert page.locator("h1").count() == 1


def test_focus_is_always_visible_on_links(sign_in):
    # Tab through the whole dashboard: every link that takes the focus shows it (GOV.UK's yellow
    # focus: a background colour and a box shadow, or an outline).
    page = sign_in("staff").page
    page.goto("/")
    links = page.locator("a[href]:visible").count()
    assert links > 10
    seen = 0
    for _ in range(links + 20):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """(() => { const e = document.activeElement; if (!e || e.tagName !== 'A') return null;
                const s = getComputedStyle(e); return [s.outlineStyle, s.backgroundColor, s.boxShadow, e.getAttribute('href')]; })()"""
        )
        if style is None:
            continue
        seen += 1
        outline, background, shadow, href = style
        assert outline != "none" or (shadow != "none" and background != "rgba(0, 0, 0, 0)"), href
    assert seen >= links // 2  # the tabbing really visited the page's links


def test_without_javascript_the_dashboard_filters_and_forms_work(sign_in):
    # Signing in is itself a form, submitted without JavaScript.
    page = sign_in("staff", javascript=False).page
    page.goto("/")
    assert page.locator("svg.app-chart").count() >= 1  # the trend, and the implementation rates
    # The dashboard's filter lives in a <details>: the browser opens it, no script needed.
    page.locator("summary", has_text="Filter the dashboard").click()
    page.select_option("#id_kind", "fire")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "kind=fire" in page.url
    assert "Police force" not in page.get_by_role("region", name="Overdue by force").inner_text()
    # The recommendations list: choose a filter, apply, remove it by its tag.
    page.goto("/recommendations/")
    total = _count(page)
    page.select_option("#id_status", "submitted")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "status=submitted" in page.url
    filtered = _count(page)
    assert 0 < filtered < total
    page.locator("a.moj-filter__tag", has_text="Status").click()
    page.wait_for_load_state()
    assert _count(page) == total
    # Sorting and paging are links.
    page.get_by_role("link", name=re.compile("^Force or service")).click()
    page.wait_for_load_state()
    assert "sort=force" in page.url
    page.get_by_role("link", name=re.compile("^Next")).first.click()
    page.wait_for_load_state()
    assert "page=2" in page.url and "sort=force" in page.url
