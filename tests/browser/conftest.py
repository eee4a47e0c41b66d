"""Browser tests: Playwright's sync API driving Debian's chromium against a live server holding the
demo data. One browser, one demo load and one live server per module (a module's tests
only read, so they share it; the data is flushed when the module ends).

Why not pytest-django's `live_server` with `django_db(transaction=True)`: that flushes the database
after every test, so the demo data (about 5 seconds to load) would be loaded for every test. Here a
module-scoped fixture loads it once, committed, and runs pytest-django's own LiveServer over it."""

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.committed_data import flush, restore_migration_data


@contextmanager
def _async_unsafe_allowed() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the main thread; Django refuses database calls
    from a thread with a running loop unless told this is safe (it is: the loop only drives the
    browser). Set only while the browser modules run: `manage.py check --deploy` in a later test's
    subprocess must not inherit it."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "static" / "dist" / "axe.min.js"
DEMO_PASSWORD = "Tracker-demo-2026"


def _chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return path if Path(path).exists() else shutil.which("chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    # One browser per module, not per session: Playwright's sync API refuses to start while another
    # instance is running, and other directories (tests/imports) start their own.
    path = _chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required (REQUIRE_BROWSER=1) but was not found; set CHROMIUM_PATH")
        pytest.skip("chromium not found (set CHROMIUM_PATH); CI sets REQUIRE_BROWSER=1 and fails instead")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo data in the test database and a live server over it: its base URL."""
    from django.db import connection
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    from demo.services import demo_load

    # The demo users' passwords are hashed now and checked during the tests, where
    # tests/conftest.py switches to the fast MD5 hasher: use it for both.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()
    with _async_unsafe_allowed(), django_db_blocker.unblock():
        # Only ever the test database (pytest-django sets it up because test_demo_is_loaded is marked
        # django_db); never the developer's own.
        name = str(connection.settings_dict["NAME"])
        if not ("memory" in name or name.startswith("test_")):
            pytest.fail(f"refusing to load demo data into {name}: not a test database")
        # The fault tests cut database connections on purpose; start from a live one.
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        restore_migration_data()
        demo_load()
        server = LiveServer("localhost:0")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            # Let the request threads of the (now closed) browser contexts finish before the shared
            # connection stops being shareable.
            for thread in threading.enumerate():
                if thread.name.endswith("(process_request_thread)"):
                    thread.join(timeout=5)
            server.stop()
            server._live_server_modified_settings.disable()
            flush()
            fast.disable()


def demo_code(username: str) -> str:
    """A code the demo user's authenticator (the published demo secret) shows, that their device
    has not accepted yet."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.two_factor import code_for

    return code_for(TOTPDevice.objects.get(user__username=username, confirmed=True))


class Session:
    """A signed-in browser context for one demo user: password, then the code."""

    def __init__(self, browser, base: str, username: str, *, javascript: bool = True, **context_options) -> None:
        # bypass_csp: axe-core is injected as an inline script, which our Content Security Policy forbids.
        # context_options: Playwright's, such as viewport and device_scale_factor.
        self.context = browser.new_context(
            base_url=base, java_script_enabled=javascript, bypass_csp=True, **context_options
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.base = base
        self.page.goto("/accounts/sign-in/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()
        # The second step, as a newcomer does it: the code of the demo users' published secret.
        assert self.page.url.endswith("/accounts/sign-in/code/"), f"{username}: no code step ({self.page.url})"
        self.page.fill("input[name=code]", demo_code(username))
        self.page.click("main form button[type=submit]")
        self.page.wait_for_load_state()
        assert "/accounts/sign-in/" not in self.page.url, f"{username} could not sign in"

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def sign_in(browser, site):
    """Sign in once per user (and JavaScript setting) per module: the tests only read."""
    sessions: dict[tuple[str, bool], Session] = {}

    def _sign_in(username: str, *, javascript: bool = True) -> Session:
        key = (username, javascript)
        if key not in sessions:
            sessions[key] = Session(browser, site, username, javascript=javascript)
        return sessions[key]

    yield _sign_in
    for session in sessions.values():
        session.close()


def axe_violations(page) -> list[str]:
    """axe-core's violations on the current page, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in result]
