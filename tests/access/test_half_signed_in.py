"""A session that has passed the password but not the code reaches no page but the code pages:
every URL of the service, GET and POST, answers with a redirect to the code page (or, for a user
with no authenticator yet, to setting one up), and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from register.http import is_public_path
from tests.access.matrix import database_fingerprint
from tests.access.test_matrix import CASES
from tests.two_factor import authenticator_for

# The pages of the second step itself, and signing out ("sign in as someone else").
STEP = {
    "accounts:two_factor_code",
    "accounts:two_factor_recovery",
    "accounts:two_factor_setup",
    "logout",
}


# The public register is served without cookies to anyone (register.http.PublicRegisterMiddleware
# drops them before the session is read): no session, half signed in or not, ever reaches it.
def _cookieless(url: str) -> bool:
    return is_public_path(url.split("?")[0])


def _requests(world) -> list[tuple[str, str, dict]]:
    # Some cases' kwargs make an object (an extension request to decide): once per URL and label.
    kwargs: dict[tuple[str, str], dict] = {}
    seen, requests = set(), []
    for case in CASES:
        if case.url_name in STEP:
            continue
        label = case.label.replace("(undeclared method)", "").strip()
        if (case.url_name, label) not in kwargs:
            kwargs[case.url_name, label] = case.kwargs(world)
        url = reverse(case.url_name, kwargs=kwargs[case.url_name, label]) + (f"?{case.query}" if case.query else "")
        if (case.method, url) in seen or _cookieless(url):
            continue
        seen.add((case.method, url))
        requests.append((case.method, url, case.data(world) if case.data else {}))
    return requests


@pytest.mark.parametrize(
    ("role", "has_authenticator", "sent_to"),
    [
        ("staff", True, "accounts:two_factor_code"),
        ("manager", True, "accounts:two_factor_code"),
        ("own_liaison", True, "accounts:two_factor_code"),
        ("staff", False, "accounts:two_factor_setup"),
    ],
)
def test_every_url_sends_a_half_signed_in_session_to_the_code_step(world, role, has_authenticator, sent_to):
    user = world.users[role]
    if has_authenticator:
        authenticator_for(user)
    client = Client()  # Django's own: force_login is the password step and nothing more
    client.force_login(user)
    requests = _requests(world)
    assert len(requests) > 100  # every URL of the service, both methods
    before = database_fingerprint(world)
    target = reverse(sent_to)
    for method, url, data in requests:
        response = client.get(url) if method == "GET" else client.post(url, data)
        assert response.status_code == 302 and response["Location"] == target, (
            f"{method} {url} as a half-signed-in {role}: {response.status_code} {response.get('Location')}"
        )
    assert database_fingerprint(world) == before
    assert client.get(target).status_code == 200


def test_the_admin_sign_in_does_not_skip_the_code(world, client):
    from accounts.models import User
    from tests.factories import TEST_PASSWORD

    User.objects.create_superuser("root", "root@example.gov.uk", TEST_PASSWORD)
    plain = Client()
    response = plain.post("/admin/login/", {"username": "root", "password": TEST_PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    response = plain.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor_setup")
