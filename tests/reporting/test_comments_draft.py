"""The draft of the local policing body's comments on a police report (reporting/papers.py): a Word
file with each of the report's findings for one force, the force's response and latest progress,
and an empty place for the body's comments; only for a police force, only what the reader may see
and only out of embargo."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from docx import Document

from accounts.roles import GROUP_NAMES, Role
from audit.models import ExportKind, ExportRecord
from forces.models import Force
from inspections.models import Finding, TrackedItem
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
PUBLISHED = dt.date(2026, 10, 1)
BODY = "Police and Crime Commissioner for Cleveland"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def _finding(inspection, reference, category, position, **kwargs):
    return factories.FindingFactory(
        inspection=inspection,
        reference=reference,
        category=category,
        position=position,
        text=f"The text of {reference}.",
        **kwargs,
    )


def _update(item, narrative, at):
    update = factories.ProgressUpdateFactory(item=item, narrative=narrative)
    type(update).objects.filter(pk=update.pk).update(created_at=at)


@pytest.fixture
def report(force, other_force):
    body = factories.GoverningBodyFactory(name=BODY, kind="pcc")
    factories.GovernanceFactory(organisation=force, body=body)
    inspection = factories.InspectionFactory(
        reference="PEEL-2026-CLE", title="An inspection of Cleveland Police", published_on=PUBLISHED
    )
    inspection.forces.add(force, other_force)
    concern = _finding(inspection, "CoC1", Finding.Category.CAUSE_OF_CONCERN, 0, target_date=None)
    answering = _finding(
        inspection, "R1", Finding.Category.RECOMMENDATION, 1, cause_of_concern=concern, target_date=dt.date(2027, 3, 31)
    )
    afi = _finding(inspection, "AFI1", Finding.Category.AREA_FOR_IMPROVEMENT, 2, target_date=None)
    done = _finding(inspection, "R2", Finding.Category.RECOMMENDATION, 3, target_date=dt.date(2026, 11, 1))
    items = {
        "concern": factories.TrackedItemFactory(finding=concern, force=force, status="in_progress"),
        "answering": factories.TrackedItemFactory(
            finding=answering,
            force=force,
            status="in_progress",
            response=TrackedItem.Response.PARTIALLY_ACCEPTED,
            response_reason="The budget allows two of the three changes.",
            responded_on=dt.date(2026, 10, 20),
            current_target_date=dt.date(2027, 6, 30),
        ),
        "afi": factories.TrackedItemFactory(finding=afi, force=force),
        "done": factories.TrackedItemFactory(
            finding=done, force=force, status="complete", closed_on=dt.date(2026, 11, 2), response="accepted"
        ),
    }
    _update(items["answering"], "An earlier plan, since replaced.", dt.datetime(2026, 10, 10, 9, tzinfo=dt.UTC))
    _update(items["answering"], "Our new plan is agreed with the PCC.", dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC))
    # Not in Cleveland's draft: the other force's item, another report's, an embargoed report's.
    theirs = factories.TrackedItemFactory(finding=answering, force=other_force, status="in_progress")
    _update(theirs, "Durham's own words.", dt.datetime(2026, 11, 4, 9, tzinfo=dt.UTC))
    factories.TrackedItemFactory(force=force, finding__text="A finding of another report.")
    embargoed = factories.InspectionFactory(reference="SECRET-2026", published_on=TODAY + dt.timedelta(days=5))
    embargoed.forces.add(force)
    factories.TrackedItemFactory(force=force, finding__inspection=embargoed, finding__text="An embargoed finding.")
    return inspection


def _url(inspection, force) -> str:
    return reverse("reporting:comments_draft", args=[inspection.pk, force.slug])


def _draft(client, inspection, force) -> Document:
    response = client.get(_url(inspection, force))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in response["Content-Disposition"]
    return Document(io.BytesIO(response.content))


def _everything(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_the_draft_names_the_body_the_force_the_report_and_the_56_day_date(client, staff_user, force, report):
    inspection = report
    client.force_login(staff_user)
    document = _draft(client, inspection, force)
    title = f"Response of the {BODY} to An inspection of Cleveland Police"
    assert document.paragraphs[0].text == title and document.core_properties.title == title
    text = _everything(document)
    assert f"Local policing body | {BODY} (police and crime commissioner)" in text
    assert "Force | Cleveland Police" in text
    assert "Report | PEEL-2026-CLE: An inspection of Cleveland Police" in text
    assert "Published | 1 October 2026" in text
    # Day 1 is publication day, so day 56 is 55 days on.
    assert "Comments to be published by | 25 November 2026 (day 56 after publication" in text
    assert "[Introduction: replace this paragraph" in text


def test_the_draft_holds_each_finding_of_the_report_for_the_force_in_order_with_its_record(
    client, staff_user, force, report
):
    inspection = report
    client.force_login(staff_user)
    document = _draft(client, inspection, force)
    assert _headings(document, 2) == [
        "Cause of concern CoC1",
        "Recommendation R1",
        "Area for improvement AFI1",
        "Recommendation R2",
    ]
    # An empty place for the body's comments under each, ready to edit.
    paragraphs = document.paragraphs
    comments = [i for i, p in enumerate(paragraphs) if p.text == f"Comments of the {BODY}"]
    assert len(comments) == 4 and all(paragraphs[i + 1].text == "" for i in comments)
    text = _everything(document)
    for reference in ("CoC1", "R1", "AFI1", "R2"):
        assert f"The text of {reference}." in text
    assert "It answers cause of concern CoC1." in text
    assert (
        "The force's response | Partially accepted (20 October 2026): The budget allows two of the three changes."
        in (text)
    )
    assert "The force's response | Pending: the force has not recorded its response yet." in text
    assert "Status | In progress" in text and "Status | Closed: complete" in text
    assert "Target date | 30 June 2027 (extended from 31 March 2027)" in text
    assert "Target date | No target date" in text
    assert "(the force's words) | 3 November 2026: Our new plan is agreed with the PCC." in text
    assert "An earlier plan" not in text
    for absent in ("Durham's own words.", "A finding of another report.", "An embargoed finding."):
        assert absent not in text
    record = ExportRecord.objects.get()
    assert (record.kind, record.row_count, record.user) == (ExportKind.COMMENTS_DRAFT, 4, staff_user)


def test_liaison_officers_produce_their_own_forces_draft_only(
    client, liaison_user, other_liaison_user, force, other_force, report
):
    inspection = report
    client.force_login(other_liaison_user)
    assert client.get(_url(inspection, force)).status_code == 404
    assert not ExportRecord.objects.exists()
    # Their own force's draft: its own item only, with no body recorded for Durham.
    text = _everything(_draft(client, inspection, other_force))
    assert "Durham's own words." in text and "Our new plan" not in text
    assert _headings(Document(io.BytesIO(client.get(_url(inspection, other_force)).content)), 2) == [
        "Recommendation R1"
    ]
    assert "Comments of the local policing body" in text
    client.force_login(liaison_user)
    assert "Our new plan is agreed with the PCC." in _everything(_draft(client, inspection, force))


def test_an_embargoed_or_unpublished_report_gives_no_findings(client, staff_user, liaison_user, force, report):
    embargoed = factories.InspectionFactory(reference="LATER", published_on=TODAY + dt.timedelta(days=5))
    planned = factories.InspectionFactory(reference="PLANNED", published_on=None)
    for inspection in (embargoed, planned):
        factories.TrackedItemFactory(force=force, finding__inspection=inspection, finding__text="Not out yet.")
        client.force_login(liaison_user)
        assert client.get(_url(inspection, force)).status_code == 404
        client.force_login(staff_user)
        text = _everything(_draft(client, inspection, force))
        assert "Not out yet." not in text
        assert "The report is not published yet" in text
    assert ExportRecord.objects.filter(row_count=0).count() == 2


def test_a_fire_report_has_no_draft_and_its_page_says_why(client, staff_user, force, report):
    fire = factories.ForceFactory(name="Cleveland Fire Brigade", kind=Force.Kind.FIRE)
    inspection = report
    fire_report = factories.InspectionFactory(published_on=PUBLISHED)
    fire_report.forces.add(fire)
    factories.TrackedItemFactory(force=fire, finding__inspection=fire_report)
    fire_liaison = factories.UserFactory(username="fire.liaison")
    fire_liaison.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
    factories.LiaisonMembershipFactory(user=fire_liaison, force=fire)
    for user in (staff_user, fire_liaison):
        client.force_login(user)
        assert client.get(_url(fire_report, fire)).status_code == 404
        page = client.get(reverse("inspections:inspection_detail", args=[fire_report.pk])).content.decode()
        assert "Cleveland Fire Brigade: no draft of comments." in page
        assert "/comments-draft/" not in page
    client.force_login(staff_user)
    # A force the report does not address has no draft either.
    assert client.get(_url(inspection, fire)).status_code == 404
    force_page = client.get(reverse("forces:force_detail", args=[fire.slug])).content.decode()
    assert "No draft of 56-day comments" in force_page and "/comments-draft/" not in force_page


def test_the_inspection_and_force_pages_link_to_each_police_forces_draft(
    client, staff_user, liaison_user, force, other_force, report
):
    inspection = report
    client.force_login(staff_user)
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
    assert _url(inspection, force) in page and _url(inspection, other_force) in page
    assert "Download a draft of the comments on this report for Cleveland Police (Word)" in page
    force_page = client.get(reverse("forces:force_detail", args=[force.slug])).content.decode()
    assert _url(inspection, force) in force_page
    # Not for the embargoed report, until its publication day.
    embargoed = next(i for i in force.inspections.all() if i.reference == "SECRET-2026")
    assert _url(embargoed, force) not in force_page
    embargoed_page = client.get(reverse("inspections:inspection_detail", args=[embargoed.pk])).content.decode()
    assert "Available from the report's publication day" in embargoed_page
    assert _url(embargoed, force) not in embargoed_page
    # A liaison officer sees the link for their own force only.
    client.force_login(liaison_user)
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
    assert _url(inspection, force) in page and _url(inspection, other_force) not in page
