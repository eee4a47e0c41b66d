"""Recurring findings (text similarity), themes and public comments."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import selectors, services
from inspections.models import Finding, ItemEvent, Theme, TrackedItem
from tests import factories

pytestmark = pytest.mark.django_db

# Wording of our own in the style of published areas for improvement: the same recommendation put
# two ways, and a different one that shares the opening words.
SAME_A = (
    "The force should further develop its system to monitor and respond to disproportionality in its vetting decisions."
)
SAME_B = "The force should introduce a system to monitor and respond to disproportionality in vetting decisions."
DIFFERENT = "The force should improve how it shares data with partner organisations."


def test_the_python_similarity_is_pg_trgm_similarity():
    assert selectors.text_trigrams("Cat") == {"  c", " ca", "cat", "at "}
    assert selectors.text_similarity("word", "word") == 1.0
    assert selectors.text_similarity(SAME_A, SAME_B) >= selectors.RECURRENCE_THRESHOLD
    assert selectors.text_similarity(SAME_A, DIFFERENT) < selectors.RECURRENCE_THRESHOLD


def test_similar_findings_are_found_most_alike_first_and_summarised(force, other_force):
    early = factories.InspectionFactory(published_on=dt.date(2019, 3, 1))
    later = factories.InspectionFactory(published_on=dt.date(2023, 3, 1))
    first = factories.FindingFactory(inspection=early, text=SAME_B)
    second = factories.FindingFactory(inspection=later, text=SAME_A + " Quickly.")
    factories.FindingFactory(inspection=later, text=DIFFERENT)
    factories.TrackedItemFactory(finding=first, force=force, status="complete", closed_on=dt.date(2020, 1, 1))
    factories.TrackedItemFactory(finding=second, force=other_force)
    similar = selectors.findings_similar(text=SAME_A, findings=Finding.objects.all())
    assert [entry.finding for entry in similar] == [second, first]
    summary = selectors.recurrence_summary(similar=similar, items=TrackedItem.objects.all())
    assert (summary.times, summary.forces, summary.since, summary.still_open) == (2, 2, 2019, 1)
    assert selectors.findings_similar(text="Nothing like it at all", findings=Finding.objects.all()) == []


def test_past_the_nearest_scored_the_most_alike_still_come_first():
    """More findings worded exactly alike than PostgreSQL scores (RECURRENCE_NEAREST), and fewer
    worded nearly alike: every one shown is above the threshold, the exact ones first."""
    inspection = factories.InspectionFactory(published_on=dt.date(2021, 6, 1))
    Finding.objects.bulk_create(
        Finding(inspection=inspection, reference=f"AFI{n}", text=SAME_A, position=n)
        for n in range(selectors.RECURRENCE_NEAREST + 5)
    )
    near = factories.FindingFactory(inspection=inspection, text=SAME_B)
    factories.FindingFactory(inspection=inspection, text=DIFFERENT)
    similar = selectors.findings_similar(text=SAME_A, findings=Finding.objects.all())
    assert len(similar) == selectors.RECURRENCE_LIMIT
    assert {entry.finding.text for entry in similar} == {SAME_A}
    assert all(entry.similarity == 1.0 for entry in similar)
    # With fewer exact ones the near one follows them.
    Finding.objects.filter(text=SAME_A).exclude(reference__in=["AFI0", "AFI1"]).delete()
    similar = selectors.findings_similar(text=SAME_A, findings=Finding.objects.all())
    assert [entry.finding.text for entry in similar] == [SAME_A, SAME_A, SAME_B]
    assert similar[-1].finding == near
    assert similar[-1].similarity == pytest.approx(selectors.text_similarity(SAME_A, SAME_B), abs=1e-6)


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="PostgreSQL's trigram index; run with DATABASE_URL=postgres://... (CI does)",
)
def test_on_postgresql_the_nearest_texts_are_read_from_the_gist_index():
    factories.FindingFactory(text=SAME_B)
    with CaptureQueriesContext(connection) as queries:
        similar = selectors.findings_similar(text=SAME_A, findings=Finding.objects.all())
    assert len(similar) == 1
    (sql,) = [query["sql"] for query in queries.captured_queries if "<->" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: a table scan would be cheaper
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "finding_text_trgm_gist_idx" in plan
    assert "Order By" in plan


def test_the_finding_page_shows_earlier_similar_findings(client, staff_user, force):
    early = factories.FindingFactory(
        inspection=factories.InspectionFactory(published_on=dt.date(2019, 3, 1)), text=SAME_B
    )
    now = factories.FindingFactory(
        inspection=factories.InspectionFactory(published_on=dt.date(2024, 3, 1)), text=SAME_A
    )
    factories.TrackedItemFactory(finding=early, force=force)
    client.force_login(staff_user)
    body = client.get(reverse("inspections:finding_detail", kwargs={"pk": now.pk})).content.decode()
    assert "Made 1 time before, to 1 force since 2019; 1 still open." in " ".join(body.split())
    # Later findings are not "earlier".
    body = client.get(reverse("inspections:finding_detail", kwargs={"pk": early.pk})).content.decode()
    assert "No earlier finding is worded like this one" in body


def test_staff_manage_themes_and_tag_findings(staff_user, manager_user):
    theme = services.theme_save(user=staff_user, name="Roads policing", description="Roads")
    assert theme.slug == "roads-policing"
    with pytest.raises(services.TransitionRefused, match="already a theme"):
        services.theme_save(user=staff_user, name="roads POLICING")
    renamed = services.theme_save(user=staff_user, name="Roads and traffic", theme=theme)
    assert renamed.slug == "roads-policing"
    finding = factories.FindingFactory()
    services.finding_themes_set(finding=finding, user=staff_user, themes=[theme])
    assert list(finding.themes.all()) == [theme]
    with pytest.raises(PermissionDenied):
        services.finding_themes_set(finding=finding, user=manager_user, themes=[])
    assert list(finding.themes.all()) == [theme]


def test_lists_and_dashboard_filter_by_theme(client, staff_user, force):
    theme = Theme.objects.get_or_create(slug="custody", defaults={"name": "Custody"})[0]
    tagged = factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(text="Custody checks"))
    tagged.finding.themes.add(theme)
    factories.TrackedItemFactory(force=force, finding=factories.FindingFactory(text="Other thing"))
    client.force_login(staff_user)
    body = client.get(reverse("inspections:item_list") + "?theme=custody").content.decode()
    assert "Custody checks" in body and "Other thing" not in body
    dashboard = client.get(reverse("dashboard") + "?theme=custody").content.decode()
    assert 'id="by-theme"' in dashboard and "Custody" in dashboard
    assert "Implementation rates" in dashboard
    api = client.get("/api/v1/items/?theme=custody").json()
    assert [row["id"] for row in api["results"]] == [tagged.pk]


def test_public_comments_are_kept_apart_from_internal_notes(staff_user, item):
    event = services.item_close(
        item=item,
        user=staff_user,
        version=item.version,
        status="withdrawn",
        note="internal",
        public_comment="  Public.  ",
    )
    assert (event.note, event.public_comment) == ("internal", "Public.")
    review = factories.FollowUpReviewFactory(inspection=item.finding.inspection)
    item.refresh_from_db()
    services.review_judgements_save(
        review=review,
        version=review.version,
        user=staff_user,
        rows=[
            services.JudgementRow(item=item, progress="good", commentary="internal view", public_comment="Good work.")
        ],
    )
    judged = ItemEvent.objects.get(item=item, kind=ItemEvent.Kind.JUDGED)
    assert judged.public_comment == "Good work." and "internal view" in judged.note


def test_the_verify_page_offers_a_public_comment(client, staff_user, item, liaison_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile(
        "a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )
    services.item_closure_submit(item=item, user=liaison_user, version=item.version, narrative="done", files=[pdf])
    item.refresh_from_db()
    client.force_login(staff_user)
    url = reverse("inspections:item_verify", kwargs={"pk": item.pk})
    assert 'name="public_comment"' in client.get(url).content.decode()
    client.post(
        url, {"version": item.version, "decision": "accept", "note": "ok", "public_comment": "Verified in public."}
    )
    assert ItemEvent.objects.get(item=item, kind=ItemEvent.Kind.CLOSED).public_comment == "Verified in public."
