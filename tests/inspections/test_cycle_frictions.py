"""The cycle without friction: a closure claim citing evidence already attached, an extension
approved to a date of the inspectorate's choosing (never later than asked), and the status an
extended item shows."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from inspections import services
from inspections.models import ExtensionRequest, ProgressUpdate, TrackedItem

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TODAY = dt.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def pdf(name: str = "audit.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_claim_can_cite_evidence_already_attached(item, liaison_user):
    update = services.item_update_post(item=item, user=liaison_user, version=1, narrative="Audit done.", files=[pdf()])
    [attached] = update.evidence.all()
    item.refresh_from_db()
    claim = services.item_closure_submit(
        item=item, user=liaison_user, version=item.version, narrative="Met.", files=[], existing_evidence=[attached]
    )
    assert list(claim.cited_evidence.all()) == [attached]
    assert claim.evidence.count() == 0
    item.refresh_from_db()
    assert item.status == TrackedItem.Status.SUBMITTED


def test_a_claim_cannot_cite_another_items_evidence(item, other_item, liaison_user, other_liaison_user):
    theirs = services.item_update_post(
        item=other_item, user=other_liaison_user, version=1, narrative="Theirs.", files=[pdf()]
    ).evidence.get()
    with pytest.raises(services.TransitionRefused, match="only evidence already attached to this item"):
        services.item_closure_submit(
            item=item, user=liaison_user, version=1, narrative="Met.", files=[], existing_evidence=[theirs]
        )
    assert not ProgressUpdate.objects.filter(item=item).exists()


def test_the_submit_page_lists_the_items_evidence_and_accepts_it_alone(client, item, liaison_user):
    update = services.item_update_post(item=item, user=liaison_user, version=1, narrative="Audit done.", files=[pdf()])
    attached = update.evidence.get()
    item.refresh_from_db()
    client.force_login(liaison_user)
    url = reverse("inspections:item_submit", kwargs={"pk": item.pk})
    page = client.get(url).content.decode()
    assert "Evidence already attached to this item" in page and "audit.pdf (attached 2 February 2026)" in page
    nothing = client.post(url, {"version": item.version, "narrative": "Met."})
    assert nothing.status_code == 200
    assert "Attach at least one evidence file, or choose evidence already attached" in nothing.content.decode()
    response = client.post(url, {"version": item.version, "narrative": "Met.", "existing_evidence": [attached.pk]})
    assert response.status_code == 302
    claim = ProgressUpdate.objects.get(is_closure_claim=True)
    assert list(claim.cited_evidence.all()) == [attached]


@pytest.fixture
def extension(item, liaison_user):
    # Current target 31 March 2026; the force asks for 29 June 2026.
    return services.extension_request(
        item=item, user=liaison_user, version=1, requested_date=dt.date(2026, 6, 29), reason="Supplier late."
    )


def test_staff_approve_an_earlier_date_than_asked_with_a_reason(item, extension, staff_user):
    item.refresh_from_db()
    with pytest.raises(services.TransitionRefused, match="reason for approving an earlier date") as refusal:
        services.extension_decide(
            extension=extension, user=staff_user, version=item.version, approve=True, approved_date=dt.date(2026, 5, 31)
        )
    assert refusal.value.field == "note"
    services.extension_decide(
        extension=extension,
        user=staff_user,
        version=item.version,
        approve=True,
        approved_date=dt.date(2026, 5, 31),
        note="Two months is enough for the remaining training.",
    )
    item.refresh_from_db()
    extension.refresh_from_db()
    assert (item.current_target_date, item.original_target_date) == (dt.date(2026, 5, 31), dt.date(2026, 3, 31))
    assert (extension.decision, extension.approved_date) == (ExtensionRequest.Decision.APPROVED, dt.date(2026, 5, 31))


@pytest.mark.parametrize(
    ("approved", "match"),
    [
        (dt.date(2026, 7, 1), "at most the date asked for"),
        (dt.date(2026, 3, 31), "after the current one"),
        (dt.date(2026, 1, 31), "after the current one"),
    ],
)
def test_an_approved_date_outside_the_range_is_refused(item, extension, staff_user, approved, match):
    item.refresh_from_db()
    with pytest.raises(services.TransitionRefused, match=match) as refusal:
        services.extension_decide(
            extension=extension, user=staff_user, version=item.version, approve=True, approved_date=approved, note="x"
        )
    assert refusal.value.field == "approved_date"
    extension.refresh_from_db()
    assert extension.decision == ExtensionRequest.Decision.PENDING


def test_the_decide_page_takes_the_chosen_date(client, item, extension, staff_user):
    item.refresh_from_db()
    client.force_login(staff_user)
    response = client.post(
        reverse("inspections:item_extension_decide", kwargs={"pk": item.pk}),
        {
            "version": item.version,
            "approve": "approve",
            "approved_date_day": "30",
            "approved_date_month": "4",
            "approved_date_year": "2026",
            "note": "One month is enough.",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_target_date == dt.date(2026, 4, 30)


def test_an_extended_item_shows_its_true_status(item, extension, staff_user):
    item.refresh_from_db()
    services.extension_decide(extension=extension, user=staff_user, version=item.version, approve=True)
    item.refresh_from_db()
    html = Template("{% load tracker %}{% status_tag item %}").render(Context({"item": item, "today": TODAY}))
    # Never a bare "Published", as if the item had just been published: the extension shows.
    assert "Published</strong>" in html and "Extended</strong>" in html
    overdue_later = Template("{% load tracker %}{% status_tag item %}").render(
        Context({"item": item, "today": dt.date(2026, 7, 1)})
    )
    assert "Overdue</strong>" in overdue_later and "Published</strong>" in overdue_later and "Extended" in overdue_later
