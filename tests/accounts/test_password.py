import re

import pytest
from django.core import mail

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-long-pass-9"


def test_change_password_then_sign_in_with_it(client, liaison_user):
    client.force_login(liaison_user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "Your password has been changed" in response.content.decode()
    liaison_user.refresh_from_db()
    assert liaison_user.check_password(NEW)


def test_change_password_refuses_a_wrong_current_password_and_a_short_new_one(client, liaison_user):
    client.force_login(liaison_user)
    response = client.post(
        "/accounts/password/change/", {"old_password": "wrong", "new_password1": "short1", "new_password2": "short1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Your current password is wrong" in page
    liaison_user.refresh_from_db()
    assert liaison_user.check_password(TEST_PASSWORD)


def test_change_password_applies_the_validators(client, liaison_user):
    client.force_login(liaison_user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": TEST_PASSWORD, "new_password1": "short-9", "new_password2": "short-9"},
    )
    assert "at least 12 characters" in response.content.decode()


def _reset_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/password/reset/[^\s]+/)", message.body).group(1)


def test_reset_by_email_then_sign_in(client, liaison_user):
    response = client.post("/accounts/password/reset/", {"email": liaison_user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [liaison_user.email]
    link = _reset_link(mail.outbox[0])
    response = client.get(link)  # swaps the token for a session token
    assert response.status_code == 302
    form_url = response["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == "/accounts/password/reset/done/"
    liaison_user.refresh_from_db()
    assert liaison_user.check_password(NEW)
    # The link works once.
    assert "This link has expired" in client.get(link, follow=True).content.decode()


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.gov.uk"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_reset_pages_are_open_without_signing_in(client, db):
    for path in ("/accounts/password/reset/", "/accounts/password/reset/sent/", "/accounts/password/reset/done/"):
        assert client.get(path).status_code == 200, path
