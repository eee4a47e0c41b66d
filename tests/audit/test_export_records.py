"""Every export leaves exactly one record (who, when, scope, query, rows); the record is
append-only, kept for EXPORT_RECORD_RETENTION_DAYS, and staff read it on a page and as CSV."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import ExportKind, ExportRecord
from audit.services import export_record_create, export_records_prune
from tests import factories

pytestmark = pytest.mark.django_db


def _overdue(force, n: int) -> list:
    return [
        factories.TrackedItemFactory(
            force=force, status="in_progress", finding=factories.FindingFactory(target_date=dt.date(2020, 1, 1 + i))
        )
        for i in range(n)
    ]


def _only_record() -> ExportRecord:
    records = list(ExportRecord.objects.all())
    assert len(records) == 1, f"expected one record, found {len(records)}"
    return records[0]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.mark.parametrize(("file_format", "kind"), [("csv", ExportKind.ITEMS_CSV), ("xlsx", ExportKind.ITEMS_XLSX)])
def test_the_recommendations_download_records_its_filtered_rows(
    client, staff_user, force, other_force, file_format, kind
):
    for _ in range(3):
        factories.TrackedItemFactory(force=force)
    factories.TrackedItemFactory(force=other_force)
    client.force_login(staff_user)
    response = client.get("/recommendations/download/", {"format": file_format, "force": force.slug})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    record = _only_record()
    assert (record.user, record.kind, record.row_count) == (staff_user, kind, 3)
    assert record.filters == {"force": [force.slug], "format": [file_format]}
    assert record.scope == "Every force and service"
    assert record.path == "/recommendations/download/"
    assert record.address == "127.0.0.1"


def test_a_liaison_officers_download_records_their_scope(client, liaison_user, force, other_force):
    factories.TrackedItemFactory(force=force)
    factories.TrackedItemFactory(force=other_force)
    client.force_login(liaison_user)
    rows = _csv_rows(client.get("/recommendations/download/", {"format": "csv"}))
    record = _only_record()
    assert record.row_count == len(rows) - 1 == 1
    assert record.scope == force.name


def test_the_meeting_pack_page_and_its_excel_each_record_their_rows(client, manager_user, force):
    _overdue(force, 4)
    client.force_login(manager_user)
    client.get("/overdue-review/meeting-pack/", {"force": force.slug})
    page_record = _only_record()
    assert (page_record.kind, page_record.row_count) == (ExportKind.MEETING_PACK, 4)
    assert page_record.filters == {"force": [force.slug]}
    response = client.get("/overdue-review/meeting-pack/", {"format": "xlsx"})
    # The record counts the detail sheet's rows (the cover and summary sheets are about them).
    detail = load_workbook(io.BytesIO(response.getvalue()))["Overdue and stale"]
    sheet_rows = len(list(detail.iter_rows())) - 1
    excel = ExportRecord.objects.exclude(pk=page_record.pk).get()
    assert (excel.kind, excel.row_count) == (ExportKind.MEETING_PACK_XLSX, sheet_rows)
    assert sheet_rows == 4


@pytest.mark.parametrize("resource", ["inspections", "findings", "items"])
def test_each_api_list_page_records_the_rows_it_returned(staff_user, force, resource):
    for _ in range(3):
        factories.TrackedItemFactory(force=force)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    body = api.get(f"/api/v1/{resource}/", {"page_size": 2, "page": 2}).json()
    record = _only_record()
    assert record.kind == ExportKind.API_LIST
    assert record.row_count == len(body["results"]) == body["count"] - 2
    assert record.filters == {"page": ["2"], "page_size": ["2"]}
    assert record.path == f"/api/v1/{resource}/"
    api.get(f"/api/v1/{resource}/{body['results'][0]['id']}/")
    assert ExportRecord.objects.count() == 1  # one object is not a list


def test_refused_and_failed_downloads_are_not_recorded(client, liaison_user):
    client.force_login(liaison_user)
    assert client.get("/overdue-review/meeting-pack/").status_code == 403
    assert client.get("/recommendations/download/", {"format": "pdf"}).status_code == 400
    assert not ExportRecord.objects.exists()


def test_the_record_cannot_be_changed(staff_user):
    record = export_record_create(
        user=staff_user, kind=ExportKind.ITEMS_CSV, path="/recommendations/download/", query={}, row_count=5
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ExportRecord.objects.filter(pk=record.pk).update(row_count=0)
    record.refresh_from_db()
    assert record.row_count == 5


def test_records_older_than_the_retention_are_pruned(staff_user, settings):
    settings.EXPORT_RECORD_RETENTION_DAYS = 30
    now = timezone.now()
    for days in (31, 29, 0):
        with time_machine.travel(now - dt.timedelta(days=days), tick=False):
            export_record_create(user=staff_user, kind=ExportKind.ITEMS_CSV, path="/x", query={}, row_count=days)
    assert export_records_prune(now=now) == 1
    assert sorted(ExportRecord.objects.values_list("row_count", flat=True)) == [0, 29]
    assert export_records_prune(now=now) == 0


def test_the_prune_job_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["prune-export-records"]
    assert entry["task"] == "audit.tasks.prune_export_records"
    from audit.tasks import prune_export_records

    assert prune_export_records.name == entry["task"]


def _records(users: list, n: int) -> None:
    for i in range(n):
        export_record_create(
            user=users[i % len(users)],
            kind=ExportKind.ITEMS_CSV if i % 2 else ExportKind.API_LIST,
            path="/recommendations/download/",
            query={},
            row_count=i,
        )


def test_staff_filter_the_record_by_user_kind_and_day(client, staff_user, manager_user, liaison_user):
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        export_record_create(user=liaison_user, kind=ExportKind.API_LIST, path="/api/v1/items/", query={}, row_count=1)
    with time_machine.travel(dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC), tick=False):
        export_record_create(user=manager_user, kind=ExportKind.ITEMS_CSV, path="/r", query={}, row_count=2)
        export_record_create(user=liaison_user, kind=ExportKind.ITEMS_XLSX, path="/r", query={}, row_count=3)
    client.force_login(staff_user)

    def counted(**query) -> int:
        return client.get("/exports/", query).context["count"]

    assert counted() == 3
    assert counted(user=liaison_user.username) == 2
    assert counted(kind="items_csv") == 1
    assert counted(since_day="2", since_month="3", since_year="2026") == 2
    assert counted(until_day="1", until_month="3", until_year="2026") == 1
    response = client.get("/exports/", {"user": liaison_user.username, "format": "csv"})
    rows = _csv_rows(response)
    assert [row[1] for row in rows[1:]] == [liaison_user.username] * 2
    downloaded = ExportRecord.objects.get(kind=ExportKind.EXPORT_RECORDS_CSV)
    assert (downloaded.user, downloaded.row_count) == (staff_user, 2)


@pytest.mark.parametrize("size", [10, 120])
def test_the_record_page_query_count_does_not_grow(client, staff_user, manager_user, size, django_assert_num_queries):
    _records([staff_user, manager_user], size)
    client.force_login(staff_user)
    # session, user, the user's role, count, one page of records with their users, and the
    # session's save (a savepoint around one update)
    with django_assert_num_queries(8):
        assert client.get("/exports/").status_code == 200


def test_a_query_with_a_nul_character_is_still_answered_and_recorded(client, staff_user):
    # PostgreSQL's jsonb refuses NUL: the record keeps the query with NUL shown as U+FFFD rather
    # than failing the API page (or the download) that it records.
    factories.TrackedItemFactory()
    client.force_login(staff_user)
    response = client.get("/api/v1/items/?unknown%00name=a%00b")
    assert response.status_code == 200
    record = _only_record()
    assert (record.kind, record.row_count) == (ExportKind.API_LIST, 1)
    assert record.filters == {"unknown\ufffdname": ["a\ufffdb"]}
