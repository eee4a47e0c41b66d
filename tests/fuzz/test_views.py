"""Arbitrary input at every form and every list of the service: no server error, and a refused
form changes nothing.

The cases are the access matrix's own (tests/access/cases_*.py): every POST case names a view,
the world it acts on and the valid data it needs. Here each is posted, as the role the matrix
expects to succeed, with that data scrambled by Hypothesis: values replaced with arbitrary text,
unicode, huge or empty strings, None-like words, several values, arbitrary files, keys missing or
added. A response other than the success redirect must leave every row of the database as it was.
Every GET page the role may read is requested with arbitrary query strings (the filters, sorting
and paging, the API's query parameters): never a server error. Each example runs in a savepoint
rolled back afterwards, so the world is the same for every example."""

import importlib
import os
import pkgutil
import urllib.parse

import django_filters
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.access as access_package
from tests.access.matrix import Case, database_fingerprint
from tests.two_factor import TwoFactorClient

# FUZZ_EXAMPLES=200 make test ... for a deeper run than the suite's quick one.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "15")), deadline=None, suppress_health_check=list(HealthCheck)
)
# Who acts: the first of these the matrix expects to succeed.
ACTORS = ("staff", "own_liaison", "manager", "other_liaison", "anonymous")


def _declared_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(access_package.__path__):
        if module.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.access.{module.name}").CASES
    return cases


def _actor(case: Case) -> tuple[str, int] | None:
    for role in ACTORS:
        status = case.expected[role]
        if status in (200, 302):
            return role, status
    return None


DECLARED = _declared_cases()
POST_CASES = [c for c in DECLARED if c.method == "POST" and _actor(c)]
GET_CASES = [c for c in DECLARED if c.method == "GET" and _actor(c) and _actor(c)[1] == 200]

# No control characters in names the test client writes into multipart headers.
_plain = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters='"\\')
# Any character HTTP can carry (a lone surrogate cannot be encoded by any client).
_any = st.characters(blacklist_categories=("Cs",))
odd_text = st.one_of(
    st.text(alphabet=_any, max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0x80, blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "None",
            "null",
            "undefined",
            "0",
            "-1",
            "1.5",
            "1e309",
            "NaN",
            "9" * 40,
            "31",
            "2",
            "2030",
            "\x00",
            "true",
            "on",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%s%n",
            "../../etc/passwd",
            "🦊" * 10,
        ]
    ),
    st.integers(min_value=1000, max_value=300_000).map(lambda n: "x" * n),
)
odd_file = st.builds(
    lambda name, content, kind: SimpleUploadedFile(name, content, content_type=kind),
    # A name that has a base name (Django refuses to make an upload of "/" or "..").
    st.text(alphabet=_plain, min_size=1, max_size=40).filter(lambda n: os.path.basename(n) not in ("", ".", "..")),
    st.one_of(
        st.binary(max_size=3000),
        st.just(b"%PDF-1.4\n" + b"x" * 50),
        st.just(b"\x89PNG\r\n\x1a\n" + b"\0" * 30),
        st.just(b"PK\x03\x04" + b"\0" * 30),
        st.just(b"reference,category,text,forces\n"),
    ),
    st.sampled_from(["application/pdf", "text/csv", "image/png", "application/octet-stream", "text/html", ""]),
)


@st.composite
def scrambled(draw, valid: dict) -> dict:
    data = {}
    for key, value in valid.items():
        choice = draw(st.sampled_from(["keep", "text", "text", "many", "file", "drop"]), label=key)
        if choice == "keep":
            data[key] = value
        elif choice == "text":
            data[key] = draw(odd_text)
        elif choice == "many":
            data[key] = draw(st.lists(odd_text, min_size=2, max_size=3))
        elif choice == "file":
            data[key] = draw(odd_file)
        # "drop": the key is missing
    for _ in range(draw(st.integers(0, 2), label="extra keys")):
        data[draw(st.text(alphabet=_plain, min_size=1, max_size=12))] = draw(st.one_of(odd_text, odd_file))
    return data


def _path(case: Case, world) -> str:
    return reverse(case.url_name, kwargs=case.kwargs(world))


def _client(world, role: str) -> Client:
    # Signed in with both steps (tests/two_factor.py): a half-signed-in client would only ever meet
    # the redirect to the code page.
    client = TwoFactorClient()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("case", POST_CASES, ids=[c.id for c in POST_CASES])
@FUZZ
@given(data=st.data())
def test_scrambled_posts_never_fail_and_a_refusal_changes_nothing(case: Case, data, world):
    role, success = _actor(case)
    client = _client(world, role)
    savepoint = transaction.savepoint()
    try:
        path = _path(case, world)
        valid = case.data(world) if case.data else {}
        posted = data.draw(scrambled(valid), label="posted")
        before = database_fingerprint()
        response = client.post(path, posted)
        assert response.status_code < 500, f"{case.id} as {role}: {response.status_code}"
        succeeded = response.status_code == success and (success != 302 or "login" not in response.get("Location", ""))
        if not succeeded or (
            success == 200 and response.status_code == 200 and b"govuk-error-summary" in response.content
        ):
            assert database_fingerprint() == before, f"{case.id} as {role}: refused ({response.status_code}) but saved"
    finally:
        transaction.savepoint_rollback(savepoint)


def _query_names() -> list[str]:
    names = {"page", "page_size", "sort", "ordering", "format", "q", "search", "download", "cursor", "limit"}
    stack = [django_filters.FilterSet]
    from rest_framework.filters import OrderingFilter  # noqa: F401 - the API's ordering parameter

    importlib.import_module("config.urls")  # every view module, and so every filter set, imported
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        names |= set(getattr(cls, "base_filters", {}))
        for f in getattr(cls, "base_filters", {}).values():
            names.add(f.field_name)
    return sorted(n for n in names if n)


QUERY_NAMES = _query_names()


@pytest.mark.parametrize("case", GET_CASES, ids=[c.id for c in GET_CASES])
@FUZZ
@given(
    st.lists(
        st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), st.text(alphabet=_plain, max_size=10)), odd_text),
        max_size=5,
    )
)
def test_arbitrary_query_strings_never_fail(case: Case, world, pairs):
    role, _ = _actor(case)
    client = _client(world, role)
    savepoint = transaction.savepoint()
    try:
        query = urllib.parse.urlencode([(k, v[:2000]) for k, v in pairs])
        extra = f"&{case.query}" if case.query else ""
        response = client.get(f"{_path(case, world)}?{query}{extra}")
        assert response.status_code < 500, f"{case.id} ?{query[:300]}: {response.status_code}"
    finally:
        transaction.savepoint_rollback(savepoint)
