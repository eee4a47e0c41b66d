"""Arbitrary text in, every download out: whatever text reaches the database (through any form,
through an import, or stored before the text policy existed), every export still answers, every
Excel file opens with openpyxl, every API answer is JSON, and the lists still render.

Text is arbitrary Unicode with control characters, invisible characters, formula prefixes, line
breaks of every kind and over-long runs. Each example runs in a savepoint rolled back afterwards."""

import csv
import datetime as dt
import io
import json
import os
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from imports.parsing import ImportFileError
from imports.services import import_batch_confirm, import_batch_create
from tests import factories
from tests.fuzz.test_views import POST_CASES, _actor, _path
from tests.two_factor import TwoFactorClient

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
# Each example downloads everything, so fewer examples than the other fuzz tests (FUZZ_EXAMPLES=200
# for a deeper run).
FUZZ = settings(max_examples=max(3, EXAMPLES // 5), deadline=None, suppress_health_check=list(HealthCheck))

_controls = st.sampled_from(
    ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\r", "\r\n", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\ufffe"]
)
_invisible = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u0301", "\u202e"])
_prefixes = st.sampled_from(["=", "+", "-", "@", "\t", '=HYPERLINK("http://evil","x")'])
hostile_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.lists(st.one_of(_controls, _invisible, _prefixes, st.text(max_size=5)), max_size=12).map("".join),
    st.sampled_from([20_001, 40_000]).map(lambda n: "x" * n),
)

DOWNLOADS = [
    reverse("reporting:item_export") + "?format=csv",
    reverse("reporting:item_export") + "?format=xlsx",
    reverse("oversight:meeting_pack") + "?format=xlsx",
    reverse("oversight:meeting_pack"),
    reverse("register:register_download", kwargs={"fmt": "csv"}),
    reverse("register:register_download", kwargs={"fmt": "json"}),
    reverse("register:trail_download", kwargs={"fmt": "csv"}),
    reverse("register:feed"),
    "/api/v1/items/",
    "/api/v1/findings/",
    "/api/v1/inspections/",
    reverse("inspections:item_list"),
    reverse("dashboard"),
]


# What a form's text reaches: the files and the API (the pages are fetched by the other tests).
FILES = [url for url in DOWNLOADS if "format=" in url or url.startswith(("/api/v1/findings", "/register/"))]


def _download_everything(client: TwoFactorClient, user, urls: list[str] = DOWNLOADS) -> None:
    user.refresh_from_db()  # a form may have changed the password, which signs its sessions out
    client.force_login(user)
    for url in urls:
        if url.startswith(reverse("oversight:meeting_pack")) and user.is_liaison:
            continue  # the pack is the inspectorate's
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        body = response.getvalue() if response.streaming else response.content
        if "format=xlsx" in url:
            workbook = load_workbook(io.BytesIO(body), read_only=True)
            assert sum(1 for _ in workbook.worksheets[0].iter_rows()) >= 1
            workbook.close()
        elif url.startswith("/api/") or url.endswith(".json"):
            json.loads(body)
        elif url.endswith("/feed/"):
            ElementTree.fromstring(body)  # noqa: S314 - our own feed


@pytest.mark.django_db
@FUZZ
@given(finding=hostile_text, reference=hostile_text, update=hostile_text, name=hostile_text)
def test_whatever_text_is_stored_every_download_writes_it(world, finding, reference, update, name):
    """Text stored past every check (older data, another tool): written to the database as it is."""
    savepoint = transaction.savepoint()
    try:
        # PostgreSQL stores no NUL in text; everything else goes in as it is.
        given = {"finding": finding, "reference": reference, "update": update, "name": name}
        clean = {key: value.replace("\x00", "") for key, value in given.items()}
        inspection = factories.InspectionFactory(
            title=clean["name"][:300] or "x", reference=clean["reference"][:40] or "R"
        )
        item = factories.TrackedItemFactory(
            finding=factories.FindingFactory(
                inspection=inspection,
                reference=clean["reference"][:20] or "R",
                text=clean["finding"] or "x",
                target_date=dt.date(2020, 1, 1),
            ),
            force=world.force,
            status="in_progress",
        )
        factories.ProgressUpdateFactory(item=item, author=world.users["own_liaison"], narrative=clean["update"] or "x")
        client = TwoFactorClient()
        for role in ("manager", "own_liaison"):
            _download_everything(client, world.users[role])
    finally:
        transaction.savepoint_rollback(savepoint)


@st.composite
def hostile_post(draw, valid: dict) -> dict:
    data = {}
    for key, value in valid.items():
        if isinstance(value, str) and not value.isdigit() and draw(st.booleans(), label=f"{key} hostile"):
            data[key] = value + draw(hostile_text, label=key)
        else:
            data[key] = value
    return data


@pytest.mark.parametrize("case", POST_CASES, ids=[c.id for c in POST_CASES])
@FUZZ
@given(data=st.data())
def test_text_typed_into_any_form_downloads_everywhere(case, data, world):
    role, _success = _actor(case)
    savepoint = transaction.savepoint()
    try:
        client = TwoFactorClient()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        valid = case.data(world) if case.data else {}
        response = client.post(_path(case, world), data.draw(hostile_post(valid), label="posted"))
        assert response.status_code < 500, f"{case.id} as {role}: {response.status_code}"
        _download_everything(TwoFactorClient(), world.users["staff"], FILES)
    finally:
        transaction.savepoint_rollback(savepoint)


cell = st.one_of(hostile_text, st.just(""))


@pytest.mark.django_db
@FUZZ
@given(rows=st.lists(st.tuples(cell, cell), min_size=1, max_size=3))
def test_imported_text_downloads_everywhere(world, rows):
    savepoint = transaction.savepoint()
    try:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["reference", "category", "text", "forces", "target_date", "cause_of_concern"])
        for n, (suffix, text) in enumerate(rows):
            writer.writerow([f"F{n}{suffix[:3]}", "recommendation", f"Finding {text}", world.force.name, "", ""])
        inspection = factories.InspectionFactory()
        try:
            batch = import_batch_create(
                user=world.users["staff"], inspection=inspection, data=out.getvalue().encode(), name="f.csv"
            )
        except ImportFileError as error:
            assert str(error)  # a refusal says why
            return
        if batch.problem_count == 0:
            import_batch_confirm(batch=batch, user=world.users["staff"])
        _download_everything(TwoFactorClient(), world.users["own_liaison"])
    finally:
        transaction.savepoint_rollback(savepoint)
