"""Writes for an item's lifecycle, its evidence, extensions and follow-up reviews.

Every transition goes through `_transition`: one conditional UPDATE ... WHERE version = <the
version the user's form was shown>, so two people acting on one item at once cannot overwrite each
other (the second is refused with `ItemChanged`), then an ItemEvent for the timeline, a history
record, and any emails through the outbox (delivered only after commit). A refused transition
raises before anything is written, or inside the atomic block so that nothing it wrote survives.
"""

import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from accounts import permissions
from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.cache import data_changed
from core.dates import date_bounds, london_today, long_date
from core.refusals import Refusal
from core.text import is_blank
from core.urls import item_url
from forces.models import Force
from forces.selectors import governing_body_on
from inspections import rules
from inspections.models import (
    EvidenceFile,
    ExtensionRequest,
    Finding,
    FollowUpReview,
    Inspection,
    ItemEvent,
    Judgement,
    Programme,
    ProgressUpdate,
    ReportReply,
    Theme,
    TrackedItem,
    evidence_file_name,
)
from inspections.past import ClockHistory, ItemPast, clock_history, past_problems
from inspections.rules import reply_kind_for
from inspections.signals import counted_data_changed, counted_items_changing
from inspections.wording import item_subject, kind_name
from notifications.services import message_enqueue

Status = TrackedItem.Status
Kind = ItemEvent.Kind

CHANGED_MESSAGE = "This item was changed by someone else while you were working on it"

# What the bytes of an upload may be. The name and the browser's content type are never trusted.
ALLOWED_EVIDENCE_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/msword": "Word (97–2003)",
    "application/vnd.ms-excel": "Excel (97–2003)",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
}
EVIDENCE_TYPES_PHRASE = "a PDF, Word or Excel document, or a PNG, JPEG or GIF image"
_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
}


class TransitionRefused(Refusal):
    """An action the item's state or the rules do not allow. The message is for the user."""


class ItemChanged(TransitionRefused):
    """Someone else changed the item after the form was shown (the version no longer matches)."""

    def __init__(self) -> None:
        super().__init__(CHANGED_MESSAGE)


REVIEW_CHANGED_MESSAGE = "Someone else saved judgements in this review while you were working on it"


class ReviewChanged(TransitionRefused):
    """Someone else saved the review's judgements after the judging page was shown."""

    def __init__(self) -> None:
        super().__init__(REVIEW_CHANGED_MESSAGE)


# --- Who may act ------------------------------------------------------------------------------


FORCE_ACTIONS = ("respond", "update", "submit", "extension_request")
STAFF_ACTIONS = ("verify", "extension_decide", "close", "reopen")


def item_action_assert_permitted(*, user: User, item: TrackedItem, action: str) -> None:
    """Raise PermissionDenied unless the user's role may take this action on this item at all
    (whether its state allows it is the transition's business)."""
    if action in FORCE_ACTIONS:
        permissions.require_can_act_for_item(user, item)
    elif action in STAFF_ACTIONS:
        permissions.require_staff(user)
    else:
        raise PermissionDenied("Unknown action.")


def item_action_refusal(*, item: TrackedItem, action: str, pending_extension: ExtensionRequest | None) -> str | None:
    """Why the item's state does not allow this action now, or None when it does. The action pages
    say so on GET as on POST, and the item page offers only the actions with no refusal."""
    if action == "reopen":
        return None if item.is_closed else "This item is not closed."
    if item.is_closed:
        return f"This item is already closed ({item.get_status_display().lower()})."
    if action == "submit" and item.status == Status.SUBMITTED:
        return "This item is already submitted for closure and awaits verification."
    if action == "verify" and item.status != Status.SUBMITTED:
        return "Only an item submitted for closure can be verified."
    if action == "extension_request":
        if item.current_target_date is None:
            return "This item has no target date to extend."
        if pending_extension is not None:
            return "An extension for this item already awaits a decision."
    if action == "extension_decide" and pending_extension is None:
        return "No extension for this item awaits a decision."
    return None


def item_actions_available(*, user: User, item: TrackedItem, pending_extension: ExtensionRequest | None) -> list[str]:
    """The actions to offer as buttons: those the role may take and the state allows."""
    actions = []
    for action in (*FORCE_ACTIONS, *STAFF_ACTIONS):
        try:
            item_action_assert_permitted(user=user, item=item, action=action)
        except PermissionDenied:
            continue
        if item_action_refusal(item=item, action=action, pending_extension=pending_extension) is None:
            actions.append(action)
    return actions


def _forces_of(items) -> set[int]:
    """The forces of these items (for counted_data_changed)."""
    return set(items.order_by().values_list("force_id", flat=True).distinct())


# --- The one way to change an item --------------------------------------------------------------


def _transition(
    *,
    item: TrackedItem,
    version: int,
    actor: User,
    kind: str,
    changes: dict | None = None,
    note: str = "",
    public_comment: str = "",
    target_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> ItemEvent:
    """Apply `changes` only if the item is still at `version`, bump the version, record the event
    and the history. Must run inside transaction.atomic(). `public_comment` is what the
    inspectorate says about this step in the public register; `note` never leaves the service."""
    changes = dict(changes or {})
    now = at or timezone.now()
    from_status = item.status
    with counted_items_changing(items=TrackedItem.objects.filter(pk=item.pk)):
        updated = TrackedItem.objects.filter(pk=item.pk, version=version).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if updated != 1:
            raise ItemChanged()
    item.refresh_from_db()
    # A queryset update sends no signals, so the change history is written here, with its author.
    TrackedItem.history.bulk_history_create([item], update=True, default_user=actor, default_date=now)
    return ItemEvent.objects.create(
        item=item,
        kind=kind,
        at=now,
        actor=actor,
        from_status=from_status if item.status != from_status else "",
        to_status=item.status if item.status != from_status else "",
        note=note,
        public_comment=(public_comment or "").strip(),
        target_date=target_date,
    )


def _require_text(value: str, message: str, field: str) -> str:
    """Text that shows something (not only spaces or invisible characters), or a refusal. The forms
    have applied the text policy (core/text.py) already; this holds for any other caller."""
    value = (value or "").strip()
    if is_blank(value):
        raise TransitionRefused(message, field=field)
    return value


def _require_version(item: TrackedItem, version: int) -> None:
    # The form was shown at another version: say so before judging the state, which may have
    # changed because of that other person's action. The conditional UPDATE remains the guard
    # against a change that lands between this check and the write.
    if item.version != version:
        raise ItemChanged()


def _require_open(item: TrackedItem) -> None:
    if item.is_closed:
        raise TransitionRefused(f"This item is already closed ({item.get_status_display().lower()}).")


# --- Emails ------------------------------------------------------------------------------------


def _staff_recipients() -> Iterable[User]:
    return User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.STAFF]).distinct()


def _notify(*, recipients: Iterable[User], item: TrackedItem, event: ItemEvent, reason: str, subject: str, body: str):
    text = f"{body}\n\n{item.finding.reference}: {item.finding.text}\n\n{item_url(item.pk)}\n"
    for user in recipients:
        message_enqueue(
            recipient=user, reason=reason, key=f"{user.pk}:{reason}:{item.pk}:{event.pk}", subject=subject, body=text
        )


def _notify_force(*, item: TrackedItem, event: ItemEvent, reason: str, subject: str, body: str) -> None:
    """Tell the force's liaison officers, unless the item is embargoed (its inspection not yet
    published): until then the force may not know of it."""
    published_on = item.finding.inspection.published_on
    if published_on is None or published_on > london_today():
        return
    _notify(
        recipients=item.force.liaison_officers.filter(is_active=True),
        item=item,
        event=event,
        reason=reason,
        subject=subject,
        body=body,
    )


def _notify_staff(*, item: TrackedItem, event: ItemEvent, reason: str, subject: str, body: str) -> None:
    _notify(recipients=_staff_recipients(), item=item, event=event, reason=reason, subject=subject, body=body)


# --- Evidence ------------------------------------------------------------------------------------


def evidence_content_type(*, upload: UploadedFile) -> str:
    """The file's type as read from its bytes, or ValidationError with a message for the user."""
    limit = settings.EVIDENCE_MAX_BYTES
    name = upload.name or "The file"
    if upload.size == 0:
        raise ValidationError(f"{name} is empty")
    if upload.size > limit:
        raise ValidationError(f"{name} is larger than {limit // (1024 * 1024)} MB")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = None
    if head.startswith(b"PK\x03\x04"):
        mime = _ooxml_type(upload)
    else:
        kind = filetype.guess(head)
        mime = kind.mime if kind else None
        if mime is None and head.startswith(_OLE_MAGIC):
            mime = _ole_type(upload)
    upload.seek(0)
    if mime not in ALLOWED_EVIDENCE_TYPES:
        raise ValidationError(f"{name} must be {EVIDENCE_TYPES_PHRASE}")
    return mime


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in an OLE compound file's directory (UTF-16). filetype recognises only the common
# layouts of Word 97-2003 and Excel 97-2003 files; the directory names the main stream in all.
_OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), "application/msword"),
    ("Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
    ("Book\x00".encode("utf-16-le"), "application/vnd.ms-excel"),
)


def _ole_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks():
        window = tail + chunk
        for name, mime in _OLE_STREAMS:
            if name in window:
                return mime
        tail = window[-32:]
    return None


def _ooxml_type(upload: UploadedFile) -> str | None:
    # Word and Excel files are zips; what they are is declared in [Content_Types].xml.
    try:
        with zipfile.ZipFile(upload) as archive:
            declared = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    for main, mime in _OOXML_MAIN_TYPES.items():
        if main in declared:
            return mime
    return None


@dataclass
class _CheckedUpload:
    upload: UploadedFile
    content_type: str


def _check_uploads(files: Sequence[UploadedFile]) -> list[_CheckedUpload]:
    checked = []
    for upload in files:
        try:
            checked.append(_CheckedUpload(upload, evidence_content_type(upload=upload)))
        except ValidationError as error:
            raise TransitionRefused(error.messages[0], field="files") from None
    return checked


def _store_evidence(*, update: ProgressUpdate, uploads: list[_CheckedUpload]) -> list[EvidenceFile]:
    stored = []
    for checked in uploads:
        upload = checked.upload
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence = EvidenceFile(
            update=update,
            original_name=evidence_file_name(upload.name or "", checked.content_type)[-255:],
            content_type=checked.content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
        )
        # If the transaction rolls back after this, the file stays on storage unreferenced; a
        # stray file is harmless, a row pointing at nothing would not be.
        evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
        stored.append(evidence)
    return stored


# --- The force's actions ---------------------------------------------------------------------------


def item_response_record(
    *, item: TrackedItem, user: User, version: int, response: str, reason: str = "", today: dt.date | None = None
) -> ItemEvent:
    permissions.require_can_act_for_item(user, item)
    _require_version(item, version)
    _require_open(item)
    if response not in (TrackedItem.Response.ACCEPTED, *TrackedItem.REASONED_RESPONSES):
        raise TransitionRefused("Choose whether the force accepts the recommendation", field="response")
    reason = "" if is_blank(reason or "") else reason.strip()
    if response in TrackedItem.REASONED_RESPONSES and not reason:
        raise TransitionRefused("Give a reason when the recommendation is not fully accepted", field="reason")
    if response == TrackedItem.Response.ACCEPTED:
        reason = ""
    label = TrackedItem.Response(response).label
    with transaction.atomic():
        return _transition(
            item=item,
            version=version,
            actor=user,
            kind=Kind.RESPONSE,
            changes={"response": response, "response_reason": reason, "responded_on": today or london_today()},
            note=f"{label}. {reason}".strip() if reason else label,
        )


def item_update_post(
    *, item: TrackedItem, user: User, version: int, narrative: str, files: Sequence[UploadedFile] = ()
) -> ProgressUpdate:
    """A progress update, with optional evidence. A published item moves to in progress."""
    permissions.require_can_act_for_item(user, item)
    _require_version(item, version)
    _require_open(item)
    narrative = _require_text(narrative, "Enter the progress update", "narrative")
    uploads = _check_uploads(files)
    changes: dict = {"last_update_at": timezone.now()}
    if item.status == Status.PUBLISHED:
        changes["status"] = Status.IN_PROGRESS
    with transaction.atomic():
        _transition(item=item, version=version, actor=user, kind=Kind.UPDATE, changes=changes, note=narrative)
        update = ProgressUpdate.objects.create(item=item, author=user, narrative=narrative)
        _store_evidence(update=update, uploads=uploads)
    return update


def item_closure_submit(
    *,
    item: TrackedItem,
    user: User,
    version: int,
    narrative: str,
    files: Sequence[UploadedFile],
    existing_evidence: Sequence[EvidenceFile] = (),
    today: dt.date | None = None,
) -> ProgressUpdate:
    """The force claims the item done: a narrative and at least one piece of evidence, new files
    or evidence already attached to the item's earlier updates (cited, not copied)."""
    permissions.require_can_act_for_item(user, item)
    _require_version(item, version)
    _require_open(item)
    if item.status == Status.SUBMITTED:
        raise TransitionRefused("This item is already submitted for closure and awaits verification.")
    narrative = _require_text(narrative, "Describe what the force has done", "narrative")
    cited = list(existing_evidence)
    if any(evidence.update.item_id != item.pk for evidence in cited):
        raise TransitionRefused("Cite only evidence already attached to this item", field="existing_evidence")
    if not files and not cited:
        raise TransitionRefused("Attach at least one evidence file, or choose evidence already attached", field="files")
    uploads = _check_uploads(files)
    with transaction.atomic():
        event = _transition(
            item=item,
            version=version,
            actor=user,
            kind=Kind.SUBMITTED,
            changes={
                "status": Status.SUBMITTED,
                "submitted_on": today or london_today(),
                "last_update_at": timezone.now(),
            },
            note=narrative,
        )
        update = ProgressUpdate.objects.create(item=item, author=user, narrative=narrative, is_closure_claim=True)
        _store_evidence(update=update, uploads=uploads)
        update.cited_evidence.set(cited)
        _notify_staff(
            item=item,
            event=event,
            reason="submitted",
            subject=item_subject(item, "submitted for closure"),
            body=f"{item.force.name} says this {kind_name(item.finding)} is done and asks you to verify it.\n\n{narrative}",
        )
    return update


def extension_request(
    *,
    item: TrackedItem,
    user: User,
    version: int,
    requested_date: dt.date | None,
    reason: str,
    today: dt.date | None = None,
) -> ExtensionRequest:
    permissions.require_can_act_for_item(user, item)
    _require_version(item, version)
    _require_open(item)
    today = today or london_today()
    if item.current_target_date is None:
        raise TransitionRefused("This item has no target date to extend.")
    if item.extensions.filter(decision=ExtensionRequest.Decision.PENDING).exists():
        raise TransitionRefused("An extension for this item already awaits a decision.")
    if requested_date is None:
        raise TransitionRefused("Enter the new target date", field="requested_date")
    if requested_date <= item.current_target_date:
        raise TransitionRefused(
            f"The new target date must be after the current one, {item.current_target_date:%-d %B %Y}",
            field="requested_date",
        )
    if requested_date <= today:
        raise TransitionRefused("The new target date must be in the future", field="requested_date")
    latest = date_bounds(today=today)[1]
    if requested_date > latest:
        raise TransitionRefused(f"The new target date must be on or before {long_date(latest)}", field="requested_date")
    reason = _require_text(reason, "Give the reason the force needs more time", "reason")
    with transaction.atomic():
        event = _transition(
            item=item,
            version=version,
            actor=user,
            kind=Kind.EXTENSION_REQUESTED,
            note=reason,
            target_date=requested_date,
        )
        extension = ExtensionRequest.objects.create(
            item=item,
            requested_by=user,
            previous_target_date=item.current_target_date,
            requested_date=requested_date,
            reason=reason,
        )
        _notify_staff(
            item=item,
            event=event,
            reason="extension_requested",
            subject=item_subject(item, f"more time asked for, to {long_date(requested_date)}"),
            body=f"{item.force.name} asks to move the target date from {item.current_target_date:%-d %B %Y} "
            f"to {requested_date:%-d %B %Y}.\n\n{reason}",
        )
    return extension


# --- The inspectorate's actions -------------------------------------------------------------------


def item_closure_verify(
    *,
    item: TrackedItem,
    user: User,
    version: int,
    accept: bool,
    note: str,
    public_comment: str = "",
    today: dt.date | None = None,
) -> ItemEvent:
    """Accept a closure claim (closed complete, with a closing note) or return it to in progress
    with a reason the force sees. `public_comment`, if any, is published in the register."""
    permissions.require_staff(user)
    _require_version(item, version)
    _require_open(item)
    if item.status != Status.SUBMITTED:
        raise TransitionRefused("Only an item submitted for closure can be verified.")
    if accept:
        note = _require_text(note, "Enter a closing note", "note")
        with transaction.atomic():
            event = _close(
                item=item,
                user=user,
                version=version,
                status=Status.COMPLETE,
                note=note,
                public_comment=public_comment,
                today=today,
            )
        return event
    note = _require_text(note, "Give the reason the claim is returned, for the force", "note")
    with transaction.atomic():
        event = _transition(
            item=item,
            version=version,
            actor=user,
            kind=Kind.RETURNED,
            changes={"status": Status.IN_PROGRESS, "submitted_on": None},
            note=note,
            public_comment=public_comment,
        )
        _notify_force(
            item=item,
            event=event,
            reason="returned",
            subject=item_subject(item, "closure claim returned"),
            body=f"The inspectorate did not accept the claim that this {kind_name(item.finding)} is done.\n\n{note}",
        )
    return event


CLOSE_AS = (Status.NOT_IMPLEMENTED, Status.WITHDRAWN, Status.SUPERSEDED)


def item_close(
    *,
    item: TrackedItem,
    user: User,
    version: int,
    status: str,
    note: str,
    superseded_by: TrackedItem | None = None,
    public_comment: str = "",
    today: dt.date | None = None,
) -> ItemEvent:
    """Close an open item as not implemented, withdrawn or superseded (naming its successor).
    `public_comment`, if any, is published in the register."""
    permissions.require_staff(user)
    _require_version(item, version)
    _require_open(item)
    if status not in CLOSE_AS:
        raise TransitionRefused("Choose how to close the item", field="status")
    note = _require_text(note, "Enter a closing note", "note")
    if status == Status.SUPERSEDED:
        if superseded_by is None:
            raise TransitionRefused("Choose the item that supersedes this one", field="superseded_by")
        if superseded_by.pk == item.pk:
            raise TransitionRefused("An item cannot supersede itself", field="superseded_by")
        if superseded_by.superseded_by_id == item.pk:
            raise TransitionRefused("That item is itself superseded by this one", field="superseded_by")
    else:
        superseded_by = None
    with transaction.atomic():
        return _close(
            item=item,
            user=user,
            version=version,
            status=status,
            note=note,
            superseded_by=superseded_by,
            public_comment=public_comment,
            today=today,
        )


def _close(
    *,
    item: TrackedItem,
    user: User,
    version: int,
    status: str,
    note: str,
    superseded_by: TrackedItem | None = None,
    public_comment: str = "",
    today: dt.date | None = None,
) -> ItemEvent:
    label = Status(status).label
    event = _transition(
        item=item,
        version=version,
        actor=user,
        kind=Kind.CLOSED,
        changes={
            "status": status,
            "closed_on": today or london_today(),
            "closed_by": user,
            "closing_note": note,
            "superseded_by": superseded_by,
            "submitted_on": None,
        },
        note=note,
        public_comment=public_comment,
    )
    # A closed item needs no more time: a request still waiting is refused with the closure.
    item.extensions.filter(decision=ExtensionRequest.Decision.PENDING).update(
        decision=ExtensionRequest.Decision.REFUSED,
        decided_by=user,
        decided_at=event.at,
        decision_note="The item was closed.",
    )
    _notify_force(
        item=item,
        event=event,
        reason="closed",
        subject=item_subject(item, f"closed ({label.removeprefix('Closed: ').lower()})"),
        body=f"The inspectorate closed this {kind_name(item.finding)} for {item.force.name}: {label.lower()}.\n\n{note}",
    )
    return event


def item_reopen(*, item: TrackedItem, user: User, version: int, reason: str) -> ItemEvent:
    permissions.require_staff(user)
    _require_version(item, version)
    if item.is_open:
        raise TransitionRefused("This item is not closed.")
    reason = _require_text(reason, "Give the reason the item is reopened", "reason")
    with transaction.atomic():
        return _transition(
            item=item,
            version=version,
            actor=user,
            kind=Kind.REOPENED,
            changes={
                "status": Status.IN_PROGRESS,
                "closed_on": None,
                "closed_by": None,
                "closing_note": "",
                "superseded_by": None,
            },
            note=reason,
        )


def extension_decide(
    *,
    extension: ExtensionRequest,
    user: User,
    version: int,
    approve: bool,
    note: str = "",
    approved_date: dt.date | None = None,
    today: dt.date | None = None,
) -> ItemEvent:
    """Approval moves the current target date (never the original) and counts the extension.
    Staff may approve an earlier date than the one asked for (still after the current target and
    in the future), with a reason the force sees; never a later one."""
    permissions.require_staff(user)
    item = extension.item
    _require_version(item, version)
    _require_open(item)
    if extension.decision != ExtensionRequest.Decision.PENDING:
        raise TransitionRefused("This extension has already been decided.")
    today = today or london_today()
    note = "" if is_blank(note or "") else note.strip()
    if not approve and not note:
        raise TransitionRefused("Give the reason the extension is refused, for the force", field="note")
    new_date = (approved_date or extension.requested_date) if approve else None
    if approve:
        if new_date > extension.requested_date:
            raise TransitionRefused(
                f"Approve at most the date asked for, {extension.requested_date:%-d %B %Y}", field="approved_date"
            )
        if item.current_target_date is not None and new_date <= item.current_target_date:
            raise TransitionRefused(
                f"The new target date must be after the current one, {item.current_target_date:%-d %B %Y}",
                field="approved_date" if approved_date else "approve",
            )
        if new_date <= today:
            if approved_date is None:
                raise TransitionRefused(
                    "The date asked for has already passed: approve a later date up to it, or refuse it",
                    field="approve",
                )
            raise TransitionRefused("The new target date must be in the future", field="approved_date")
        if new_date < extension.requested_date and not note:
            raise TransitionRefused(
                "Give the reason for approving an earlier date than the force asked for", field="note"
            )
    with transaction.atomic():
        if approve:
            event = _transition(
                item=item,
                version=version,
                actor=user,
                kind=Kind.EXTENSION_APPROVED,
                changes={
                    "current_target_date": new_date,
                    "extension_count": F("extension_count") + 1,
                },
                note=note,
                target_date=new_date,
            )
        else:
            event = _transition(
                item=item,
                version=version,
                actor=user,
                kind=Kind.EXTENSION_REFUSED,
                note=note,
                target_date=extension.requested_date,
            )
        decided = ExtensionRequest.objects.filter(pk=extension.pk, decision=ExtensionRequest.Decision.PENDING).update(
            decision=ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REFUSED,
            decided_by=user,
            decided_at=event.at,
            decision_note=note,
            approved_date=new_date,
        )
        if decided != 1:
            raise ItemChanged()
        extension.refresh_from_db()
        word = "approved" if approve else "refused"
        if approve and new_date != extension.requested_date:
            body = (
                f"The inspectorate approved more time, to {new_date:%-d %B %Y} rather than the "
                f"{extension.requested_date:%-d %B %Y} asked for."
            )
        else:
            body = (
                f"The inspectorate {word} the request to move the target date to {extension.requested_date:%-d %B %Y}."
            )
        body += f"\n\n{note}" if note else ""
        _notify_force(
            item=item,
            event=event,
            reason="extension_decided",
            subject=item_subject(
                item,
                f"extension approved to {long_date(new_date)}"
                if approve
                else f"extension to {long_date(extension.requested_date)} refused",
            ),
            body=body,
        )
    return event


# --- Follow-up reviews ---------------------------------------------------------------------------------


def review_create(
    *,
    inspection: Inspection,
    user: User,
    review_date: dt.date,
    reviewer: User,
    conclusion: str = "",
    items: Sequence[TrackedItem] = (),
    next_review_by: dt.date | None = None,
) -> FollowUpReview:
    """Open a follow-up review of an inspection: of every item, or of the items chosen."""
    permissions.require_staff(user)
    if not (reviewer.is_active and reviewer.is_inspectorate_staff):
        raise TransitionRefused("The reviewer must be a member of inspectorate staff", field="reviewer")
    if any(item.finding.inspection_id != inspection.pk for item in items):
        raise TransitionRefused("Choose only items of this inspection", field="items")
    if next_review_by is not None and next_review_by <= review_date:
        raise TransitionRefused("The next review of undated items must be after this review", field="next_review_by")
    with transaction.atomic():
        review = FollowUpReview(
            inspection=inspection,
            review_date=review_date,
            reviewer=reviewer,
            conclusion=(conclusion or "").strip(),
            next_review_by=next_review_by,
        )
        review._history_user = user
        review.save()
        review.items.set(items)
    return review


@dataclass
class JudgementRow:
    item: TrackedItem
    progress: str  # empty: not judged in this review
    commentary: str = ""
    public_comment: str = ""  # published in the register with the judgement's date
    verdict: str = ""  # Judgement.Verdict: "discharged" or "complete" asks for the item to close


VERDICT_FOR_CATEGORY = {
    Judgement.Verdict.DISCHARGED: ("cause_of_concern",),
    Judgement.Verdict.COMPLETE: ("recommendation", "area_for_improvement"),
}


def review_judgements_save(
    *, review: FollowUpReview, user: User, rows: Sequence[JudgementRow], version: int | None
) -> int:
    """Save the judgements of one review, all or nothing. A judgement records progress and may
    record the revisit's verdict ("discharged" for a cause of concern, "complete" otherwise); it
    never changes an item's status: the items with a verdict close only when staff confirm them
    (`review_closures_confirm`). Returns how many judgements were recorded or changed.

    `version` is the review's version the judging page was shown (None: a page that carried none).
    As for items, a save that would change anything runs only if the review is still at that
    version, and bumps it; otherwise ReviewChanged, and nothing is written, so a second reviewer
    working from a stale page cannot overwrite the first one's judgements unawares."""
    permissions.require_staff(user)
    item_ids = set(review_items(review=review).values_list("id", flat=True))
    for row in rows:
        if row.item.pk not in item_ids:
            raise TransitionRefused(f"{row.item} is not an item of this review.")
        if row.progress and row.progress not in Judgement.Progress.values:
            raise TransitionRefused(f"Choose a judgement for {row.item}")
        if not row.progress and not (is_blank(row.commentary) and is_blank(row.public_comment) and not row.verdict):
            raise TransitionRefused(f"Choose a judgement for {row.item}, or remove the commentary and verdict")
        if row.verdict:
            if row.verdict not in VERDICT_FOR_CATEGORY:
                raise TransitionRefused(f"Choose a verdict for {row.item}")
            if row.item.finding.category not in VERDICT_FOR_CATEGORY[row.verdict]:
                label = Judgement.Verdict(row.verdict).label.lower()
                raise TransitionRefused(
                    f"{row.item}: “{label}” does not fit a {row.item.finding.get_category_display().lower()}"
                )
            if row.item.is_closed:
                raise TransitionRefused(f"{row.item} is already closed: it needs no verdict")
    if version != review.version:
        raise ReviewChanged()
    existing = {j.item_id: j for j in review.judgements.all()}
    now = timezone.now()
    changes = []
    for row in rows:
        commentary = "" if is_blank(row.commentary) else row.commentary.strip()
        public_comment = "" if is_blank(row.public_comment) else row.public_comment.strip()
        judgement = existing.get(row.item.pk)
        if not row.progress:
            continue
        same = judgement and (judgement.progress, judgement.commentary, judgement.verdict) == (
            row.progress,
            commentary,
            row.verdict,
        )
        if same and not public_comment:
            continue
        changes.append((row, commentary, public_comment, judgement))
    if not changes:
        return 0
    changed = 0
    with transaction.atomic():
        # The guard against a save that lands between the check above and this write.
        if FollowUpReview.objects.filter(pk=review.pk, version=version).update(version=F("version") + 1) != 1:
            raise ReviewChanged()
        review.version = version + 1
        data_changed()
        for row, commentary, public_comment, judgement in changes:
            if judgement:
                judgement.progress, judgement.commentary, judgement.verdict = row.progress, commentary, row.verdict
                judgement._history_user = user
                judgement.save(update_fields=["progress", "commentary", "verdict"])
            else:
                judgement = Judgement(
                    review=review, item=row.item, progress=row.progress, commentary=commentary, verdict=row.verdict
                )
                judgement._history_user = user
                judgement.save()
            changed += 1
            label = Judgement.Progress(row.progress).label
            if row.verdict:
                label = f"{label}. Verdict: {Judgement.Verdict(row.verdict).label.lower()}"
            ItemEvent.objects.create(
                item=row.item,
                kind=Kind.JUDGED,
                at=now,
                actor=user,
                note=f"{label}. {commentary}".strip() if commentary else label,
                public_comment=public_comment,
            )
            _item_latest_progress_set(item=row.item)
        judged = [row.item.pk for row in rows if row.progress and not row.verdict]
        if review.next_review_by and judged:
            # Undated items looked at in this review are next looked at by the review's date.
            TrackedItem.objects.filter(
                pk__in=judged, current_target_date__isnull=True, status__in=TrackedItem.OPEN_STATUSES
            ).update(review_by=review.next_review_by)
    return changed


def review_items(*, review: FollowUpReview):
    """The items a review judges: those chosen when it was opened, or every item of its inspection."""
    chosen = review.items.all()
    if chosen.exists():
        return chosen
    return TrackedItem.objects.filter(finding__inspection_id=review.inspection_id)


def review_closures_pending(*, review: FollowUpReview) -> list[Judgement]:
    """The judgements of this review whose verdict would close an item that is still open: exactly
    what confirming the review's closures closes."""
    return list(
        review.judgements.exclude(verdict="")
        .filter(item__status__in=TrackedItem.OPEN_STATUSES)
        .select_related("item__finding", "item__force")
        .order_by("item__finding__position", "item__finding__reference", "item__force__name")
    )


def review_closures_confirm(
    *, review: FollowUpReview, user: User, shown: dict[int, int], today: dt.date | None = None
) -> list[ItemEvent]:
    """Close, in one transaction, every item this review's verdicts close: a cause of concern as
    discharged, anything else as complete (both the status "complete"), each with a timeline event
    and an email to the force through the outbox (sent once, after commit). `shown` maps each item
    the confirmation page listed to the version it showed: if the set or any item changed since,
    nothing closes and the page is shown again."""
    permissions.require_staff(user)
    pending = review_closures_pending(review=review)
    if not pending:
        raise TransitionRefused("No item of this review is waiting to be closed.")
    if {j.item_id: j.item.version for j in pending} != shown:
        raise TransitionRefused(
            "The items to close changed while you were looking: check the list again and confirm", field="items"
        )
    review_day = f"{review.review_date.day} {review.review_date:%B %Y}"
    events = []
    with transaction.atomic():
        for judgement in pending:
            item = judgement.item
            verdict = Judgement.Verdict(judgement.verdict).label.lower()
            note = f"Closed at the follow-up review of {review_day}: {verdict}."
            if judgement.commentary:
                note += f" {judgement.commentary}"
            events.append(
                _close(item=item, user=user, version=shown[item.pk], status=Status.COMPLETE, note=note, today=today)
            )
    return events


def _item_latest_progress_set(*, item: TrackedItem) -> None:
    # The latest judgement is the one of the latest review, not the latest typed: judging an old
    # review late must not overwrite a newer finding. Not a lifecycle transition, so the version
    # is left alone and a force officer's open form is not invalidated by a review.
    latest = (
        Judgement.objects.filter(item=item)
        .order_by("-review__review_date", "-review_id")
        .values_list("progress", flat=True)
        .first()
    )
    TrackedItem.objects.filter(pk=item.pk).update(latest_progress=latest or "")
    item.latest_progress = latest or ""


# --- Undated findings and the governing bodies' replies -------------------------------------------


def review_dates_set(
    *,
    inspection: Inspection,
    user: User,
    review_by: dt.date,
    items: Sequence[TrackedItem] = (),
    today: dt.date | None = None,
) -> int:
    """Staff set the "next review by" date of an inspection's open undated items (all of them, or
    those chosen). Not a lifecycle transition: the version is left alone. Returns how many."""
    permissions.require_staff(user)
    today = today or london_today()
    if review_by <= today:
        raise TransitionRefused("The next review date must be in the future", field="review_by")
    undated = TrackedItem.objects.filter(
        finding__inspection=inspection, current_target_date__isnull=True, status__in=TrackedItem.OPEN_STATUSES
    )
    if items:
        undated = undated.filter(pk__in=[item.pk for item in items])
    with transaction.atomic():
        ids = list(undated.values_list("pk", flat=True))
        with counted_items_changing(items=TrackedItem.objects.filter(pk__in=ids)):
            TrackedItem.objects.filter(pk__in=ids).update(review_by=review_by)
        now = timezone.now()
        ItemEvent.objects.bulk_create(
            ItemEvent(
                item_id=pk,
                kind=Kind.REVIEW_DATE_SET,
                at=now,
                actor=user,
                target_date=review_by,
                note=f"Next review by {review_by.day} {review_by:%B %Y}.",
            )
            for pk in ids
        )
    return len(ids)


def inspection_authority_plan_due_set(*, inspection: Inspection, user: User, due_on: dt.date | None) -> Inspection:
    """Staff set (or clear) the date by which each fire and rescue authority addressed by this
    report must publish its action plan."""
    permissions.require_staff(user)
    if due_on is not None and inspection.published_on is not None and due_on < inspection.published_on:
        raise TransitionRefused("The deadline cannot be before the report was published", field="due_on")
    inspection.authority_plan_due_on = due_on
    inspection._history_user = user
    with transaction.atomic():
        inspection.save(update_fields=["authority_plan_due_on", "updated_at"])
        counted_data_changed(force_ids=_forces_of(TrackedItem.objects.filter(finding__inspection=inspection)))
    return inspection


def report_reply_record(
    *,
    inspection: Inspection,
    force: Force,
    user: User,
    published_on: dt.date | None,
    url: str,
    note: str = "",
    today: dt.date | None = None,
) -> ReportReply:
    """Record (or correct) what the body governing `force` published on this report: the local
    policing body's comments (police) or the fire and rescue authority's action plan (fire), with
    the day it was published and the link. The clocks stop at the next sweep."""
    permissions.require_staff(user)
    today = today or london_today()
    kind = reply_kind_for(kind=force.kind)
    if kind is None:
        raise TransitionRefused(f"{force.name} has no governing body that replies to reports.")
    if inspection.published_on is None:
        raise TransitionRefused("The report is not published yet.")
    if published_on is None:
        raise TransitionRefused("Enter the date it was published", field="published_on")
    if published_on < inspection.published_on:
        raise TransitionRefused("It cannot have been published before the report", field="published_on")
    if published_on > today:
        raise TransitionRefused("The publication date cannot be in the future", field="published_on")
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")):
        raise TransitionRefused("Enter the link to the published document, starting https://", field="url")
    body = governing_body_on(force=force, day=inspection.published_on)
    values = {
        "kind": kind,
        "body_name": body.name if body else "",
        "published_on": published_on,
        "url": url,
        "note": (note or "").strip(),
        "recorded_by": user,
    }
    with transaction.atomic():
        reply = ReportReply.objects.filter(inspection=inspection, force=force).first()
        if reply is None:
            reply = ReportReply(inspection=inspection, force=force, **values)
        else:
            for key, value in values.items():
                setattr(reply, key, value)
        reply._history_user = user
        reply.save()
        counted_data_changed(force_ids=[force.pk])
    return reply


# --- Themes ----------------------------------------------------------------------------------------


def theme_save(*, user: User, name: str, description: str = "", theme: Theme | None = None) -> Theme:
    """Add a theme to the managed list, or rename one (its slug, the public address, never changes)."""
    permissions.require_staff(user)
    name = _require_text(name, "Enter the theme's name", "name")
    if len(name) > Theme._meta.get_field("name").max_length:
        raise TransitionRefused("The name must be 80 characters or fewer", field="name")
    clash = Theme.objects.filter(name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise TransitionRefused(f"There is already a theme called {name}", field="name")
    if theme is None:
        base = slugify(name)[:55] or "theme"
        slug, n = base, 1
        while Theme.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        theme = Theme(slug=slug)
    theme.name = name
    theme.description = (description or "").strip()[:300]
    theme._history_user = user
    with transaction.atomic():
        theme.save()
        data_changed()
    return theme


def finding_themes_set(*, finding: Finding, user: User, themes: Iterable[Theme]) -> None:
    """Tag a finding with exactly these themes."""
    permissions.require_staff(user)
    with transaction.atomic():
        finding.themes.set(list(themes))
        counted_data_changed(force_ids=_forces_of(finding.items.all()))


# --- Inspections -------------------------------------------------------------------------------------

INSPECTION_CHANGED_MESSAGE = "This inspection was changed by someone else while you were editing it"


@dataclass(frozen=True)
class InspectionFields:
    """Everything an inspection records, as staff enter it (the forms) or a file gives it."""

    programme: Programme
    reference: str
    title: str
    published_on: dt.date | None = None
    fieldwork_start: dt.date | None = None
    fieldwork_end: dt.date | None = None
    report_url: str = ""
    lead_inspector: str = ""
    summary: str = ""
    follows_up: Inspection | None = None
    forces: tuple[Force, ...] = ()

    def model_values(self) -> dict:
        return {
            "programme": self.programme,
            "reference": self.reference.strip(),
            "title": self.title.strip(),
            "published_on": self.published_on,
            "fieldwork_start": self.fieldwork_start,
            "fieldwork_end": self.fieldwork_end,
            "report_url": self.report_url.strip(),
            "lead_inspector": self.lead_inspector.strip(),
            "summary": self.summary.strip(),
            "follows_up": self.follows_up,
        }


def _check_inspection(fields: InspectionFields, *, pk: int | None) -> None:
    if not fields.reference.strip():
        raise TransitionRefused("Enter the reference", field="reference")
    if not fields.title.strip():
        raise TransitionRefused("Enter the title", field="title")
    taken = Inspection.objects.filter(reference__iexact=fields.reference.strip()).exclude(pk=pk)
    if taken.exists():
        raise TransitionRefused("An inspection with this reference exists", field="reference")
    if fields.fieldwork_start and fields.fieldwork_end and fields.fieldwork_end < fields.fieldwork_start:
        raise TransitionRefused("Fieldwork must end on or after the day it starts", field="fieldwork_end")
    if fields.follows_up is not None and pk is not None:
        follows = fields.follows_up
        seen = {pk}
        while follows is not None:  # no inspection may follow itself up, directly or through others
            if follows.pk in seen:
                raise TransitionRefused("An inspection cannot follow itself up", field="follows_up")
            seen.add(follows.pk)
            follows = follows.follows_up


def inspection_create(*, user: User, fields: InspectionFields, reason: str = "") -> Inspection:
    """A new inspection (planned or published) with its forces, recorded in its history."""
    permissions.require_staff(user)
    _check_inspection(fields, pk=None)
    with transaction.atomic():
        inspection = Inspection(**fields.model_values())
        inspection._history_user = user
        inspection._change_reason = reason or "Added"
        inspection.save()
        if fields.forces:
            inspection.forces.set(fields.forces)
        data_changed()
    return inspection


def inspection_update(
    *, inspection: Inspection, user: User, fields: InspectionFields, seen_updated_at: dt.datetime | None = None
) -> Inspection:
    """Change any of an inspection's facts. The row is locked and compared with what the form was
    shown (`seen_updated_at`), so two people editing at once cannot overwrite each other. A new
    publication date or programme moves each finding's action-plan date (rules.action_plan_due)."""
    permissions.require_staff(user)
    _check_inspection(fields, pk=inspection.pk)
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if seen_updated_at is not None and current.updated_at != seen_updated_at:
            raise TransitionRefused(INSPECTION_CHANGED_MESSAGE)
        values = fields.model_values()
        rederive = current.published_on != values["published_on"] or current.programme_id != values["programme"].pk
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        for name, value in values.items():
            setattr(current, name, value)
        if changed:
            current._history_user = user
            current._change_reason = "Changed"
            current.save()
        if {force.pk for force in fields.forces} != set(current.forces.values_list("pk", flat=True)):
            current._history_user = user
            current.forces.set(fields.forces)
        if rederive:
            findings_action_plan_rederive(inspection=current, user=user)
        counted_data_changed(force_ids=_forces_of(TrackedItem.objects.filter(finding__inspection=current)))
    return current


def findings_action_plan_rederive(*, inspection: Inspection, user: User) -> int:
    """Set each finding's action-plan date by the rule, from the inspection as it now stands; each
    change is recorded in the finding's history. Returns how many findings changed."""
    changed = []
    for finding in inspection.findings.all():
        due = rules.action_plan_due(
            category=finding.category,
            accelerated=finding.accelerated,
            programme_slug=inspection.programme.slug,
            published_on=inspection.published_on,
        )
        if finding.action_plan_due_on != due:
            finding.action_plan_due_on = due
            changed.append(finding)
    if changed:
        Finding.objects.bulk_update(changed, ["action_plan_due_on"])
        Finding.history.bulk_history_create(
            changed, update=True, default_user=user, default_change_reason="Publication date or programme changed"
        )
    return len(changed)


# --- Publishing findings ---------------------------------------------------------------------------------

EVENT_BATCH = 2000


@dataclass(frozen=True)
class FindingDraft:
    """A finding to publish and the forces it is addressed to; for each force, optionally, where
    its item already stood (an imported past). With `existing_finding_id`, only the items of forces
    not yet tracking that finding are created."""

    reference: str
    category: str
    text: str
    force_ids: tuple[int, ...]
    target_date: dt.date | None = None
    cause_of_concern: str = ""  # the reference of the cause of concern it answers, in the same inspection
    accelerated: bool = False
    theme_ids: tuple[int, ...] = ()  # the managed themes it belongs to (new findings only)
    position: int = 0
    past: Mapping[int, ItemPast] = field(default_factory=dict)
    existing_finding_id: int | None = None


@dataclass
class Published:
    findings: int = 0
    items: int = 0
    events: int = 0


def _london_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def findings_publish(
    *, inspection: Inspection, user: User, drafts: Sequence[FindingDraft], source: str, today: dt.date | None = None
) -> Published:
    """Create findings, each addressed force's tracked item and their timelines, with history
    records, in bulk (an import saves thousands at once). Must run inside transaction.atomic().

    Every finding gets its action-plan date from rules.action_plan_due. Every item enters the
    tracker today (`entered_on`); an item with a past gets its state, and its timeline gets the
    past's dated events - publication, response, status changes and comments, closure - and what
    the clocks would have recorded (inspections/past.py), all marked imported and dated when they
    happened. Clock events are marked notified: nobody is emailed about the past."""
    permissions.require_staff(user)
    today = today or london_today()
    now = timezone.now()
    published_on = inspection.published_on
    programme_slug = inspection.programme.slug
    result = Published()
    # The report's causes of concern already saved, by folded reference (read once per call).
    concerns = {
        ref.casefold(): pk
        for ref, pk in Finding.objects.filter(
            inspection=inspection, category=Finding.Category.CAUSE_OF_CONCERN
        ).values_list("reference", "id")
    }
    known_concerns = set(concerns) | {
        d.reference.casefold() for d in drafts if d.category == Finding.Category.CAUSE_OF_CONCERN
    }
    for draft in drafts:
        if draft.cause_of_concern and draft.cause_of_concern.casefold() not in known_concerns:
            raise TransitionRefused(
                f"{draft.reference}: {draft.cause_of_concern} is not a cause of concern of this report"
            )
        for force_id, past in draft.past.items():
            problems = past_problems(past=past, published_on=published_on, today=today)
            if problems:
                raise TransitionRefused(f"{draft.reference} for force {force_id}: {problems[0]}")

    # Causes of concern first, so that the recommendations answering them can point at them.
    new = [d for d in drafts if d.existing_finding_id is None]
    new.sort(key=lambda d: d.category != Finding.Category.CAUSE_OF_CONCERN)
    findings: dict[str, Finding] = {}
    for group in (
        [d for d in new if d.category == Finding.Category.CAUSE_OF_CONCERN],
        [d for d in new if d.category != Finding.Category.CAUSE_OF_CONCERN],
    ):
        created = [
            Finding(
                inspection=inspection,
                category=d.category,
                reference=d.reference,
                text=d.text,
                target_date=d.target_date,
                cause_of_concern_id=concerns[d.cause_of_concern.casefold()] if d.cause_of_concern else None,
                accelerated=d.accelerated,
                action_plan_due_on=rules.action_plan_due(
                    category=d.category,
                    accelerated=d.accelerated,
                    programme_slug=programme_slug,
                    published_on=published_on,
                ),
                position=d.position,
            )
            for d in group
        ]
        Finding.objects.bulk_create(created, batch_size=EVENT_BATCH)
        Finding.themes.through.objects.bulk_create(
            [
                Finding.themes.through(finding_id=finding.pk, theme_id=theme_id)
                for finding, d in zip(created, group, strict=True)
                for theme_id in d.theme_ids
            ],
            batch_size=EVENT_BATCH,
        )
        Finding.history.bulk_history_create(
            created, default_user=user, default_change_reason=source, default_date=now, batch_size=EVENT_BATCH
        )
        for finding in created:
            findings[finding.reference.casefold()] = finding
            if finding.category == Finding.Category.CAUSE_OF_CONCERN:
                concerns[finding.reference.casefold()] = finding.pk
    result.findings = len(findings)
    existing = Finding.objects.in_bulk({d.existing_finding_id for d in drafts if d.existing_finding_id})

    # The items: superseded ones last, pointing at the items (same force) of the findings that
    # replaced them, which are then already saved.
    pending: list[tuple[TrackedItem, Finding, ItemPast, ClockHistory]] = []
    for draft in drafts:
        finding = (
            existing[draft.existing_finding_id] if draft.existing_finding_id else findings[draft.reference.casefold()]
        )
        for force_id in draft.force_ids:
            past = draft.past.get(force_id) or ItemPast()
            item = TrackedItem(
                finding=finding,
                force_id=force_id,
                original_target_date=draft.target_date if not draft.existing_finding_id else finding.target_date,
                current_target_date=draft.target_date if not draft.existing_finding_id else finding.target_date,
                entered_on=today,
                status=past.status,
                submitted_on=past.status_on if past.status == TrackedItem.Status.SUBMITTED else None,
                response=past.response,
                responded_on=past.responded_on,
                response_reason=past.response_reason.strip() if past.response in TrackedItem.REASONED_RESPONSES else "",
                closed_on=past.closed_on if past.is_closed else None,
                closing_note=past.closing_note.strip() if past.is_closed else "",
                last_update_at=_london_midnight(past.last_progress_on) if past.last_progress_on else None,
            )
            # The clocks' flags as the sweep would hold them today, set before the row is written.
            clocks = clock_history(
                past=past,
                current_target=item.current_target_date,
                published_on=published_on,
                action_plan_due_on=finding.action_plan_due_on,
                today=today,
            )
            for name, day in clocks.flags.items():
                setattr(item, name, day)
            pending.append((item, finding, past, clocks))
    ordered = sorted(pending, key=lambda entry: entry[2].status == TrackedItem.Status.SUPERSEDED)
    first = [entry for entry in ordered if entry[2].status != TrackedItem.Status.SUPERSEDED]
    TrackedItem.objects.bulk_create([entry[0] for entry in first], batch_size=EVENT_BATCH)
    last = [entry for entry in ordered if entry[2].status == TrackedItem.Status.SUPERSEDED]
    if last:
        wanted = {(entry[1].inspection_id, entry[2].superseded_by.casefold()) for entry in last}
        successors = {
            (inspection_id, ref.casefold(), force_id): pk
            for pk, inspection_id, ref, force_id in TrackedItem.objects.filter(
                finding__inspection_id__in={w[0] for w in wanted}
            ).values_list("pk", "finding__inspection_id", "finding__reference", "force_id")
        }
        for item, finding, past, _ in last:
            key = (finding.inspection_id, past.superseded_by.casefold(), item.force_id)
            if key not in successors:
                raise TransitionRefused(
                    f"{finding.reference}: {past.superseded_by} is not a finding of this report tracked by the same force"
                )
            item.superseded_by_id = successors[key]
        TrackedItem.objects.bulk_create([entry[0] for entry in last], batch_size=EVENT_BATCH)
    items = [entry[0] for entry in ordered]
    result.items = len(items)

    events: list[ItemEvent] = []
    for item, _finding, past, clocks in ordered:
        events += _entry_events(
            item=item,
            clocks=clocks,
            past=past,
            user=user,
            source=source,
            published_on=published_on,
            today=today,
            now=now,
        )
    TrackedItem.history.bulk_history_create(
        items, default_user=user, default_change_reason=source, default_date=now, batch_size=EVENT_BATCH
    )
    ItemEvent.objects.bulk_create(events, batch_size=EVENT_BATCH)
    result.events = len(events)
    # The new items' counts added to the summary (what they add, not a recount of their forces).
    with counted_items_changing(items=TrackedItem.objects.filter(pk__in=[item.pk for item in items]), new=True):
        pass
    return result


def _entry_events(
    *,
    item: TrackedItem,
    clocks: ClockHistory,
    past: ItemPast,
    user: User,
    source: str,
    published_on: dt.date | None,
    today: dt.date,
    now: dt.datetime,
) -> list[ItemEvent]:
    """The timeline an item enters with. Everything is dated when it happened: publication on the
    report's date (not today), the response, each status change and comment, the closure, and the
    clocks' past (worked out before the item was written); every event says it was imported."""

    def event(kind: str, day: dt.date | None, actor: User | None = user, **values) -> ItemEvent:
        at = _london_midnight(day) if day is not None and day <= today else now
        return ItemEvent(item_id=item.pk, kind=kind, at=at, actor=actor, imported=True, **values)

    published_day = published_on if published_on is not None and published_on <= today else None
    events = [
        event(
            ItemEvent.Kind.CREATED,
            published_day,
            to_status=TrackedItem.Status.PUBLISHED,
            target_date=item.current_target_date,
            note=f"Imported from {source} on {today.day} {today:%B %Y}.",
        )
    ]
    if past.response != TrackedItem.Response.PENDING and past.responded_on is not None:
        label = TrackedItem.Response(past.response).label
        reason = item.response_reason
        events.append(
            event(ItemEvent.Kind.RESPONSE, past.responded_on, note=f"{label}. {reason}".strip() if reason else label)
        )
    status = TrackedItem.Status.PUBLISHED
    closing_recorded = False
    for change in past.changes:
        to_status = change.status if change.status and change.status != status else ""
        if not to_status and not change.comment:
            continue  # the register repeating the status the item already had: nothing happened
        closes = to_status in TrackedItem.CLOSED_STATUSES and past.is_closed and change.day == past.closed_on
        note = change.comment
        if closes and past.closing_note and past.closing_note not in note:
            note = f"{past.closing_note}\n\n{note}".strip()
        events.append(
            event(
                ItemEvent.Kind.CLOSED if closes else ItemEvent.Kind.RECORDED,
                change.day,
                from_status=status if to_status else "",
                to_status=to_status,
                note=note,
            )
        )
        closing_recorded = closing_recorded or closes
        status = to_status or status
    if status != past.status and not past.is_closed:
        # The state columns say where it stands now, the history did not: record the step.
        events.append(
            event(ItemEvent.Kind.RECORDED, past.status_on or today, from_status=status, to_status=past.status)
        )
    if past.is_closed and not closing_recorded:
        events.append(
            event(
                ItemEvent.Kind.CLOSED,
                past.closed_on,
                from_status=status if status != past.status else "",
                to_status=past.status,
                note=past.closing_note or TrackedItem.Status(past.status).label,
            )
        )
    for clock in clocks.events:
        events.append(
            event(
                clock.kind,
                clock.day,
                actor=None,  # the clocks', as the sweep's own events
                target_date=clock.deadline,
                clock_day=clock.day,
                notified_at=now,
            )
        )
    return events
