"""Every page of the service, for every role, passes axe-core. Pages are discovered by following
links from the navigation and the lists (one page per URL shape), so pages that other parts of the
service add are checked as soon as they are linked."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

ROLES = ("staff", "manager", "liaison", "liaison.fire", "liaison.npcc")
# Not pages: downloads (a committee paper is one: test_papers.py checks its large-paper pages), the API, the admin, evidence files, sign-out; and the public register, which
# test_register.py crawls signed out.
SKIP = re.compile(r"^/(admin|api|media|static|register)/|/download|/evidence/|/sign-out/|/files?/|/committee-paper/$")
MAX_PAGES = 60


def shape(path: str) -> str:
    """/inspections/12/ and /inspections/13/ are one shape; so are /forces/<slug>/ pages."""
    path = re.sub(r"/\d+(?=/|$)", "/{n}", path)
    path = re.sub(r"^/forces/[^/{]+/", "/forces/{slug}/", path)
    path = re.sub(r"/replies/[^/{]+/", "/replies/{slug}/", path)
    return re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27}(?=/|$)", "/{uuid}", path)


def one_h1_and_axe(page) -> list[str]:
    """The checks every page passes: one h1, and nothing axe-core reports."""
    problems = [f"{page.locator('h1').count()} h1 elements"] if page.locator("h1").count() != 1 else []
    return problems + axe_violations(page)


def crawl(page, base: str, check: Callable[[object], list[str]] = one_h1_and_axe) -> dict[str, str]:
    """Visit the dashboard, then breadth-first every new URL shape linked from a visited page.
    Returns {url: problem} for every page that failed to load or that `check` finds fault with."""
    host = urlsplit(base).netloc
    queue, seen_shapes, problems, visited = ["/"], {shape("/")}, {}, 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(path)
        visited += 1
        print(f"  visited {path}")
        if response is None or response.status >= 400:
            problems[path] = f"HTTP {response.status if response else 'no response'}"
            continue
        found = check(page)
        if found:
            problems[path] = "; ".join(found)
        hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc != host or parts.query or SKIP.search(parts.path):
                continue
            key = shape(parts.path)
            if key not in seen_shapes:
                seen_shapes.add(key)
                queue.append(parts.path)
    assert visited >= 6, f"only {visited} pages were reachable"
    return problems


@pytest.mark.parametrize("username", ROLES)
def test_every_reachable_page_passes_axe(username, sign_in, site):
    session = sign_in(username)
    problems = crawl(session.page, site)
    assert not problems, "\n".join(f"{url}: {problem}" for url, problem in problems.items())


def test_the_sign_in_page_passes_axe(browser, site):
    context = browser.new_context(base_url=site, bypass_csp=True)
    page = context.new_page()
    page.goto("/accounts/sign-in/")
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations/?show=overdue&region=North+East&sort=-target",
        "/recommendations/?target_from_day=31&target_from_month=2&target_from_year=2026",  # an error summary
        "/recommendations/?q=nothing-matches-this",  # the empty result
        "/?region=London&kind=police",
        "/forces/?stage=engage",
        "/recommendations/?show=comments_overdue",
        "/recommendations/?show=review_overdue",
    ],
)
def test_filtered_error_and_empty_states_pass_axe(path, sign_in):
    session = sign_in("manager")
    response = session.page.goto(path)
    assert response.status == 200
    assert axe_violations(session.page) == []


@pytest.mark.django_db
def test_demo_users_have_roles():
    # Also makes pytest-django set up the test database for this directory when run on its own.
    from accounts.models import User
    from demo.services import DEMO_USERS, demo_load

    demo_load()
    assert {user.username for user in User.objects.all()} >= {username for username, *_ in DEMO_USERS}
    assert User.objects.get(username="staff").is_inspectorate_staff
