"""Two-factor sign-in in a real browser, as a new member of staff meets it: set up an authenticator
at the first sign-in (the test is the authenticator app: pyotp, from the key shown as text), sign
out, sign in with a code, then with a recovery code, which then no longer works. Without
JavaScript, since nothing here may need it; then every page of it through axe-core."""

import time
from urllib.parse import urlsplit

import pyotp
import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser
PASSWORD = "a-long-browser-test-password-4"


@pytest.mark.django_db
def test_demo_code_prints_what_the_demo_secret_shows(capsys):
    # First in the module, and marked django_db, so that pytest-django sets up the test database
    # even when this module runs on its own.
    from django.core.management import call_command

    from demo.services import DEMO_TOTP_SECRET

    before = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    call_command("demo_code")
    after = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    assert capsys.readouterr().out.strip() in {before, after}


def _new_staff(username: str) -> None:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import GROUP_NAMES, Role

    user = User.objects.create_user(
        username, f"{username}@example.gov.uk", PASSWORD, first_name="Noor", last_name="Ali"
    )
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.STAFF]))


def _password_step(page, username: str) -> None:
    page.goto("/accounts/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _submit(page) -> None:
    page.click("main form[method=post] button.govuk-button")
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.click("header button:has-text('Sign out')")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/sign-in/")


def test_set_up_at_first_sign_in_then_a_code_then_a_recovery_code_once(browser, site):
    _new_staff("noor.ali")
    context = browser.new_context(base_url=site, java_script_enabled=False)
    page = context.new_page()
    try:
        # First sign-in: the password, then setting up the authenticator app.
        _password_step(page, "noor.ali")
        assert page.url.endswith("/accounts/two-factor/set-up/")
        assert page.locator("img.app-qr-code").get_attribute("src").startswith("data:image/svg+xml;base64,")
        authenticator = pyotp.TOTP(page.locator("#secret").inner_text().replace(" ", ""))
        # Nothing else is reachable before the code.
        page.goto("/recommendations/")
        assert page.url.endswith("/accounts/two-factor/set-up/")
        page.fill("input[name=code]", authenticator.now())
        _submit(page)
        assert page.url.endswith("/accounts/two-factor/recovery-codes/")
        codes = page.locator("#recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        page.click("text=I have saved my recovery codes")
        page.wait_for_load_state()
        # On to the page they asked for before the code.
        assert page.url.endswith("/recommendations/")
        assert page.locator("h1").inner_text() == "Recommendations"
        _sign_out(page)

        # Signing in again: the password, then a code (the next one: each code works once).
        _password_step(page, "noor.ali")
        assert page.url.endswith("/accounts/sign-in/code/")
        page.fill("input[name=code]", authenticator.at(time.time() + 30))
        _submit(page)
        assert urlsplit(page.url).path == "/"  # the dashboard
        _sign_out(page)

        # Without the app: a recovery code, which lands on the account page to replace the app.
        _password_step(page, "noor.ali")
        page.click("text=I cannot use my authenticator app")
        page.wait_for_load_state()
        page.fill("input[name=code]", codes[0])
        _submit(page)
        assert page.url.endswith("/accounts/profile/")
        assert "You have 9 left" in page.locator("main").inner_text()
        assert page.locator("text=Set up a new authenticator app").count() == 1
        _sign_out(page)

        # The same recovery code does not work twice.
        _password_step(page, "noor.ali")
        page.goto("/accounts/sign-in/recovery-code/")
        page.fill("input[name=code]", codes[0])
        _submit(page)
        assert page.url.endswith("/accounts/sign-in/recovery-code/")
        assert "has been used" in page.locator(".govuk-error-summary").inner_text()
        page.goto("/")
        assert page.url.endswith("/accounts/sign-in/code/")
    finally:
        context.close()


def test_the_two_factor_pages_pass_axe(browser, site):
    _new_staff("sam.idowu")
    context = browser.new_context(base_url=site, bypass_csp=True)
    page = context.new_page()
    try:
        _password_step(page, "sam.idowu")
        problems = {"set-up": axe_violations(page)}
        authenticator = pyotp.TOTP(page.locator("#secret").inner_text().replace(" ", ""))
        page.fill("input[name=code]", "12")  # an error: the error summary and message pass too
        _submit(page)
        problems["set-up with an error"] = axe_violations(page)
        page.fill("input[name=code]", authenticator.now())
        _submit(page)
        problems["recovery codes"] = axe_violations(page)
        _sign_out(page)
        _password_step(page, "sam.idowu")
        problems["code"] = axe_violations(page)
        page.fill("input[name=code]", "")
        _submit(page)
        problems["code with an error"] = axe_violations(page)
        page.goto("/accounts/sign-in/recovery-code/")
        problems["recovery code"] = axe_violations(page)
        assert {page: found for page, found in problems.items() if found} == {}
    finally:
        context.close()
