import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from audit.models import ExportKind, ExportRecord
from inspections import rules
from inspections.models import Finding, Judgement, TrackedItem
from reporting.models import PaperJob
from reporting.services import paper_job_build, paper_jobs_prune
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
RECENTLY = dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)
LONG_AGO = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def _item(force, *, target, updated=RECENTLY, category=Finding.Category.RECOMMENDATION, **kwargs):
    finding = factories.FindingFactory(target_date=target, category=category, **kwargs.pop("finding", {}))
    item = factories.TrackedItemFactory(finding=finding, force=force, status="in_progress", **kwargs)
    if updated:
        factories.ProgressUpdateFactory(item=item, narrative=f"Our progress on {finding.reference}.")
        TrackedItem.objects.filter(pk=item.pk).update(last_update_at=updated)
    return item


def _judge(item, progress):
    factories.JudgementFactory(
        item=item,
        progress=progress,
        commentary="Plans exist but no change yet.",
        review__inspection=item.finding.inspection,
    )
    TrackedItem.objects.filter(pk=item.pk).update(latest_progress=progress)


@pytest.fixture
def paper_items(force, other_force):
    body = factories.GoverningBodyFactory(name="Police and Crime Commissioner for Cleveland")
    factories.GovernanceFactory(organisation=force, body=body)
    items = {
        "red_overdue": _item(force, target=dt.date(2026, 10, 1)),
        "red_judged": _item(force, target=dt.date(2027, 6, 30)),
        "amber_due": _item(force, target=dt.date(2026, 12, 31)),
        "amber_quiet": _item(force, target=dt.date(2027, 12, 31), updated=LONG_AGO),
        "green": _item(force, target=dt.date(2027, 12, 31)),
        "green_undated": _item(force, target=None, category=Finding.Category.AREA_FOR_IMPROVEMENT),
    }
    _judge(items["red_judged"], Judgement.Progress.INSUFFICIENT)
    _judge(items["green"], Judgement.Progress.GOOD)
    # Not in the paper: closed, embargoed, another force's.
    factories.TrackedItemFactory(force=force, status="complete", closed_on=TODAY, finding__reference="DONE")
    _item(
        force,
        target=dt.date(2026, 1, 1),
        finding={"reference": "SECRET", "inspection__published_on": TODAY + dt.timedelta(days=5)},
    )
    _item(other_force, target=dt.date(2026, 1, 1), finding={"reference": "THEIRS"})
    return items


def _paper(client, force) -> Document:
    response = client.get(reverse("forces:force_committee_paper", args=[force.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return Document(io.BytesIO(response.content))


def _table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _everything(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(row) for row in _table_rows(table)]
    return "\n".join(parts)


def test_the_paper_opens_and_its_rag_counts_equal_the_rule_as_a_query(client, manager_user, force, paper_items):
    client.force_login(manager_user)
    document = _paper(client, force)
    rag = next(_table_rows(t) for t in document.tables if _table_rows(t)[0] == ["Rating", "Items"])
    in_paper = {label.lower(): int(count) for label, count in rag[1:]}
    published = TrackedItem.objects.filter(force=force).filter(
        rules.published_q(today=TODAY, path="finding__inspection__")
    )
    by_query = {rating: published.filter(rules.rag_q(rating, today=TODAY)).count() for rating in rules.RAG_RATINGS}
    assert in_paper == by_query == {"red": 2, "amber": 2, "green": 2}
    # Each item's own rating (the annotation) agrees with the summary (the filters).
    ratings = [rows[-1][1] for rows in map(_table_rows, document.tables) if rows[-1][0] == "Rating"]
    assert sorted(ratings) == sorted(["Red", "Red", "Amber", "Amber", "Green", "Green"])
    annotated = dict(published.annotate(rag=rules.rag_rating(today=TODAY)).values_list("pk", "rag"))
    assert {name: annotated[item.pk] for name, item in paper_items.items()} == {
        name: name.split("_")[0] for name in paper_items
    }


def test_the_paper_names_the_force_its_body_and_the_date_and_gives_each_items_words(
    client, staff_user, force, paper_items
):
    client.force_login(staff_user)
    text = _everything(_paper(client, force))
    assert "Cleveland Police" in text and "Police and Crime Commissioner for Cleveland" in text
    assert "26 November 2026" in text
    for rule in rules.RAG_RULE.values():
        assert rule in text
    judged = paper_items["red_judged"]
    assert f"Our progress on {judged.finding.reference}." in text
    assert "Insufficient progress (review of 15 January 2026): Plans exist but no change yet." in text
    assert judged.finding.inspection.reference in text and judged.finding.inspection.title in text
    assert "Original target date | 1 October 2026" in text
    for absent in ("DONE", "SECRET", "THEIRS"):
        assert f"\n{absent}:" not in text
    assert len(re.findall(r"^Rating \| (Red|Amber|Green)$", text, flags=re.MULTILINE)) == 6
    record = ExportRecord.objects.get()
    assert (record.kind, record.row_count, record.user) == (ExportKind.COMMITTEE_PAPER, 6, staff_user)


def test_liaison_officers_produce_their_own_forces_paper_only(
    client, liaison_user, other_liaison_user, force, other_force, paper_items
):
    client.force_login(other_liaison_user)
    assert client.get(reverse("forces:force_committee_paper", args=[force.slug])).status_code == 404
    assert not ExportRecord.objects.exists()
    client.force_login(liaison_user)
    text = _everything(_paper(client, force))
    assert "Cleveland Police" in text and "THEIRS" not in text
    assert client.get(reverse("forces:force_committee_paper", args=[other_force.slug])).status_code == 404
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("forces:force_committee_paper", args=[force.slug]) in dashboard


def test_the_force_page_links_to_the_paper(client, manager_user, force):
    client.force_login(manager_user)
    page = client.get(reverse("forces:force_detail", args=[force.slug])).content.decode()
    assert reverse("forces:force_committee_paper", args=[force.slug]) in page


def test_hostile_text_is_written_as_text(client, manager_user, force):
    _item(force, target=dt.date(2027, 1, 31), finding={"text": "Bell \x07 and <w:p> and =SUM(A1)"})
    client.force_login(manager_user)
    text = _everything(_paper(client, force))
    assert "Bell  and <w:p> and =SUM(A1)" in text


def test_the_papers_queries_do_not_grow_with_its_items(client, manager_user, force):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager_user)
    counts = []
    for n in (2, 30):
        for _ in range(n):
            _judge(_item(force, target=dt.date(2027, 3, 1)), Judgement.Progress.REASONABLE)
        with CaptureQueriesContext(connection) as queries:
            _paper(client, force)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Large papers, written by the worker ----------------------------------------------------------
def _paper_url(force) -> str:
    return reverse("forces:force_committee_paper", args=[force.slug])


def _ask_the_worker(client, force, django_capture_on_commit_callbacks, *, run: bool = True) -> PaperJob:
    with django_capture_on_commit_callbacks(execute=run):
        response = client.post(_paper_url(force))
    assert response.status_code == 302
    job = PaperJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert response["Location"] == reverse("forces:committee_paper_job", args=[force.slug, job.pk])
    return job


def test_a_paper_over_the_limit_is_written_by_the_worker_and_matches_the_one_written_inline(
    client, staff_user, force, paper_items, settings, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    inline = _everything(_paper(client, force))
    settings.COMMITTEE_PAPER_INLINE_MAX_ITEMS = 5  # the force has 6 open items in published reports
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the task runs as the worker would, in this process
    page = client.get(_paper_url(force))
    assert page["Content-Type"].startswith("text/html")
    assert "lists 6 open items of published reports" in page.content.decode()
    assert ExportRecord.objects.count() == 1  # the inline paper's only: asking is not exporting

    job = _ask_the_worker(client, force, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, job.item_count, job.written, job.requested_by) == ("ready", 6, 6, staff_user)
    progress = client.get(reverse("forces:committee_paper_job", args=[force.slug, job.pk])).content.decode()
    download_url = reverse("forces:committee_paper_job_download", args=[force.slug, job.pk])
    assert "Committee paper written" in progress and download_url in progress
    response = client.get(download_url)
    assert response["Content-Disposition"] == f'attachment; filename="committee-paper-{force.slug}-2026-11-26.docx"'
    assert _everything(Document(io.BytesIO(response.content))) == inline
    record = ExportRecord.objects.order_by("-id").first()
    assert (record.kind, record.row_count, record.path) == (ExportKind.COMMITTEE_PAPER, 6, download_url)
    # Back on the paper's page, the paper just written is listed with its download.
    assert download_url in client.get(_paper_url(force)).content.decode()


def test_a_waiting_paper_shows_its_progress_and_cannot_be_downloaded_yet(
    client, manager_user, force, paper_items, settings, django_capture_on_commit_callbacks
):
    settings.COMMITTEE_PAPER_INLINE_MAX_ITEMS = 1
    client.force_login(manager_user)
    job = _ask_the_worker(client, force, django_capture_on_commit_callbacks, run=False)  # no worker yet
    page = client.get(reverse("forces:committee_paper_job", args=[force.slug, job.pk])).content.decode()
    assert "0 of 6 items written (0%)" in page and "Waiting for the worker to start." in page
    assert "js/progress.mjs" in page
    download = client.get(reverse("forces:committee_paper_job_download", args=[force.slug, job.pk]))
    assert download.status_code == 302 and download["Location"].endswith(f"/committee-paper/{job.pk}/")
    assert not ExportRecord.objects.exists()
    # The worker then writes it; the same page shows the download.
    assert paper_job_build(job_id=job.pk).state == "ready"
    assert (
        "Download the paper (Word)"
        in client.get(reverse("forces:committee_paper_job", args=[force.slug, job.pk])).content.decode()
    )
    # A second run (a task delivered twice) leaves the written paper alone.
    written = PaperJob.objects.get(pk=job.pk).finished_at
    paper_job_build(job_id=job.pk)
    assert PaperJob.objects.get(pk=job.pk).finished_at == written


def test_a_paper_is_seen_only_by_whoever_asked_for_it(
    client,
    liaison_user,
    other_liaison_user,
    staff_user,
    force,
    paper_items,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.COMMITTEE_PAPER_INLINE_MAX_ITEMS = 1
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(liaison_user)  # the force's own liaison officer may ask
    job = _ask_the_worker(client, force, django_capture_on_commit_callbacks)
    assert PaperJob.objects.get(pk=job.pk).written == 6
    urls = [
        reverse("forces:committee_paper_job", args=[force.slug, job.pk]),
        reverse("forces:committee_paper_job_download", args=[force.slug, job.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200]
    for other in (staff_user, other_liaison_user):
        client.force_login(other)
        assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(other_liaison_user)
    assert client.post(_paper_url(force)).status_code == 404
    assert PaperJob.objects.count() == 1


def test_a_failed_paper_says_so_and_offers_to_ask_again(client, manager_user, force):
    job = PaperJob.objects.create(
        force=force, requested_by=manager_user, item_count=3, state="failed", error="The paper could not be written."
    )
    client.force_login(manager_user)
    page = client.get(reverse("forces:committee_paper_job", args=[force.slug, job.pk])).content.decode()
    assert "The paper could not be written." in page and "Ask for the paper again" in page
    assert "js/progress.mjs" not in page


def test_papers_are_kept_for_the_days_configured(manager_user, force, settings):
    settings.PAPER_JOB_KEEP_DAYS = 7
    old = PaperJob.objects.create(force=force, requested_by=manager_user, item_count=1)
    PaperJob.objects.filter(pk=old.pk).update(created_at=dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC))
    recent = PaperJob.objects.create(force=force, requested_by=manager_user, item_count=1)
    assert paper_jobs_prune() == 1
    assert list(PaperJob.objects.values_list("pk", flat=True)) == [recent.pk]
