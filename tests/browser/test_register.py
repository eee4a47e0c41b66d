"""The public register in a browser, signed out: search, filter by theme and force, open a force,
an item and its trail; every public page passes axe-core; no public page sets a cookie."""

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser
MAX_PAGES = 40


@pytest.fixture(scope="module")
def visitor(browser, site):
    context = browser.new_context(base_url=site, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    set_cookies: list[str] = []
    page.on(
        "response",
        lambda response: (
            set_cookies.append(response.url)
            if "/register/" in response.url and "set-cookie" in response.all_headers()
            else None
        ),
    )
    yield page, set_cookies
    context.close()


def test_search_filter_open_a_force_an_item_and_its_trail(visitor):
    page, _ = visitor
    page.goto("/register/")
    page.fill("input[name=q]", "child")
    page.click("main button[type=submit]")
    assert "/register/search/" in page.url and "q=child" in page.url
    assert page.locator("main table tbody tr").count() >= 1
    page.select_option("select[name=theme]", "child-protection")
    page.select_option("select[name=force]", "cleveland-police")
    page.click("form button:has-text('Apply filters')")
    assert "theme=child-protection" in page.url and "force=cleveland-police" in page.url
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 1
    assert all("Cleveland Police" in rows.nth(n).inner_text() for n in range(rows.count()))
    page.goto("/register/forces/")
    page.click("a:has-text('Cleveland Police')")
    assert page.url.endswith("/register/forces/cleveland-police/")
    assert re.search(r"\d+ of \d+ complete, \d+ overdue", page.locator("#summary").inner_text())
    page.locator("main table a[href*='/register/inspections/'][href$='/cleveland-police/']").first.click()
    assert page.locator("h1").inner_text().endswith("for Cleveland Police")
    trail = page.locator("#trail .moj-timeline__item")
    assert trail.count() >= 1
    assert trail.last.locator(".moj-timeline__title").inner_text() == "Published"


def register_shape(path: str) -> str:
    path = re.sub(r"^/register/inspections/[^/]+/[^/]+/[^/]+/$", "/register/item/", path)
    path = re.sub(r"^/register/inspections/[^/]+/[^/]+/$", "/register/finding/", path)
    path = re.sub(r"^/register/inspections/[^/]+/$", "/register/inspection/", path)
    return re.sub(r"^/register/(forces|themes)/[^/]+/", r"/register/\1/{slug}/", path)


def crawl_register(page, base: str, check) -> dict[str, str]:
    """Visit /register/, then breadth-first every new shape of public page linked (not the feeds).
    `check(page, response)` returns the page's problems; returns {url: problems}."""
    host = urlsplit(base).netloc
    queue, seen, problems, visited = ["/register/"], {register_shape("/register/")}, {}, 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(path)
        visited += 1
        if response is None or response.status >= 400:
            problems[path] = f"HTTP {response.status if response else 'no response'}"
            continue
        found = check(page, response)
        if found:
            problems[path] = "; ".join(found)
        for href in page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            if parts.netloc != host or not parts.path.startswith("/register/") or "feed" in parts.path:
                continue
            key = register_shape(parts.path) + ("?" + parts.query.split("=")[0] if parts.query else "")
            if key not in seen:
                seen.add(key)
                queue.append(parts.path + ("?" + parts.query if parts.query else ""))
    assert visited >= 8, f"only {visited} pages were reachable"
    return problems


def _no_cookie_one_h1_and_axe(page, response) -> list[str]:
    problems = ["sets a cookie"] if "set-cookie" in response.all_headers() else []
    if page.locator("h1").count() != 1:
        problems.append(f"{page.locator('h1').count()} h1 elements")
    return problems + axe_violations(page)


def test_every_public_page_passes_axe_and_sets_no_cookie(visitor, site):
    page, set_cookies = visitor
    problems = crawl_register(page, site, _no_cookie_one_h1_and_axe)
    for path in (
        "/register/search/?status=complete&year=2023&overdue=no",
        "/register/search/?year=abc",
        "/register/search/?q=nothing-matches-this",
    ):
        page.goto(path)
        violations = axe_violations(page)
        if violations:
            problems[path] = "; ".join(violations)
    assert not problems, "\n".join(f"{url}: {problem}" for url, problem in problems.items())
    assert set_cookies == []


@pytest.mark.django_db
def test_themes_exist_for_the_register():
    # Also makes pytest-django set up the test database for this module when run on its own.
    from inspections.models import Theme

    assert Theme.objects.filter(slug="child-protection").exists()
