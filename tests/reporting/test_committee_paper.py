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
