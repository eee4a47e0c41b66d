import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inspections.models import TrackedItem
from tests import factories


@pytest.fixture
def api():
    return APIClient()


def _auth(api: APIClient, user) -> APIClient:
    token = Token.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_anonymous_requests_get_401_not_a_redirect(api, item):
    for url in ("/api/v1/items/", f"/api/v1/items/{item.pk}/", "/api/v1/findings/", "/api/schema/"):
        response = api.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"].startswith("Token")


def test_a_wrong_token_is_401(api, item):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/items/").status_code == 401


def test_a_liaison_officer_sees_only_their_forces_items(api, liaison_user, item, other_item):
    _auth(api, liaison_user)
    body = api.get("/api/v1/items/").json()
    assert [row["id"] for row in body["results"]] == [item.pk]
    assert body["results"][0]["force_slug"] == item.force.slug
    assert api.get(f"/api/v1/items/{other_item.pk}/").status_code == 404
    assert api.get(f"/api/v1/findings/{other_item.finding_id}/").status_code == 404
    assert api.get(f"/api/v1/inspections/{other_item.finding.inspection_id}/").status_code == 404
    assert api.get(f"/api/v1/findings/{item.finding_id}/").status_code == 200


def test_items_show_no_narrative_evidence_or_names(api, staff_user, item):
    factories.ProgressUpdateFactory(item=item, narrative="SECRET NARRATIVE")
    _auth(api, staff_user)
    row = api.get(f"/api/v1/items/{item.pk}/").json()
    assert "SECRET" not in str(row)
    assert set(row) >= {
        "finding_reference",
        "finding_text",
        "force",
        "force_slug",
        "response",
        "status",
        "latest_progress",
    }
    assert not {"closed_by", "closing_note", "updates", "evidence", "narrative"} & set(row)


def test_writes_are_not_allowed(api, staff_user, item):
    _auth(api, staff_user)
    assert api.post("/api/v1/items/", {}).status_code == 405
    assert api.delete(f"/api/v1/items/{item.pk}/").status_code == 405
    assert api.patch(f"/api/v1/items/{item.pk}/", {"status": "complete"}).status_code == 405
    item.refresh_from_db()
    assert item.status == TrackedItem.Status.PUBLISHED


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
def test_filters(api, staff_user, force, other_force):
    overdue = factories.TrackedItemFactory(force=force, current_target_date=dt.date(2026, 1, 1))
    factories.TrackedItemFactory(force=force, current_target_date=dt.date(2027, 1, 1))
    closed = factories.TrackedItemFactory(
        force=other_force, status=TrackedItem.Status.COMPLETE, closed_on=dt.date(2026, 2, 1)
    )
    _auth(api, staff_user)

    def ids(query: str) -> set[int]:
        response = api.get(f"/api/v1/items/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("overdue=true") == {overdue.pk}
    assert ids(f"force={other_force.slug}") == {closed.pk}
    assert ids("status=complete") == {closed.pk}
    assert ids(f"inspection={overdue.finding.inspection_id}") == {overdue.pk}
    assert api.get("/api/v1/items/?inspection=1.5").status_code == 400
    assert api.get("/api/v1/items/?inspection=99999999999999999999999").status_code == 400
    assert api.get("/api/v1/items/?status=nonsense").status_code == 400


def test_a_status_filter_asks_no_distinct_and_lists_each_item_once(api, staff_user, force, other_force):
    """Status is the item's own column: no row can repeat, so the page is not a DISTINCT over whole
    rows (which at a million items sorted every matching row)."""
    chosen = [
        factories.TrackedItemFactory(force=force, status=TrackedItem.Status.IN_PROGRESS),
        factories.TrackedItemFactory(
            force=other_force, status=TrackedItem.Status.SUBMITTED, submitted_on=dt.date(2026, 5, 1)
        ),
    ]
    factories.TrackedItemFactory(force=force)
    _auth(api, staff_user)
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/items/?status=in_progress&status=submitted")
    assert response.status_code == 200
    rows = [row["id"] for row in response.json()["results"]]
    assert sorted(rows) == sorted(item.pk for item in chosen)
    assert response.json()["count"] == 2
    item_queries = [q["sql"] for q in queries.captured_queries if "inspections_trackeditem" in q["sql"]]
    assert item_queries and not any("DISTINCT" in sql for sql in item_queries)


def test_filter_words_go_through_the_text_policy(api, staff_user, force, other_force):
    # A NUL byte (which PostgreSQL refuses in a query) is removed, an invisible word is no filter.
    mine = factories.TrackedItemFactory(force=force)
    theirs = factories.TrackedItemFactory(force=other_force)
    _auth(api, staff_user)
    for url, expected in (
        ("/api/v1/items/?force=" + force.slug[:3] + "%00" + force.slug[3:], {mine.pk}),
        ("/api/v1/items/?force=%E2%80%8B", {mine.pk, theirs.pk}),
    ):
        response = api.get(url)
        assert response.status_code == 200, response.content
        assert {row["id"] for row in response.json()["results"]} == expected
    response = api.get("/api/v1/findings/?theme=%00%07")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    response = api.get("/api/v1/inspections/?programme=%00")
    assert response.status_code == 200


def test_pagination(api, staff_user, force):
    for _ in range(3):
        factories.TrackedItemFactory(force=force)
    _auth(api, staff_user)
    body = api.get("/api/v1/items/?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")


def _walk(api: APIClient, url: str) -> list[dict]:
    rows, pages = [], 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body
        rows += body["results"]
        url, pages = body["next"], pages + 1
        assert pages < 50
    return rows


def test_keyset_pages_read_every_visible_item_once_in_id_order(api, liaison_user, force, other_force):
    mine = {item.pk for item in factories.TrackedItemFactory.create_batch(7, force=force)}
    factories.TrackedItemFactory.create_batch(3, force=other_force)
    _auth(api, liaison_user)
    rows = _walk(api, "/api/v1/items/?after=0&page_size=3")
    ids = [row["id"] for row in rows]
    assert ids == sorted(mine)
    # A page ends where the next begins: after the last id read.
    first = api.get("/api/v1/items/?after=0&page_size=3").json()
    assert f"after={ids[2]}" in first["next"]


def test_keyset_pages_keep_the_filters(api, staff_user, force, other_force):
    factories.TrackedItemFactory.create_batch(4, force=force)
    factories.TrackedItemFactory.create_batch(4, force=other_force)
    _auth(api, staff_user)
    rows = _walk(api, f"/api/v1/items/?after=0&page_size=2&force={force.slug}")
    assert len(rows) == 4 and {row["force_slug"] for row in rows} == {force.slug}


@pytest.mark.parametrize("after", ["-1", "abc", "1.5", "%00"])
def test_a_bad_keyset_is_a_400_that_says_what_to_send(api, staff_user, after):
    _auth(api, staff_user)
    response = api.get(f"/api/v1/items/?after={after}")
    assert response.status_code == 400
    assert "whole number" in response.json()["after"][0]


def test_page_and_keyset_together_are_refused(api, staff_user, item):
    _auth(api, staff_user)
    response = api.get("/api/v1/items/?after=0&page=2")
    assert response.status_code == 400
    assert response.json()["after"] == ["Use either page or after, not both."]


@pytest.mark.parametrize("size", [2, 12])
def test_a_keyset_page_counts_nothing_and_its_queries_do_not_grow(
    api, staff_user, force, size, django_assert_num_queries
):
    for _ in range(size):
        factories.TrackedItemFactory(force=force)
    _auth(api, staff_user)
    # token + user's role, the page (no count), and the record of the export (audit)
    with django_assert_num_queries(4):
        assert api.get("/api/v1/items/?after=0").status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_item_list_query_count_does_not_grow(api, staff_user, force, size, django_assert_num_queries):
    for _ in range(size):
        factories.TrackedItemFactory(force=force)
    _auth(api, staff_user)
    # token + user's role, count, page (items with finding, inspection and force joined), and the
    # record of the export (audit)
    with django_assert_num_queries(5):
        assert api.get("/api/v1/items/").status_code == 200


def test_schema_and_docs_are_served_from_our_own_files(client, staff_user):
    client.force_login(staff_user)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert {"/api/v1/items/", "/api/v1/items/{id}/", "/api/v1/findings/", "/api/v1/inspections/"} <= set(
        schema.json()["paths"]
    )
    docs = client.get("/api/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    # The Content Security Policy forbids inline code: every script has a src, there is no <style>
    # element, and no element carries an inline event handler.
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(re.search(r"\bsrc=", tag) for tag in scripts), scripts
    assert "<style" not in html
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_anonymous_visitors_of_the_docs_are_sent_to_sign_in(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_token_page_creates_and_regenerates_a_token(client, liaison_user, api, item):
    client.force_login(liaison_user)
    assert "You do not have a token yet" in client.get("/api/token/").content.decode()
    client.post("/api/token/")
    first = Token.objects.get(user=liaison_user).key
    assert first in client.get("/api/token/").content.decode()
    client.post("/api/token/")
    second = Token.objects.get(user=liaison_user).key
    assert second != first
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api.get("/api/v1/items/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.get("/api/v1/items/").json()["count"] == 1


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("url", ["/api/v1/inspections/", "/api/v1/findings/"])
def test_other_lists_query_count_does_not_grow(api, liaison_user, force, size, url, django_assert_num_queries):
    for _ in range(size):
        factories.TrackedItemFactory(force=force)
    _auth(api, liaison_user)
    # token + user, role, the liaison officer's forces, count, page; the record of the export: the
    # officer's forces by name (its scope) and the insert
    with django_assert_num_queries(7):
        response = api.get(url)
    assert response.json()["count"] == size


@pytest.mark.django_db
def test_items_say_since_when_they_are_overdue_and_whether_they_arrived_so(api, staff_user, force):
    here = factories.TrackedItemFactory(force=force, finding__target_date=dt.date(2026, 3, 31))
    arrived = factories.TrackedItemFactory(
        force=force, finding__target_date=dt.date(2019, 6, 30), entered_on=dt.date(2026, 1, 5)
    )
    future = factories.TrackedItemFactory(force=force, finding__target_date=dt.date(2027, 3, 31))
    _auth(api, staff_user)
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        rows = {pk: api.get(f"/api/v1/items/{pk}/").json() for pk in (here.pk, arrived.pk, future.pk)}
    assert (rows[here.pk]["overdue_since"], rows[here.pk]["arrived_overdue"]) == ("2026-04-01", False)
    assert (rows[arrived.pk]["overdue_since"], rows[arrived.pk]["arrived_overdue"]) == ("2019-07-01", True)
    assert (rows[future.pk]["overdue_since"], rows[future.pk]["arrived_overdue"]) == (None, False)
