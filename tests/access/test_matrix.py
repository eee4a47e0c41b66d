"""Every role against every URL, GET and POST, own force and other force, anonymous included."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

import tests.access as access_package
from tests.access.matrix import ROLES, Case, database_fingerprint, undeclared_method_cases

# URL names outside the matrix, and why.
EXEMPT_PREFIXES = ("admin:",)  # the Django admin: superusers only, guarded by Django itself (tests/accounts)
EXEMPT = {
    None,
}
# The only pages open without signing in (login_not_required). Opening another is a decision:
# add it here, and `test_only_these_urls_are_open` shows it in review.
PUBLIC = {
    "login",
    "healthz",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # The old open-data address: a redirect to the public register's file.
    "imports:open_data",
    # The public register and its robots rules: what the inspectorate publishes, for anyone.
    "robots_txt",
    "register:home",
    "register:search",
    "register:force_list",
    "register:force_detail",
    "register:force_feed",
    "register:inspection_list",
    "register:inspection_detail",
    "register:finding_detail",
    "register:item_detail",
    "register:theme_list",
    "register:theme_feed",
    "register:implementation",
    "register:open_data",
    "register:register_download",
    "register:trail_download",
    "register:feed",
    "register:sitemap",
    "register:sitemap_section",
    # A calendar feed: its secret token authenticates, as a token does for the API.
    "calendars:feed",
}


def _declared_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(access_package.__path__):
        if module.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.access.{module.name}").CASES
    return cases


DECLARED = _declared_cases()
CASES = DECLARED + undeclared_method_cases(DECLARED)


def _url_patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str | None, URLPattern]]:
    found: list[tuple[str | None, URLPattern]] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            found.append((f"{namespace}{pattern.name}" if pattern.name else None, pattern))
    return found


def _url_names() -> set[str | None]:
    return {name for name, _ in _url_patterns()}


def _is_public(view) -> bool:
    return getattr(view, "login_required", True) is False


def test_every_url_has_a_row_in_the_matrix():
    covered = {case.url_name for case in DECLARED}
    missing = {
        name for name in _url_names() if name not in EXEMPT and not (name or "").startswith(EXEMPT_PREFIXES)
    } - covered
    assert not missing, f"URLs without a row in the access matrix: {sorted(missing)}"
    assert None not in {n for n in _url_names() if not str(n).startswith("admin:")} - EXEMPT, "every URL needs a name"


def test_every_url_is_exercised_with_get_and_post():
    exercised = {(case.url_name, case.method) for case in CASES}
    for name in {case.url_name for case in DECLARED}:
        assert {(name, "GET"), (name, "POST")} <= exercised, name


def test_cases_name_real_urls_and_roles():
    names = _url_names()
    for case in DECLARED:
        assert case.url_name in names, f"{case.id}: no such URL name"
        assert set(case.expected) == set(ROLES), f"{case.id}: expected must name every role"
        assert case.method in ("GET", "POST"), f"{case.id}: method must be GET or POST"


def _is_api_view(view) -> bool:
    # Django REST framework views are exempt from LoginRequiredMiddleware because DRF authenticates
    # each request itself (session or token, IsAuthenticated by default); their rows in the matrix
    # show the refusal.
    from rest_framework.views import APIView

    return isinstance(getattr(view, "cls", None), type) and issubclass(view.cls, APIView)


def test_only_these_urls_are_open():
    open_urls = {
        name
        for name, pattern in _url_patterns()
        if not (name or "admin:").startswith("admin:")
        and _is_public(pattern.callback)
        and not _is_api_view(pattern.callback)
    }
    assert open_urls == PUBLIC


def _allowed(expected) -> frozenset[int]:
    return expected if isinstance(expected, frozenset) else frozenset({expected})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_access(case: Case, role: str, world, client):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    path = reverse(case.url_name, kwargs=case.kwargs(world))
    url = path + (f"?{case.query}" if case.query else "")
    public = _is_public(resolve(path).func)
    allowed = _allowed(case.expected[role])
    snapshot = case.snapshot or (database_fingerprint if case.method == "POST" else None)
    before = snapshot(world) if snapshot else None
    if case.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, case.data(world) if case.data else {})
    status = response.status_code
    assert status in allowed, f"{case.id} as {role}: {status}, expected {sorted(allowed)}"
    sent_to_sign_in = status == 302 and response["Location"].startswith(reverse("login"))
    if role == "anonymous" and status == 302 and not public:
        assert sent_to_sign_in, f"{case.id} as anonymous: redirected to {response['Location']}, not to sign in"
    if len(allowed) > 1 and status == 302:
        # A refusal by redirect is only ever "sign in first".
        assert sent_to_sign_in, f"{case.id} as {role}: redirected to {response['Location']}, not refused"
    refused = status in (403, 404, 405) or (sent_to_sign_in and (role == "anonymous" or len(allowed) > 1))
    if snapshot and refused:
        assert snapshot(world) == before, f"{case.id} as {role} was refused but changed the database"
