"""Rate limits (sign-in across usernames per client, password reset per address and per client),
the client's address behind trusted proxies, API tokens ending with the password or the account,
and the sessions list."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from qsessions.models import Session
from rest_framework.authtoken.models import Token

from core.http import client_address
from core.ratelimit import Rate
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.two_factor import authenticator_for, code_for, sign_in

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _attempt(client, username, password="wrong-password-1", **extra):  # noqa: S107
    return client.post("/accounts/sign-in/", {"username": username, "password": password}, **extra)


# Rate limits ------------------------------------------------------------------------------------


def test_sign_in_attempts_from_one_client_are_limited_across_usernames(settings, liaison_user):
    settings.RATE_LIMIT_SIGN_IN_PER_CLIENT = Rate(count=3, seconds=900)
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        for name in ("alice", "bob", "carol"):  # each username only once: no lock-out applies
            assert _attempt(client, name).status_code == 200
        response = _attempt(client, liaison_user.username, TEST_PASSWORD)
        assert response.status_code == 429
        assert "too many attempts to sign in from your network" in response.content.decode()
        assert "_auth_user_id" not in client.session
        # Another client is not limited; this one is again once the window has passed.
        assert _attempt(Client(REMOTE_ADDR="198.51.100.7"), "dave").status_code == 200
        clock.shift(dt.timedelta(minutes=16))
        assert _attempt(client, liaison_user.username, TEST_PASSWORD).status_code == 302


def test_codes_count_towards_the_clients_sign_in_limit(settings, staff_user):
    settings.RATE_LIMIT_SIGN_IN_PER_CLIENT = Rate(count=3, seconds=900)
    device = authenticator_for(staff_user)
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _attempt(client, staff_user.username, TEST_PASSWORD)
        client.post("/accounts/sign-in/code/", {"code": "000000"})
        clock.shift(dt.timedelta(seconds=5))
        client.post("/accounts/sign-in/code/", {"code": "000000"})
        clock.shift(dt.timedelta(seconds=5))
        response = client.post("/accounts/sign-in/code/", {"code": code_for(device)})
    assert response.status_code == 429


def test_password_reset_emails_are_limited_per_address(settings, liaison_user):
    settings.RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS = Rate(count=3, seconds=3600)
    statuses = [
        Client(REMOTE_ADDR=f"198.51.100.{n}")
        .post("/accounts/password/reset/", {"email": liaison_user.email.upper()})
        .status_code
        for n in range(1, 6)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_password_reset_emails_are_limited_per_client(settings, liaison_user):
    settings.RATE_LIMIT_PASSWORD_RESET_PER_CLIENT = Rate(count=2, seconds=3600)
    client = Client()
    statuses = [
        client.post("/accounts/password/reset/", {"email": f"someone{n}@example.gov.uk"}).status_code for n in range(3)
    ]
    response = client.post("/accounts/password/reset/", {"email": liaison_user.email})
    assert statuses == [302, 302, 429]
    assert response.status_code == 429
    assert "wait 60 minutes" in response.content.decode()
    assert mail.outbox == []
    assert (
        Client(REMOTE_ADDR="198.51.100.9").post("/accounts/password/reset/", {"email": liaison_user.email}).status_code
        == 302
    )


# The client's address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is anyone's to write
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client's own claim on the left is ignored
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the leftmost
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_behind_a_proxy_the_lock_out_is_per_real_client(settings, liaison_user):
    # Every request arrives from the load balancer's address; only X-Forwarded-For tells clients apart.
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(5):
        _attempt(attacker, liaison_user.username)
    assert _attempt(attacker, liaison_user.username, TEST_PASSWORD).status_code == 429
    officer = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _attempt(officer, liaison_user.username, TEST_PASSWORD).status_code == 302


def test_behind_a_proxy_the_rate_limit_is_per_real_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMIT_SIGN_IN_PER_CLIENT = Rate(count=2, seconds=900)
    one = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert [_attempt(one, f"user{n}").status_code for n in range(3)] == [200, 200, 429]
    two = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _attempt(two, "user9").status_code == 200


def test_the_sessions_list_shows_the_real_client_address(settings, staff_user):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    )
    sign_in(client, staff_user)
    page = client.get("/accounts/profile/").content.decode()
    assert "203.0.113.7" in page and "10.0.0.1" not in page
    assert "Chrome" in page and "Windows" in page


# API tokens -------------------------------------------------------------------------------------


def test_the_account_page_lists_the_api_token_and_revokes_it(client, liaison_user):
    token = Token.objects.create(user=liaison_user)
    client.force_login(liaison_user)
    page = client.get("/accounts/profile/").content.decode()
    assert token.key[:6] in page and token.key not in page
    assert client.post(reverse("api:token_revoke"))["Location"] == "/accounts/profile/"
    assert not Token.objects.filter(user=liaison_user).exists()
    assert Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/v1/items/").status_code == 401


def test_changing_the_password_revokes_the_api_token(client, liaison_user):
    Token.objects.create(user=liaison_user)
    other = Token.objects.create(user=factories.UserFactory())
    client.force_login(liaison_user)
    client.post(
        "/accounts/password/change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-brand-new-long-pass-9",
            "new_password2": "a-brand-new-long-pass-9",
        },
    )
    assert not Token.objects.filter(user=liaison_user).exists()
    assert Token.objects.filter(pk=other.pk).exists()


def test_resetting_the_password_revokes_the_api_token(liaison_user):
    Token.objects.create(user=liaison_user)
    client = Client()
    client.post("/accounts/password/reset/", {"email": liaison_user.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line).strip()
    path = link[link.index("/accounts/") :]
    response = client.get(path)
    client.post(
        response["Location"], {"new_password1": "a-brand-new-long-pass-9", "new_password2": "a-brand-new-long-pass-9"}
    )
    assert not Token.objects.filter(user=liaison_user).exists()


def test_deactivating_a_user_revokes_their_api_token(client, staff_user, liaison_user):
    Token.objects.create(user=liaison_user)
    client.force_login(staff_user)
    client.post(f"/accounts/users/{liaison_user.pk}/active/", {"active": "0"})
    assert not Token.objects.filter(user=liaison_user).exists()


def test_saving_a_user_otherwise_keeps_their_token(liaison_user):
    token = Token.objects.create(user=liaison_user)
    liaison_user.first_name = "Changed"
    liaison_user.save()
    assert Token.objects.filter(pk=token.pk).exists()


# Sessions ---------------------------------------------------------------------------------------


def test_signing_out_everywhere_else_keeps_this_session(staff_user):
    here, laptop, phone = Client(), Client(), Client()
    for client in (here, laptop, phone):
        sign_in(client, staff_user)
    assert Session.objects.filter(user=staff_user).count() == 3
    page = here.get("/accounts/profile/").content.decode()
    assert page.count("This browser") == 1
    response = here.post("/accounts/profile/sessions/end-others/")
    assert response["Location"] == "/accounts/profile/"
    assert Session.objects.filter(user=staff_user).count() == 1
    assert here.get("/accounts/profile/").status_code == 200
    assert laptop.get("/accounts/profile/")["Location"].startswith("/accounts/sign-in/")
    assert phone.get("/accounts/profile/")["Location"].startswith("/accounts/sign-in/")
