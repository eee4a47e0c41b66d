import pytest

pytestmark = pytest.mark.django_db


def test_turn_the_digest_off_and_on(client, liaison_user):
    client.force_login(liaison_user)
    page = client.get("/accounts/profile/").content.decode()
    assert "Email digest" in page
    assert "checked" in page
    response = client.post("/accounts/profile/digest/", {}, follow=True)
    assert "You will no longer get the email digest" in response.content.decode()
    liaison_user.refresh_from_db()
    assert liaison_user.receives_digests is False
    assert liaison_user.history.latest().history_user == liaison_user
    client.post("/accounts/profile/digest/", {"receives_digests": "on"})
    liaison_user.refresh_from_db()
    assert liaison_user.receives_digests is True


def test_profile_shows_role_forces_and_a_password_link(client, liaison_user):
    client.force_login(liaison_user)
    page = client.get("/accounts/profile/").content.decode()
    assert "Force liaison officer" in page
    assert "Cleveland Police" in page
    assert 'href="/accounts/password/change/"' in page
