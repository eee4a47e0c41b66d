"""Every transition of an item, allowed and refused. A refused one changes nothing: the row is
compared before and after, from the database."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.models import model_to_dict

from inspections import services
from inspections.models import EvidenceFile, ExtensionRequest, ItemEvent, ProgressUpdate, TrackedItem
from notifications.models import Message
from notifications.services import messages_deliver
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 2, 2)
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def row(item: TrackedItem) -> dict:
    return model_to_dict(TrackedItem.objects.get(pk=item.pk))


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def ooxml(name: str, main: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/x.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def set_status(item: TrackedItem, status: str, **extra) -> TrackedItem:
    closed = status in TrackedItem.CLOSED_STATUSES
    TrackedItem.objects.filter(pk=item.pk).update(
        status=status,
        submitted_on=TODAY if status == "submitted" else None,
        closed_on=TODAY if closed else None,
        **extra,
    )
    item.refresh_from_db()
    return item


def refused(callable_, *, item: TrackedItem, exception=services.TransitionRefused, match: str | None = None):
    """Call, expect a refusal, and check that the item's row and its timeline did not change."""
    before = row(item)
    events = ItemEvent.objects.filter(item=item).count()
    with pytest.raises(exception, match=match):
        callable_()
    assert row(item) == before
    assert ItemEvent.objects.filter(item=item).count() == events
    return before


# --- The response ------------------------------------------------------------------------------


def test_liaison_records_an_acceptance(item, liaison_user):
    event = services.item_response_record(item=item, user=liaison_user, version=1, response="accepted")
    item.refresh_from_db()
    assert (item.response, item.responded_on, item.version) == ("accepted", TODAY, 2)
    assert event.kind == ItemEvent.Kind.RESPONSE and event.actor == liaison_user
    latest = item.history.first()
    assert latest.history_user == liaison_user and latest.response == "accepted"


def test_a_partial_acceptance_keeps_its_reason(item, liaison_user):
    services.item_response_record(
        item=item, user=liaison_user, version=1, response="partially_accepted", reason="Budget allows half."
    )
    item.refresh_from_db()
    assert (item.response, item.response_reason) == ("partially_accepted", "Budget allows half.")


@pytest.mark.parametrize("response", ["partially_accepted", "not_accepted"])
def test_a_partial_acceptance_or_refusal_without_a_reason_is_refused(item, liaison_user, response):
    refused(
        lambda: services.item_response_record(item=item, user=liaison_user, version=1, response=response, reason="  "),
        item=item,
        match="reason",
    )


@pytest.mark.parametrize("who", ["staff_user", "manager_user", "other_liaison_user"])
def test_only_the_forces_liaison_officer_records_the_response(item, who, request):
    user = request.getfixturevalue(who)
    refused(
        lambda: services.item_response_record(item=item, user=user, version=1, response="accepted"),
        item=item,
        exception=PermissionDenied,
    )


def test_no_response_on_a_closed_item(item, liaison_user):
    set_status(item, "withdrawn")
    refused(
        lambda: services.item_response_record(item=item, user=liaison_user, version=1, response="accepted"),
        item=item,
        match="already closed",
    )


# --- Progress updates and evidence ---------------------------------------------------------------------------


def test_an_update_with_evidence_moves_a_published_item_to_in_progress(item, liaison_user, settings):
    update = services.item_update_post(
        item=item, user=liaison_user, version=1, narrative="Training begun.", files=[pdf("Audit 2026.pdf")]
    )
    item.refresh_from_db()
    assert item.status == "in_progress" and item.version == 2 and item.last_update_at is not None
    evidence = EvidenceFile.objects.get(update=update)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "Audit 2026.pdf",
        "application/pdf",
        len(PDF),
    )
    assert len(evidence.sha256) == 64
    assert not evidence.file.name.endswith(".pdf")  # the stored name is not the uploaded one
    with evidence.file.open("rb") as handle:
        assert handle.read() == PDF
    assert str(settings.MEDIA_ROOT) in evidence.file.path


def test_word_excel_and_images_are_accepted_from_their_bytes(item, liaison_user):
    files = [
        ooxml("plan.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
        ooxml("figures.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        SimpleUploadedFile("photo.png", PNG),
    ]
    update = services.item_update_post(item=item, user=liaison_user, version=1, narrative="Plan.", files=files)
    assert sorted(update.evidence.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("payload", "mime"),
    [
        (OLE + b"\xec\xa5\xc1\x00" + b"\x00" * 100, "application/msword"),
        (OLE + b"\x00" * 3000 + "WordDocument".encode("utf-16-le") + b"\x00" * 40, "application/msword"),
        (OLE + b"\x00" * 3000 + "Workbook".encode("utf-16-le") + b"\x00" * 40, "application/vnd.ms-excel"),
    ],
    ids=["doc-signature", "doc-directory", "xls-directory"],
)
def test_legacy_word_and_excel_files_are_accepted(item, liaison_user, payload, mime):
    update = services.item_update_post(
        item=item, user=liaison_user, version=1, narrative="x", files=[SimpleUploadedFile("old.doc", payload)]
    )
    assert update.evidence.get().content_type == mime


def test_an_ole_file_that_is_neither_word_nor_excel_is_refused(item, liaison_user):
    refused(
        lambda: services.item_update_post(
            item=item, user=liaison_user, version=1, narrative="x", files=[SimpleUploadedFile("setup.doc", OLE * 4)]
        ),
        item=item,
        match="setup.doc must be",
    )


@pytest.mark.parametrize("payload", [ELF, MZ, b"just some text, named as a PDF"], ids=["elf", "mz", "text"])
def test_an_executable_named_pdf_is_refused_and_nothing_is_stored(item, liaison_user, settings, payload):
    refused(
        lambda: services.item_update_post(
            item=item,
            user=liaison_user,
            version=1,
            narrative="See attached.",
            files=[pdf(), SimpleUploadedFile("report.pdf", payload, content_type="application/pdf")],
        ),
        item=item,
        match="report.pdf must be a PDF, Word or Excel document",
    )
    assert not ProgressUpdate.objects.filter(item=item).exists()
    assert not EvidenceFile.objects.exists()
    assert not (settings.MEDIA_ROOT / "evidence").exists()


def test_an_oversize_file_is_refused(item, liaison_user, settings):
    settings.EVIDENCE_MAX_BYTES = 40
    refused(
        lambda: services.item_update_post(item=item, user=liaison_user, version=1, narrative="x", files=[pdf()]),
        item=item,
        match="larger than",
    )
    assert not EvidenceFile.objects.exists()


def test_an_update_needs_a_narrative(item, liaison_user):
    refused(
        lambda: services.item_update_post(item=item, user=liaison_user, version=1, narrative="   "),
        item=item,
        match="Enter the progress update",
    )


def test_no_update_on_a_closed_item(item, liaison_user):
    set_status(item, "complete")
    refused(
        lambda: services.item_update_post(item=item, user=liaison_user, version=1, narrative="More."),
        item=item,
    )


def test_staff_do_not_post_the_forces_updates(item, staff_user):
    refused(
        lambda: services.item_update_post(item=item, user=staff_user, version=1, narrative="x"),
        item=item,
        exception=PermissionDenied,
    )


# --- Submitting for closure ----------------------------------------------------------------------------------


def test_submit_for_closure_tells_staff(item, liaison_user, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.item_closure_submit(item=item, user=liaison_user, version=1, narrative="Done.", files=[pdf()])
    item.refresh_from_db()
    assert (item.status, item.submitted_on) == ("submitted", TODAY)
    assert ProgressUpdate.objects.get(item=item).is_closure_claim
    message = Message.objects.get(reason="submitted")
    assert message.recipient == staff_user
    messages_deliver()
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    assert "submitted" in mail.outbox[0].subject and "Done." in mail.outbox[0].body


def test_submit_needs_evidence(item, liaison_user):
    refused(
        lambda: services.item_closure_submit(item=item, user=liaison_user, version=1, narrative="Done.", files=[]),
        item=item,
        match="at least one evidence file",
    )


def test_submit_needs_a_narrative(item, liaison_user):
    refused(
        lambda: services.item_closure_submit(item=item, user=liaison_user, version=1, narrative="", files=[pdf()]),
        item=item,
    )


def test_an_item_already_submitted_cannot_be_submitted_again(item, liaison_user):
    set_status(item, "submitted")
    refused(
        lambda: services.item_closure_submit(item=item, user=liaison_user, version=1, narrative="x", files=[pdf()]),
        item=item,
        match="already submitted",
    )


def test_staff_cannot_submit_for_the_force(item, staff_user):
    refused(
        lambda: services.item_closure_submit(item=item, user=staff_user, version=1, narrative="x", files=[pdf()]),
        item=item,
        exception=PermissionDenied,
    )


# --- Asking for more time -------------------------------------------------------------------------------------


def test_an_extension_request_waits_for_staff(item, liaison_user, staff_user):
    services.extension_request(
        item=item, user=liaison_user, version=1, requested_date=dt.date(2026, 9, 30), reason="System late."
    )
    extension = ExtensionRequest.objects.get(item=item)
    assert (extension.previous_target_date, extension.requested_date, extension.decision) == (
        dt.date(2026, 3, 31),
        dt.date(2026, 9, 30),
        "pending",
    )
    item.refresh_from_db()
    assert item.current_target_date == dt.date(2026, 3, 31)  # unchanged until approved
    assert Message.objects.get(reason="extension_requested").recipient == staff_user


@pytest.mark.parametrize(
    ("requested", "match"),
    [(dt.date(2026, 3, 31), "after the current one"), (dt.date(2026, 1, 1), "after the current one"), (None, "Enter")],
)
def test_an_extension_must_move_the_date_later(item, liaison_user, requested, match):
    refused(
        lambda: services.extension_request(
            item=item, user=liaison_user, version=1, requested_date=requested, reason="x"
        ),
        item=item,
        match=match,
    )
    assert not ExtensionRequest.objects.exists()


def test_an_extension_to_a_past_date_is_refused(liaison_user, force):
    item = factories.TrackedItemFactory(
        force=force, original_target_date=dt.date(2025, 6, 30), current_target_date=dt.date(2025, 6, 30)
    )
    refused(
        lambda: services.extension_request(
            item=item, user=liaison_user, version=1, requested_date=dt.date(2025, 12, 31), reason="x"
        ),
        item=item,
        match="in the future",
    )


def test_an_extension_needs_a_reason(item, liaison_user):
    refused(
        lambda: services.extension_request(
            item=item, user=liaison_user, version=1, requested_date=dt.date(2026, 9, 30), reason=" "
        ),
        item=item,
        match="reason",
    )


def test_one_pending_extension_at_a_time(item, liaison_user):
    factories.ExtensionRequestFactory(item=item, requested_by=liaison_user)
    refused(
        lambda: services.extension_request(
            item=item, user=liaison_user, version=1, requested_date=dt.date(2026, 9, 30), reason="x"
        ),
        item=item,
        match="already awaits",
    )


# --- Verifying a claim -----------------------------------------------------------------------------------------


def test_accepting_a_claim_closes_it_complete(item, liaison_user, staff_user, django_capture_on_commit_callbacks):
    set_status(item, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        services.item_closure_verify(item=item, user=staff_user, version=1, accept=True, note="Audit confirms it.")
    item.refresh_from_db()
    assert (item.status, item.closed_on, item.closed_by, item.closing_note, item.submitted_on) == (
        "complete",
        TODAY,
        staff_user,
        "Audit confirms it.",
        None,
    )
    messages_deliver()
    assert [m.to for m in mail.outbox] == [[liaison_user.email]]
    assert "closed" in mail.outbox[0].subject


def test_returning_a_claim_tells_the_force_why(item, liaison_user, staff_user, django_capture_on_commit_callbacks):
    set_status(item, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        event = services.item_closure_verify(
            item=item, user=staff_user, version=1, accept=False, note="The audit covers one district only."
        )
    item.refresh_from_db()
    assert (item.status, item.submitted_on, item.closed_on) == ("in_progress", None, None)
    assert (event.kind, event.from_status, event.to_status) == ("returned", "submitted", "in_progress")
    message = Message.objects.get(reason="returned")
    assert message.recipient == liaison_user and "one district only" in message.body
    assert message.key == f"{liaison_user.pk}:returned:{item.pk}:{event.pk}"
    messages_deliver()
    assert len(mail.outbox) == 1


def test_only_a_submitted_item_is_verified(item, staff_user):
    refused(
        lambda: services.item_closure_verify(item=item, user=staff_user, version=1, accept=True, note="ok"),
        item=item,
        match="submitted for closure",
    )


@pytest.mark.parametrize("accept", [True, False])
def test_verifying_needs_a_note(item, staff_user, accept):
    set_status(item, "submitted")
    refused(
        lambda: services.item_closure_verify(item=item, user=staff_user, version=1, accept=accept, note=""),
        item=item,
    )


@pytest.mark.parametrize("who", ["liaison_user", "manager_user"])
def test_a_liaison_officer_or_manager_cannot_verify(item, who, request):
    set_status(item, "submitted")
    user = request.getfixturevalue(who)
    refused(
        lambda: services.item_closure_verify(item=item, user=user, version=1, accept=True, note="mine"),
        item=item,
        exception=PermissionDenied,
    )


# --- Deciding extensions ----------------------------------------------------------------------------------------


def _pending(item, liaison_user, requested=dt.date(2026, 9, 30)):
    return factories.ExtensionRequestFactory(item=item, requested_by=liaison_user, requested_date=requested)


def test_approval_moves_the_current_date_never_the_original(
    item, liaison_user, staff_user, django_capture_on_commit_callbacks
):
    extension = _pending(item, liaison_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.extension_decide(extension=extension, user=staff_user, version=1, approve=True)
    item.refresh_from_db()
    assert (item.original_target_date, item.current_target_date, item.extension_count) == (
        dt.date(2026, 3, 31),
        dt.date(2026, 9, 30),
        1,
    )
    extension.refresh_from_db()
    assert (extension.decision, extension.decided_by) == ("approved", staff_user)
    messages_deliver()
    assert [m.to for m in mail.outbox] == [[liaison_user.email]]
    assert "approved" in mail.outbox[0].subject


def test_refusal_keeps_the_date_and_tells_the_force(item, liaison_user, staff_user):
    extension = _pending(item, liaison_user)
    services.extension_decide(extension=extension, user=staff_user, version=1, approve=False, note="No reason given.")
    item.refresh_from_db()
    assert (item.current_target_date, item.extension_count) == (dt.date(2026, 3, 31), 0)
    assert ExtensionRequest.objects.get().decision == "refused"
    assert Message.objects.get(reason="extension_decided").recipient == liaison_user


def test_refusal_needs_a_note(item, liaison_user, staff_user):
    extension = _pending(item, liaison_user)
    refused(
        lambda: services.extension_decide(extension=extension, user=staff_user, version=1, approve=False),
        item=item,
    )
    assert ExtensionRequest.objects.get().decision == "pending"


def test_a_decided_extension_cannot_be_decided_again(item, liaison_user, staff_user):
    extension = _pending(item, liaison_user)
    services.extension_decide(extension=extension, user=staff_user, version=1, approve=True)
    item.refresh_from_db()
    refused(
        lambda: services.extension_decide(extension=extension, user=staff_user, version=item.version, approve=True),
        item=item,
        match="already been decided",
    )


def test_approving_a_date_already_past_is_refused(liaison_user, staff_user, force):
    item = factories.TrackedItemFactory(
        force=force, original_target_date=dt.date(2025, 6, 30), current_target_date=dt.date(2025, 6, 30)
    )
    extension = _pending(item, liaison_user, requested=dt.date(2025, 12, 31))
    refused(
        lambda: services.extension_decide(extension=extension, user=staff_user, version=1, approve=True),
        item=item,
        match="already passed",
    )


def test_a_liaison_officer_cannot_decide_an_extension(item, liaison_user):
    extension = _pending(item, liaison_user)
    refused(
        lambda: services.extension_decide(extension=extension, user=liaison_user, version=1, approve=True),
        item=item,
        exception=PermissionDenied,
    )


# --- Closing and reopening -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["not_implemented", "withdrawn"])
def test_staff_close_an_item(item, staff_user, liaison_user, status):
    services.item_close(item=item, user=staff_user, version=1, status=status, note="Decided at the board.")
    item.refresh_from_db()
    assert (item.status, item.closed_on, item.closed_by) == (status, TODAY, staff_user)
    assert Message.objects.get(reason="closed").recipient == liaison_user


def test_superseded_names_its_successor(item, staff_user, force):
    successor = factories.TrackedItemFactory(force=force)
    services.item_close(
        item=item, user=staff_user, version=1, status="superseded", note="Replaced.", superseded_by=successor
    )
    item.refresh_from_db()
    assert (item.status, item.superseded_by) == ("superseded", successor)


def test_superseded_without_a_successor_is_refused(item, staff_user):
    refused(
        lambda: services.item_close(item=item, user=staff_user, version=1, status="superseded", note="Replaced."),
        item=item,
        match="supersedes",
    )


def test_an_item_cannot_supersede_itself(item, staff_user):
    refused(
        lambda: services.item_close(
            item=item, user=staff_user, version=1, status="superseded", note="x", superseded_by=item
        ),
        item=item,
    )


def test_closing_a_closed_item_is_refused(item, staff_user):
    set_status(item, "complete")
    refused(
        lambda: services.item_close(item=item, user=staff_user, version=1, status="withdrawn", note="Again."),
        item=item,
        match="already closed",
    )


@pytest.mark.parametrize("who", ["liaison_user", "manager_user"])
def test_a_liaison_officer_or_manager_cannot_close(item, who, request):
    user = request.getfixturevalue(who)
    refused(
        lambda: services.item_close(item=item, user=user, version=1, status="withdrawn", note="x"),
        item=item,
        exception=PermissionDenied,
    )


def test_closing_refuses_a_pending_extension(item, liaison_user, staff_user):
    _pending(item, liaison_user)
    services.item_close(item=item, user=staff_user, version=1, status="withdrawn", note="Overtaken.")
    assert ExtensionRequest.objects.get().decision == "refused"


def test_reopening_clears_the_closure(item, staff_user, force):
    successor = factories.TrackedItemFactory(force=force)
    set_status(item, "superseded", superseded_by=successor, closed_by=staff_user, closing_note="Replaced.")
    event = services.item_reopen(item=item, user=staff_user, version=1, reason="Superseded in error.")
    item.refresh_from_db()
    assert (item.status, item.closed_on, item.closed_by, item.superseded_by, item.closing_note) == (
        "in_progress",
        None,
        None,
        None,
        "",
    )
    assert (event.kind, event.note) == ("reopened", "Superseded in error.")


def test_reopening_an_open_item_is_refused(item, staff_user):
    refused(
        lambda: services.item_reopen(item=item, user=staff_user, version=1, reason="x"),
        item=item,
        match="not closed",
    )


def test_reopening_needs_a_reason(item, staff_user):
    set_status(item, "withdrawn")
    refused(lambda: services.item_reopen(item=item, user=staff_user, version=1, reason=""), item=item)


def test_a_liaison_officer_cannot_reopen(item, liaison_user):
    set_status(item, "withdrawn")
    refused(
        lambda: services.item_reopen(item=item, user=liaison_user, version=1, reason="x"),
        item=item,
        exception=PermissionDenied,
    )


# --- Concurrency and emails -------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_changes_nothing(item, liaison_user, staff_user):
    services.item_update_post(item=item, user=liaison_user, version=1, narrative="First.")
    item_as_shown = TrackedItem.objects.get(pk=item.pk)
    TrackedItem.objects.filter(pk=item.pk).update(version=3)  # someone else acted meanwhile
    refused(
        lambda: services.item_close(item=item_as_shown, user=staff_user, version=2, status="withdrawn", note="x"),
        item=item,
        exception=services.ItemChanged,
        match="changed by someone else",
    )


def test_a_refused_upload_after_a_stale_version_stores_nothing(item, liaison_user):
    TrackedItem.objects.filter(pk=item.pk).update(version=5)
    refused(
        lambda: services.item_update_post(item=item, user=liaison_user, version=1, narrative="x", files=[pdf()]),
        item=item,
        exception=services.ItemChanged,
    )
    assert not ProgressUpdate.objects.exists() and not EvidenceFile.objects.exists()


def test_a_rolled_back_transition_sends_no_email(item, liaison_user, staff_user, django_capture_on_commit_callbacks):
    set_status(item, "submitted")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.item_closure_verify(item=item, user=staff_user, version=1, accept=False, note="No.")
            raise RuntimeError("the request failed after the transition")
    assert callbacks == []
    assert not Message.objects.exists()
    messages_deliver()
    assert mail.outbox == []
    item.refresh_from_db()
    assert item.status == "submitted"


def test_every_transition_bumps_the_version_and_records_history(item, liaison_user, staff_user):
    services.item_response_record(item=item, user=liaison_user, version=1, response="accepted")
    services.item_update_post(item=item, user=liaison_user, version=2, narrative="Begun.")
    services.item_closure_submit(item=item, user=liaison_user, version=3, narrative="Done.", files=[pdf()])
    services.item_closure_verify(item=item, user=staff_user, version=4, accept=False, note="Not yet.")
    services.item_closure_submit(item=item, user=liaison_user, version=5, narrative="Now done.", files=[pdf()])
    services.item_closure_verify(item=item, user=staff_user, version=6, accept=True, note="Verified.")
    services.item_reopen(item=item, user=staff_user, version=7, reason="New evidence of failure.")
    item.refresh_from_db()
    assert (item.version, item.status) == (8, "in_progress")
    assert item.history.count() == 1 + 7  # created, then one record per transition
    assert list(item.events.values_list("kind", flat=True))[:3] == ["reopened", "closed", "submitted"]
