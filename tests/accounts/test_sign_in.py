import pytest

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_sign_in_then_dashboard(client, liaison_user):
    response = client.post("/accounts/sign-in/", {"username": "liaison.user", "password": TEST_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert b"Dashboard" in response.content
    assert response.context["user"] == liaison_user


def test_wrong_password_says_so(client, liaison_user):
    response = client.post("/accounts/sign-in/", {"username": "liaison.user", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
