"""An item's page and its action pages, end to end: what each role sees, the concurrent edit,
uploads through the form, downloads, and the finding page's roll-up and query count."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import services
from inspections.models import EvidenceFile, ItemEvent, ProgressUpdate, TrackedItem
from notifications.services import messages_deliver
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def url(name: str, item: TrackedItem) -> str:
    return reverse(f"inspections:{name}", kwargs={"pk": item.pk})


def test_the_item_page_shows_dates_judgement_and_timeline_newest_first(client, item, liaison_user, staff_user, clock):
    services.item_response_record(item=item, user=liaison_user, version=1, response="accepted")
    clock.shift(60)
    services.item_update_post(
        item=item,
        user=liaison_user,
        version=2,
        narrative="Training begun.",
        files=[SimpleUploadedFile("Audit.pdf", PDF)],
    )
    clock.shift(60)
    review = factories.FollowUpReviewFactory(inspection=item.finding.inspection, reviewer=staff_user)
    services.review_judgements_save(
        review=review,
        version=review.version,
        user=staff_user,
        rows=[services.JudgementRow(item=item, progress="good", commentary="Solid.")],
    )
    client.force_login(liaison_user)
    response = client.get(url("item_detail", item))
    assert response.status_code == 200
    page = response.content.decode()
    assert "31 March 2026" in page and "due in 57 days" in page
    assert "Good progress" in page and "Never extended" in page
    evidence = EvidenceFile.objects.get()
    assert reverse("inspections:evidence_download", kwargs={"pk": evidence.pk}) in page
    titles = [t for t in ("Progress judged", "Progress update", "Response recorded") if t in page]
    assert titles == ["Progress judged", "Progress update", "Response recorded"]
    assert page.index("Progress judged") < page.index("Training begun.") < page.index("Response recorded")
    assert "Change history" in page
    # The force's buttons, and none of the inspectorate's.
    assert "Post a progress update" in page and "Ask for more time" in page
    assert "Close as" not in page and "Reopen" not in page


def test_days_overdue_against_both_dates(client, staff_user, force):
    item = factories.TrackedItemFactory(
        force=force,
        original_target_date=dt.date(2025, 12, 31),
        current_target_date=dt.date(2026, 1, 31),
        extension_count=1,
    )
    client.force_login(staff_user)
    page = client.get(url("item_detail", item)).content.decode()
    assert "2 against the current target, 33 against the original" in page
    assert "Extended 1 time" in page
    assert "Close as" in page and "Post a progress update" not in page


def test_a_manager_sees_no_action_buttons(client, manager_user, item):
    client.force_login(manager_user)
    page = client.get(url("item_detail", item)).content.decode()
    assert "govuk-button" not in page.split("<h1")[1].split("What happened")[0]


def test_the_concurrent_edit_keeps_what_the_second_person_typed(client, item, liaison_user):
    other = factories.UserFactory(username="second.liaison")
    other.groups.add(*liaison_user.groups.all())
    factories.LiaisonMembershipFactory(user=other, force=item.force)
    first, second = client, client.__class__()
    first.force_login(liaison_user)
    second.force_login(other)
    # Both load the form at version 1.
    for c in (first, second):
        assert 'name="version" value="1"' in c.get(url("item_update", item)).content.decode()
    assert first.post(url("item_update", item), {"version": "1", "narrative": "First account."}).status_code == 302
    response = second.post(url("item_update", item), {"version": "1", "narrative": "Second account, typed at length."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This item was changed by someone else while you were working on it" in page
    assert "Second account, typed at length." in page
    assert 'name="version" value="2"' in page  # a deliberate resubmission is now possible
    assert list(ProgressUpdate.objects.values_list("narrative", flat=True)) == ["First account."]
    item.refresh_from_db()
    assert item.version == 2


def test_two_staff_deciding_at_once(client, item, staff_user):
    TrackedItem.objects.filter(pk=item.pk).update(status="submitted", submitted_on=dt.date(2026, 1, 30))
    client.force_login(staff_user)
    accept = {"version": "1", "decision": "accept", "note": "Verified."}
    back = {"version": "1", "decision": "return", "note": "Evidence covers one district only."}
    assert client.post(url("item_verify", item), accept).status_code == 302
    response = client.post(url("item_verify", item), back)
    assert "changed by someone else" in response.content.decode()
    assert "Evidence covers one district only." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "complete"


def test_an_executable_uploaded_as_pdf_is_refused_with_a_message(client, item, liaison_user, settings):
    client.force_login(liaison_user)
    response = client.post(
        url("item_submit", item),
        {"version": "1", "narrative": "Done.", "files": SimpleUploadedFile("evidence.pdf", ELF)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "evidence.pdf must be a PDF, Word or Excel document" in page
    assert "There is a problem" in page and "Done." in page
    assert not EvidenceFile.objects.exists() and not (settings.MEDIA_ROOT / "evidence").exists()
    item.refresh_from_db()
    assert (item.status, item.version) == ("published", 1)


def test_submitting_through_the_page_emails_staff(
    client, item, liaison_user, staff_user, django_capture_on_commit_callbacks
):
    client.force_login(liaison_user)
    data = {
        "version": "1",
        "narrative": "Done.",
        "files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("item_submit", item), data)
    assert response.status_code == 302
    assert EvidenceFile.objects.count() == 2
    messages_deliver()
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    follow = client.get(response["Location"]).content.decode()
    assert "Submitted for closure: the inspectorate will verify it" in follow


def test_a_refused_transition_shows_its_message_beside_the_field(client, item, staff_user):
    client.force_login(staff_user)
    response = client.post(url("item_close", item), {"version": "1", "status": "superseded", "note": "Replaced."})
    page = response.content.decode()
    assert "Choose the item that supersedes this one" in page
    item.refresh_from_db()
    assert item.status == "published" and not ItemEvent.objects.filter(item=item).exists()


def test_the_superseding_item_is_named_by_its_references_and_a_wrong_one_is_explained(client, item, staff_user):
    successor = factories.TrackedItemFactory(
        finding=factories.FindingFactory(
            inspection=factories.InspectionFactory(reference="PEEL-2027-CLE"), reference="R2"
        ),
        force=item.force,
    )
    factories.TrackedItemFactory(finding=successor.finding, force=factories.ForceFactory(name="Durham Constabulary"))
    client.force_login(staff_user)
    page = client.get(url("item_close", item)).content.decode()
    assert "<select" not in page.split('name="superseded_by"')[0].rsplit("<", 1)[-1]
    data = {"version": "1", "status": "superseded", "note": "Replaced."}
    response = client.post(url("item_close", item), data | {"superseded_by": "PEEL-2027-CLE R9"})
    assert f"{item.force.name} has no finding R9 of an inspection PEEL-2027-CLE" in response.content.decode()
    assert "PEEL-2027-CLE R9" in response.content.decode()  # what was typed is kept
    item.refresh_from_db()
    assert item.status == "published"
    response = client.post(url("item_close", item), data | {"superseded_by": "  peel-2027-cle   r2 "})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.superseded_by) == ("superseded", successor)


def test_verifying_an_item_not_submitted_explains_why(client, item, staff_user):
    client.force_login(staff_user)
    response = client.post(url("item_verify", item), {"version": "1", "decision": "accept", "note": "ok"})
    assert "Only an item submitted for closure can be verified" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "published"


def test_extension_dates_through_the_form(client, item, liaison_user):
    client.force_login(liaison_user)
    data = {
        "version": "1",
        "reason": "Late.",
        "requested_date_day": "1",
        "requested_date_month": "3",
        "requested_date_year": "2026",
    }
    page = client.post(url("item_extension_request", item), data).content.decode()
    assert "must be after the current one, 31 March 2026" in page and "Late." in page
    data["requested_date_year"] = "2027"
    assert client.post(url("item_extension_request", item), data).status_code == 302
    assert item.extensions.get().requested_date == dt.date(2027, 3, 1)


def test_evidence_downloads_as_an_attachment_with_its_name(client, item, liaison_user, other_liaison_user):
    update = services.item_update_post(
        item=item, user=liaison_user, version=1, narrative="x", files=[SimpleUploadedFile("Plan v2.pdf", PDF)]
    )
    evidence = update.evidence.get()
    link = reverse("inspections:evidence_download", kwargs={"pk": evidence.pk})
    client.force_login(liaison_user)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Plan v2.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(other_liaison_user)
    assert client.get(link).status_code == 404


def _national_finding(forces: int):
    finding = factories.FindingFactory(target_date=dt.date(2025, 12, 31))
    for n in range(forces):
        force = factories.ForceFactory(name=f"Force {forces}-{n:02}")
        status = "published"
        extra = {}
        if n < forces * 31 // 43:
            status, extra = "complete", {"closed_on": dt.date(2025, 11, 1)}
        factories.TrackedItemFactory(finding=finding, force=force, status=status, latest_progress="good", **extra)
    return finding


@pytest.mark.parametrize("forces", [5, 43])
def test_the_finding_page_rolls_up_in_a_fixed_number_of_queries(client, staff_user, forces, django_assert_num_queries):
    finding = _national_finding(forces)
    client.force_login(staff_user)
    link = reverse("inspections:finding_detail", kwargs={"pk": finding.pk})
    client.get(link)  # warm the session
    # The session, the user, their role, the finding, its items; then the session's save (the
    # project renews it on every request: a savepoint, the update, the release).
    with django_assert_num_queries(10):  # +2: its themes, and the earlier findings worded alike
        response = client.get(link)
    page = response.content.decode()
    complete = forces * 31 // 43
    assert f"{complete} of {forces} forces complete, {forces - complete} overdue" in page
    assert page.count("govuk-tag--green") >= complete


def test_the_national_roll_up_line(client, staff_user):
    finding = _national_finding(43)
    client.force_login(staff_user)
    page = client.get(reverse("inspections:finding_detail", kwargs={"pk": finding.pk})).content.decode()
    assert "31 of 43 forces complete, 12 overdue" in page


def test_a_liaison_officer_sees_only_their_forces_row(client, liaison_user, force, other_force):
    finding = factories.FindingFactory()
    factories.TrackedItemFactory(finding=finding, force=force)
    factories.TrackedItemFactory(finding=finding, force=other_force)
    client.force_login(liaison_user)
    page = client.get(reverse("inspections:finding_detail", kwargs={"pk": finding.pk})).content.decode()
    assert force.name in page and other_force.name not in page
    assert "0 of 1 force complete" in page


@pytest.mark.parametrize("updates", [1, 12])
def test_the_item_page_costs_the_same_however_long_its_timeline(
    client, item, liaison_user, staff_user, updates, django_assert_num_queries
):
    for n in range(updates):
        services.item_update_post(
            item=item,
            user=liaison_user,
            version=n + 1,
            narrative=f"Update {n}.",
            files=[SimpleUploadedFile(f"e{n}.pdf", PDF), SimpleUploadedFile(f"f{n}.pdf", PDF)],
        )
    review = factories.FollowUpReviewFactory(inspection=item.finding.inspection, reviewer=staff_user)
    services.review_judgements_save(
        review=review, version=review.version, user=staff_user, rows=[services.JudgementRow(item, "good")]
    )
    client.force_login(staff_user)
    client.get(url("item_detail", item))
    # Session, user, role, item, pending extension, events, updates, evidence, evidence cited by a
    # claim, judgements, history; then the session's save (savepoint, update, release).
    with django_assert_num_queries(14):
        response = client.get(url("item_detail", item))
    assert response.content.decode().count("inspections/evidence/") == 0
    assert response.content.decode().count('class="moj-timeline__document-link') == 2 * updates


def test_a_returned_claim_shows_its_reason_until_the_force_submits_again(client, item, liaison_user, staff_user, clock):
    services.item_closure_submit(
        item=item, user=liaison_user, version=1, narrative="Done.", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    clock.shift(60)
    services.item_closure_verify(item=item, user=staff_user, version=2, accept=False, note="One district only.")
    client.force_login(liaison_user)
    page = client.get(url("item_detail", item)).content.decode()
    assert "The inspectorate returned the claim on 2 February 2026: One district only." in page
    clock.shift(60)
    services.item_closure_submit(
        item=item, user=liaison_user, version=3, narrative="All districts.", files=[SimpleUploadedFile("b.pdf", PDF)]
    )
    assert "The inspectorate returned the claim" not in client.get(url("item_detail", item)).content.decode()
