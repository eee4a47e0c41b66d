import datetime as dt

import pytest
import time_machine

from accounts.models import User
from tests.factories import TEST_PASSWORD
from tests.two_factor import authenticator_for, code_for, sign_in

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_sign_in_then_the_code_then_dashboard(client, liaison_user):
    device = authenticator_for(liaison_user)
    response = client.post("/accounts/sign-in/", {"username": "liaison.user", "password": TEST_PASSWORD})
    assert response["Location"] == "/accounts/sign-in/code/"
    response = client.post("/accounts/sign-in/code/", {"code": code_for(device)}, follow=True)
    assert response.status_code == 200
    assert b"Dashboard" in response.content
    assert response.context["user"] == liaison_user


def test_wrong_password_says_so(client, liaison_user):
    response = client.post("/accounts/sign-in/", {"username": "liaison.user", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_out_with_a_clear_message(client, liaison_user):
    for _ in range(5):
        client.post("/accounts/sign-in/", {"username": "liaison.user", "password": "wrong-password"})
    response = client.post("/accounts/sign-in/", {"username": "liaison.user", "password": TEST_PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts to sign in" in page
    assert "for 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock_out(client, liaison_user):
    for _ in range(4):
        client.post("/accounts/sign-in/", {"username": "liaison.user", "password": "wrong-password"})
    response = client.post("/accounts/sign-in/", {"username": "liaison.user", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(liaison_user.pk)


def test_the_lock_out_ends_after_the_cool_off(client, liaison_user):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            client.post("/accounts/sign-in/", {"username": "liaison.user", "password": "wrong-password"})
        assert (
            client.post("/accounts/sign-in/", {"username": "liaison.user", "password": TEST_PASSWORD}).status_code
            == 429
        )
        clock.shift(dt.timedelta(minutes=16))
        response = client.post("/accounts/sign-in/", {"username": "liaison.user", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_a_session_idle_longer_than_the_limit_is_signed_out(client, liaison_user, settings):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        sign_in(client, liaison_user)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/accounts/profile/").status_code == 200  # activity renews the session
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/accounts/profile/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_a_deactivated_user_is_signed_out_at_their_next_request(client, liaison_user):
    sign_in(client, liaison_user)
    assert client.get("/accounts/profile/").status_code == 200
    liaison_user.is_active = False
    liaison_user.save()
    assert client.get("/accounts/profile/").status_code == 302


def test_sign_out_ends_the_session(client, liaison_user):
    client.force_login(liaison_user)
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 302


def test_passwords_are_hashed_with_argon2(liaison_user, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    liaison_user.set_password("another-long-password-7")
    assert liaison_user.password.startswith("argon2")


def test_the_admin_is_for_superusers_only(client, staff_user, db):
    client.force_login(staff_user)
    response = client.get("/admin/")
    assert response.status_code == 302  # our staff role is not Django's is_staff
    superuser = User.objects.create_superuser("root", "root@example.gov.uk", TEST_PASSWORD)
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
