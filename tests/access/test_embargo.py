"""The access matrix with an embargoed inspection (tests/access/conftest.py, build_embargoed): one
whose publication date is a month away, with an overdue item and one due soon for each force,
progress updates, evidence, a follow-up review and judgement, an escalation and an extension.

1. No page, download, feed or API answer that a liaison officer or the public can read changes at
   all when it is added: not a line of its text, and not a count (every page is fetched before and
   after, with the cache emptied, and compared).
2. Every URL of one of its objects (every case of the matrix, pointed at the embargoed twin of
   the world's objects) answers 404 to both liaison officers and the public, GET and POST,
   changing nothing (or what any object of the kind answers them: "sign in first", "method not
   allowed"); the public register answers 404 to everyone; staff and managers get what they get
   for the world's own objects.
"""

import copy
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from tests.access.conftest import EMBARGO_MARK, build_embargoed
from tests.access.matrix import database_fingerprint
from tests.access.test_matrix import DECLARED


@pytest.fixture(autouse=True)
def _many_sign_ins(settings):
    # These tests sign each role in again for every URL they try; the limit on sign-ins from one
    # address (tests/accounts/test_security.py) is not what they are about.
    from core.ratelimit import Rate

    settings.RATE_LIMIT_SIGN_IN_PER_CLIENT = Rate(count=100_000, seconds=900)


# Outside the inspectorate: the two forces' liaison officers, and the public (the register).
OUTSIDE = ("anonymous", "own_liaison", "other_liaison")
# The public register answers everyone alike, the inspectorate too: nothing embargoed is public.
PUBLIC = "register:"
# The health check reports how long the database took to answer: it shows no data of anyone's.
NOT_DATA = {"healthz"}
INSIDE = ("staff", "manager")
GET_CASES = [case for case in DECLARED if case.method == "GET"]


def _url(case, world) -> str:
    path = reverse(case.url_name, kwargs=case.kwargs(world))
    return path + (f"?{case.query}" if case.query else "")


def _seen(response) -> object:
    """What the user receives, without what changes on every request (the CSRF token)."""
    body = response.getvalue() if getattr(response, "streaming", False) else response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if content_type.startswith("application/vnd.openxmlformats-officedocument.wordprocessingml"):
        document = Document(io.BytesIO(body))
        tables = [[cell.text for row in table.rows for cell in row.cells] for table in document.tables]
        return [paragraph.text for paragraph in document.paragraphs], tables
    text = body.decode("utf-8", errors="replace")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return (response.status_code, response.get("Location", ""), text)


def _sign_in(client, world, role: str) -> None:
    if world.users[role] is None:
        client.logout()
    else:
        client.force_login(world.users[role])


def _fetch(client, world, case, role) -> object:
    """One page as `role` sees it, in a savepoint: a case that puts the world in a state first
    (kwargs) leaves nothing behind, and the cached dashboard figures are not reused."""
    savepoint = transaction.savepoint()
    try:
        cache.clear()
        _sign_in(client, world, role)
        return _seen(client.get(_url(case, world)))
    finally:
        transaction.savepoint_rollback(savepoint)


def test_nothing_a_force_can_read_changes_when_an_embargoed_inspection_is_added(world, client):
    with time_machine.travel(timezone.now(), tick=False):
        pages = [
            (case, role)
            for case in GET_CASES
            for role in OUTSIDE
            if case.expected[role] == 200 and case.url_name not in NOT_DATA
        ]
        assert any(role == "anonymous" for _case, role in pages)  # the public register
        assert len(pages) > 40
        before = {(case.id, role): _fetch(client, world, case, role) for case, role in pages}
        embargoed = build_embargoed(world)
        changed = [
            f"{case.id} as {role}"
            for case, role in pages
            if _fetch(client, world, case, role) != before[(case.id, role)]
        ]
        assert not changed, f"pages that show something of an embargoed inspection: {changed}"
        # The comparison can see a difference: the inspectorate's list shows the embargoed items.
        client.force_login(world.users["staff"])
        cache.clear()
        listed = client.get(reverse("inspections:item_list")).content.decode()
        assert EMBARGO_MARK in listed and embargoed.item.force.name in listed


def _embargoed_world(world, embargoed):
    twin = copy.copy(world)
    for name in ("inspection", "finding", "item", "other_item", "update", "evidence", "review"):
        setattr(twin, name, getattr(embargoed, name))
    twin.other_update, twin.other_evidence = embargoed.other_update, embargoed.other_evidence
    return twin


def _points_at_embargo(case, world, twin) -> bool:
    """Whether the case's URL names one of the world's objects that the twin replaces (a case whose
    URL names an object it creates afresh each time, such as an import batch, does not)."""
    urls = []
    for each in (copy.copy(world), copy.copy(world), copy.copy(twin)):
        savepoint = transaction.savepoint()
        try:
            urls.append(_url(case, each))
        finally:
            transaction.savepoint_rollback(savepoint)
    return urls[0] == urls[1] != urls[2]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_url_of_an_embargoed_object_is_not_found_outside_the_inspectorate(world, client, method):
    embargoed = build_embargoed(world)
    cases = [
        c for c in DECLARED if c.method == method and _points_at_embargo(c, world, _embargoed_world(world, embargoed))
    ]
    assert len(cases) > (15 if method == "GET" else 8)
    for case in cases:
        for role in (*OUTSIDE, *INSIDE):
            savepoint = transaction.savepoint()
            try:
                twin = _embargoed_world(world, embargoed)
                _sign_in(client, world, role)
                url = _url(case, twin)
                data = case.data(twin) if case.data and method == "POST" else {}
                before = database_fingerprint()
                response = client.get(url) if method == "GET" else client.post(url, data)
                if role in OUTSIDE or case.url_name.startswith(PUBLIC):
                    # Not found; or what every object of the kind answers for this role: method not
                    # allowed, or (signed out) "sign in first".
                    expected = case.expected[role]
                    allowed = {404} | (set(expected) if isinstance(expected, frozenset) else {expected}) & {
                        302,
                        401,
                        405,
                    }
                    assert response.status_code in allowed, f"{case.id} as {role}: {response.status_code}"
                    assert database_fingerprint() == before, f"{case.id} as {role} changed the database"
                elif method == "GET":
                    expected = case.expected[role]
                    allowed = expected if isinstance(expected, frozenset) else {expected}
                    assert response.status_code in allowed, f"{case.id} as {role}: {response.status_code}"
            finally:
                transaction.savepoint_rollback(savepoint)
