"""Two-factor sign-in: setting up, codes, recovery codes, the lock-out and throttle on the code
step, who must give a code, resets by staff, and the start-up refusal of turning it off."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qsessions.models import Session

from tests.factories import TEST_PASSWORD
from tests.two_factor import authenticator_for, code_for, secret_of, sign_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
CODE = "/accounts/sign-in/code/"
RECOVERY = "/accounts/sign-in/recovery-code/"
SETUP = "/accounts/two-factor/set-up/"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _password(client, user, password=TEST_PASSWORD):
    return client.post("/accounts/sign-in/", {"username": user.username, "password": password})


def test_a_first_sign_in_sets_up_the_authenticator_then_shows_the_recovery_codes_once(staff_user):
    client = Client()
    assert _password(client, staff_user)["Location"] == SETUP
    page = client.get(SETUP).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    secret = secret_of(device)
    shown = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert shown in page  # the key as text, for those who cannot scan
    assert client.get(SETUP).content.decode().count(shown) == 1  # the same key on reload

    response = client.post(SETUP, {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    codes = list(StaticToken.objects.filter(device__user=staff_user).values_list("token", flat=True))
    assert len(codes) == 10
    page = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    assert all(code in page for code in codes)
    again = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    assert not any(code in again for code in codes) and "You have 10 recovery codes left" in again
    assert client.get("/").status_code == 200


def test_a_wrong_setup_code_confirms_nothing(staff_user):
    client = Client()
    _password(client, staff_user)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert "The code is not correct" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff_user, confirmed=True).exists()
    assert client.get("/")["Location"] == SETUP


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "The code must be 6 numbers"),
        ("12a456", "The code must be 6 numbers"),
    ],
)
def test_the_code_page_says_what_is_wrong(staff_user, typed, message):
    authenticator_for(staff_user)
    client = Client()
    _password(client, staff_user)
    response = client.post(CODE, {"code": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "There is a problem" in page
    assert client.get("/")["Location"] == CODE


def test_a_code_with_spaces_is_accepted_and_works_once(staff_user):
    device = authenticator_for(staff_user)
    with time_machine.travel(START, tick=False):
        code = code_for(device)
        first, second = Client(), Client()
        _password(first, staff_user)
        assert first.post(CODE, {"code": f"{code[:3]} {code[3:]}"})["Location"] == "/"
        _password(second, staff_user)
        response = second.post(CODE, {"code": code})
        assert response.status_code == 400
        assert second.get("/")["Location"] == CODE


def test_a_recovery_code_signs_in_once_and_allows_replacing_the_authenticator(staff_user):
    device = authenticator_for(staff_user)
    client = Client()
    sign_in(client, staff_user)
    client.post("/accounts/two-factor/recovery-codes/")
    code = StaticToken.objects.filter(device__user=staff_user).first().token
    # Signed in with a code, the authenticator cannot be replaced.
    assert client.get(SETUP)["Location"] == "/accounts/profile/"

    other = Client()
    _password(other, staff_user)
    response = other.post(RECOVERY, {"code": code.upper()})
    assert response["Location"] == "/accounts/profile/"
    assert "You have 9 left" in other.get("/accounts/profile/").content.decode()
    assert other.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    secret = secret_of(new)
    assert other.post(SETUP, {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=staff_user).values_list("pk", flat=True)) == [new.pk]
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    history = staff_user.history.order_by("-history_date").first()
    assert history.history_change_reason == "Authenticator app replaced"

    third = Client()
    _password(third, staff_user)
    response = third.post(RECOVERY, {"code": code})
    assert response.status_code == 400
    assert "has been used" in response.content.decode()


def test_five_wrong_codes_lock_the_account_out_and_end_the_session(staff_user):
    device = authenticator_for(staff_user)
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _password(client, staff_user)
        for _ in range(4):
            clock.shift(dt.timedelta(seconds=20))  # past django-otp's throttle
            assert client.post(CODE, {"code": "000000"}).status_code == 400
        clock.shift(dt.timedelta(seconds=20))
        response = client.post(CODE, {"code": "000000"})
        assert response.status_code == 429
        assert "Too many attempts to sign in" in response.content.decode()
        assert "_auth_user_id" not in client.session
        # The password no longer works either, until the cool-off.
        assert _password(client, staff_user).status_code == 429
        clock.shift(dt.timedelta(minutes=16))
        assert _password(client, staff_user)["Location"] == CODE
        assert client.post(CODE, {"code": code_for(device)})["Location"] == "/"


def test_giving_the_password_again_does_not_reset_the_count_of_wrong_codes(staff_user):
    authenticator_for(staff_user)
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        _password(client, staff_user)
        for _ in range(3):
            clock.shift(dt.timedelta(seconds=20))
            client.post(CODE, {"code": "000000"})
        client = Client()
        _password(client, staff_user)
        clock.shift(dt.timedelta(seconds=20))
        client.post(CODE, {"code": "000000"})
        clock.shift(dt.timedelta(seconds=20))
        assert client.post(CODE, {"code": "000000"}).status_code == 429


def test_after_a_wrong_code_the_next_must_wait(staff_user):
    device = authenticator_for(staff_user)
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        _password(client, staff_user)
        client.post(CODE, {"code": "000000"})
        clock.shift(dt.timedelta(seconds=20))
        client.post(CODE, {"code": "000000"})
        response = client.post(CODE, {"code": code_for(device)})
        assert "Wait 2 seconds" in response.content.decode()
        clock.shift(dt.timedelta(seconds=3))
        assert client.post(CODE, {"code": code_for(device)})["Location"] == "/"


def test_liaison_officers_need_a_code_only_when_the_setting_says_so(liaison_user, settings):
    settings.TWO_FACTOR_FOR_LIAISON = False
    client = Client()
    assert _password(client, liaison_user)["Location"] == "/"
    assert client.get("/").status_code == 200
    settings.TWO_FACTOR_FOR_LIAISON = True
    client = Client()
    assert _password(client, liaison_user)["Location"] == SETUP
    # One who has set up an authenticator is always asked for its code.
    settings.TWO_FACTOR_FOR_LIAISON = False
    authenticator_for(liaison_user)
    client = Client()
    assert _password(client, liaison_user)["Location"] == CODE


def test_staff_and_managers_need_a_code_whatever_the_liaison_setting(staff_user, manager_user, settings):
    settings.TWO_FACTOR_FOR_LIAISON = False
    for user in (staff_user, manager_user):
        assert _password(Client(), user)["Location"] == SETUP


def test_staff_reset_another_users_authenticator_ending_their_sessions_and_recording_it(staff_user, liaison_user):
    authenticator_for(liaison_user)
    theirs = Client()
    sign_in(theirs, liaison_user)
    theirs.post("/accounts/two-factor/recovery-codes/")
    staff = Client()
    sign_in(staff, staff_user)
    response = staff.post(f"/accounts/users/{liaison_user.pk}/two-factor/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=liaison_user).exists()
    assert not StaticToken.objects.filter(device__user=liaison_user).exists()
    assert not Session.objects.filter(user=liaison_user).exists()
    assert theirs.get("/")["Location"].startswith("/accounts/sign-in/")
    history = liaison_user.history.order_by("-history_date").first()
    assert (history.history_change_reason, history.history_user) == ("Two-factor authentication reset", staff_user)
    assert _password(Client(), liaison_user)["Location"] == SETUP


def test_the_demo_users_sign_in_with_the_published_secret(db):
    from demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_load

    demo_load()
    for username in ("staff", "manager", "liaison", "liaison.fire"):
        client = Client()
        client.post("/accounts/sign-in/", {"username": username, "password": DEMO_PASSWORD})
        response = client.post(CODE, {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
        assert response["Location"] == "/", username


def _start(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TWO_FACTOR_REQUIRED"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_refuses_turning_two_factor_off_with_debug_off():
    refused = _start({"DEBUG": "0", "TWO_FACTOR_REQUIRED": "0"})
    assert refused.returncode != 0
    assert "TWO_FACTOR_REQUIRED=0 is for local development only" in refused.stderr
    assert _start({"DEBUG": "1", "TWO_FACTOR_REQUIRED": "0"}).returncode == 0


def test_with_two_factor_off_in_development_the_password_is_enough(staff_user, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client = Client()
    assert _password(client, staff_user)["Location"] == "/"
    assert client.get("/").status_code == 200
