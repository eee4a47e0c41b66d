"""Every role against every URL, GET and POST, own force and other force, anonymous included."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access as access_package
from tests.access.matrix import ROLES, Case

# URL names outside the matrix, and why.
EXEMPT_PREFIXES = ("admin:",)  # the Django admin: superusers only, guarded by Django itself
EXEMPT = {
    None,
}


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(access_package.__path__):
        if module.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.access.{module.name}").CASES
    return cases


CASES = _all_cases()


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str | None]:
    names: set[str | None] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}" if pattern.name else None)
    return names


def test_every_url_has_a_row_in_the_matrix():
    covered = {case.url_name for case in CASES}
    missing = {
        name for name in _url_names() if name not in EXEMPT and not (name or "").startswith(EXEMPT_PREFIXES)
    } - covered
    assert not missing, f"URLs without a row in the access matrix: {sorted(missing)}"
    assert None not in {n for n in _url_names() if not str(n).startswith("admin:")} - EXEMPT, "every URL needs a name"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_access(case: Case, role: str, world, client):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(case.url_name, kwargs=case.kwargs(world)) + (f"?{case.query}" if case.query else "")
    expected = case.expected[role]
    before = case.snapshot(world) if case.snapshot else None
    if case.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, case.data(world) if case.data else {})
    assert response.status_code == expected, f"{case.id} as {role}: {response.status_code}, expected {expected}"
    if role == "anonymous" and expected == 302:
        assert response["Location"].startswith(reverse("login"))
    refused = expected in (302, 403, 404, 405) and (role == "anonymous" or expected != 302)
    if case.snapshot and refused:
        assert case.snapshot(world) == before, f"{case.id} as {role} was refused but changed the database"
