"""Phones, zoom and dead ends, on every page each role can reach (the same crawl as the axe test):

- reflow (WCAG 1.4.10): at 320 x 800 CSS pixels, and at 1280 x 800 zoomed to 400%, the page never
  scrolls sideways (a wide table scrolls inside its own region), and axe-core finds nothing; the
  same for the public register, signed out;
- text resized to 200% with the text spacing of WCAG 1.4.12 (1.4.4, 1.4.12): nothing scrolls
  sideways and no text is cut off;
- a liaison officer meets no link that answers 403 or 404;
- the error pages pass the same checks.

Browser zoom is emulated exactly: zoomed to 400%, a 1280 x 800 window lays the page out in
320 x 200 CSS pixels, each drawn with 4 x 4 device pixels (device_scale_factor), and media queries
see 320 pixels, as they do in a zoomed browser."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Session
from tests.browser.test_pages import ROLES, crawl, one_h1_and_axe
from tests.browser.test_register import crawl_register

pytestmark = pytest.mark.browser

VIEWS = {
    "320x800": {"viewport": {"width": 320, "height": 800}},
    "1280x800 at 400%": {"viewport": {"width": 320, "height": 200}, "device_scale_factor": 4},
}
# WCAG 1.4.12's spacing (line height 1.5, paragraphs 2 em apart, letters 0.12 em, words 0.16 em)
# and the text at twice its size (the root font size: every GOV.UK size is in rem).
TEXT_200_AND_SPACING = """
html { font-size: 200% !important; }
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
CLIPPED_TEXT = (Path(__file__).parent / "clipped_text.js").read_text()


def sideways_scroll(page) -> list[str]:
    """Empty when the page is no wider than its window; otherwise the width and what sticks out."""
    width, room = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width <= room:
        return []
    sticking_out = page.evaluate(
        """(room) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > room + 1)
            .slice(-3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))""",
        room,
    )
    return [f"the page is {width} px wide in a {room} px window ({', '.join(sticking_out)})"]


def reflows_and_passes_axe(page) -> list[str]:
    return sideways_scroll(page) + one_h1_and_axe(page)


def loses_nothing_with_large_spaced_text(page) -> list[str]:
    page.add_style_tag(content=TEXT_200_AND_SPACING)
    return sideways_scroll(page) + [f"text cut off in {where}" for where in page.evaluate(CLIPPED_TEXT)]


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("view", VIEWS)
def test_every_page_reflows_and_passes_axe(view, username, browser, site):
    session = Session(browser, site, username, **VIEWS[view])
    try:
        problems = crawl(session.page, site, check=reflows_and_passes_axe)
    finally:
        session.close()
    assert not problems, "\n".join(f"{url}: {problem}" for url, problem in problems.items())


@pytest.mark.parametrize("view", VIEWS)
def test_every_public_register_page_reflows_and_passes_axe(view, browser, site):
    context = browser.new_context(base_url=site, bypass_csp=True, **VIEWS[view])
    try:
        problems = crawl_register(context.new_page(), site, lambda page, response: reflows_and_passes_axe(page))
    finally:
        context.close()
    assert not problems, "\n".join(f"{url}: {problem}" for url, problem in problems.items())


@pytest.mark.parametrize("username", ROLES)
def test_text_at_200_percent_with_wider_spacing_loses_nothing(username, browser, site):
    session = Session(browser, site, username, viewport={"width": 1280, "height": 800})
    try:
        problems = crawl(session.page, site, check=loses_nothing_with_large_spaced_text)
    finally:
        session.close()
    assert not problems, "\n".join(f"{url}: {problem}" for url, problem in problems.items())


@pytest.mark.parametrize("username", ["liaison", "liaison.fire"])
def test_no_link_a_liaison_officer_meets_answers_403_or_404(username, sign_in, site):
    """Every link on every page reached (with its query string, downloads included), asked once."""
    session = sign_in(username)
    host = urlsplit(site).netloc
    statuses: dict[str, int] = {}
    dead: list[str] = []

    def links_answer(page) -> list[str]:
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            if url not in statuses:
                statuses[url] = session.context.request.get(url, max_redirects=0).status
                if statuses[url] in (403, 404):
                    dead.append(f"{url} answers {statuses[url]} (linked from {urlsplit(page.url).path})")
        return []

    problems = crawl(session.page, site, check=links_answer)
    assert not problems, problems
    assert len(statuses) > 50, f"only {len(statuses)} links were checked"
    assert not dead, "\n".join(dead)


def _error_pages(browser, site):
    """(name, page) for each error page a signed-in reader can meet, and the 500 page."""
    from django.template.loader import render_to_string

    liaison = Session(browser, site, "liaison", viewport={"width": 320, "height": 800})
    manager = Session(browser, site, "manager", viewport={"width": 320, "height": 800})
    try:
        assert liaison.page.goto("/no-such-page/").status == 404
        yield "404, no such page", liaison.page
        assert liaison.page.goto("/forces/durham-constabulary/").status == 404
        yield "404, another force's page", liaison.page
        assert manager.page.goto("/imports/").status == 403
        yield "403", manager.page
        manager.page.goto("/accounts/profile/")  # the site's address, for the stylesheet's
        manager.page.set_content(render_to_string("500.html"))
        yield "500", manager.page
    finally:
        liaison.close()
        manager.close()


def test_the_error_pages_reflow_and_pass_axe(browser, site):
    problems = {}
    for name, page in _error_pages(browser, site):
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert (
            page.locator("h1").evaluate("h1 => getComputedStyle(h1).fontFamily").lower().startswith("arial")
        )  # styled
        found = reflows_and_passes_axe(page)
        if found:
            problems[name] = found
    assert not problems, problems


@pytest.mark.django_db
def test_the_liaison_officers_crawled_see_only_some_forces(site):
    # The dead-link test means something only if these readers are refused some pages. (Also makes
    # pytest-django set up the test database for this module when it runs on its own.)
    from accounts.models import User
    from forces.models import Force
    from inspections.selectors import force_ids_for

    for username in ("liaison", "liaison.fire"):
        force_ids = force_ids_for(user=User.objects.get(username=username))
        assert force_ids is not None
        assert 0 < len(force_ids) < Force.objects.count()
