"""Writes for the outbox. Enqueue records the message (once per key); delivery claims each message
with a conditional UPDATE, so two workers never both send it, then sends and records the outcome."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from core.broker import publish_once
from core.logs import outage_warning
from core.text import single_line
from notifications.models import Message

SUBJECT_MAX = 200


def subject_line(subject: str) -> str:
    """An email subject is one header line: stored text in it (a reference, a force's name) may
    hold a line break from older data, which the mail library refuses ("Header values can't contain
    newlines"), so every line break and control character becomes a space."""
    return single_line(subject, max_length=SUBJECT_MAX)


logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A claim older than this is taken to be from a worker that died mid-send.
STALE_CLAIM = dt.timedelta(minutes=10)


def message_enqueue(*, recipient: User, reason: str, key: str, subject: str, body: str) -> Message | None:
    """Record a message to send. Returns None when a message with this key already exists (it is
    never sent twice). Delivery is scheduled after the surrounding transaction commits, so a change
    that is rolled back sends nothing."""
    if not recipient.email or not recipient.is_active:
        return None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key[:200],
                recipient=recipient,
                to_email=recipient.email,
                reason=reason,
                subject=subject_line(subject),
                body=body,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None
    transaction.on_commit(_schedule_delivery)
    return message


@dataclass(frozen=True)
class MessageDraft:
    recipient: User
    reason: str
    key: str
    subject: str
    body: str


def messages_enqueue_many(*, drafts: list[MessageDraft]) -> int:
    """Record many messages at once: keys already taken are skipped (never sent twice), and the
    rest are inserted with ON CONFLICT DO NOTHING, so a concurrent run that inserts the same key
    first wins without an error. Returns how many new keys this call tried to add."""
    drafts = [d for d in drafts if d.recipient.email and d.recipient.is_active]
    if not drafts:
        return 0
    now = timezone.now()
    by_key = {d.key[:200]: d for d in drafts}
    taken: set[str] = set()
    keys = list(by_key)
    for start in range(0, len(keys), 900):
        taken |= set(Message.objects.filter(key__in=keys[start : start + 900]).values_list("key", flat=True))
    new = [
        Message(
            key=key,
            recipient=d.recipient,
            to_email=d.recipient.email,
            reason=d.reason,
            subject=subject_line(d.subject),
            body=d.body,
            next_attempt_at=now,
        )
        for key, d in by_key.items()
        if key not in taken
    ]
    if new:
        Message.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        transaction.on_commit(_schedule_delivery)
    return len(new)


def _schedule_delivery() -> None:
    # The broker may be down: the message is safe in the outbox and the periodic delivery job
    # picks it up later, so a failure to enqueue the task is logged, never raised to the user.
    from notifications.tasks import deliver_messages

    # The periodic delivery job is the retry.
    error = publish_once(deliver_messages, expires=300)
    if error is not None:
        # Every write that sends an email gets here while the broker is down: one warning a minute.
        outage_warning(
            logger,
            kind="broker",
            event="outbox_schedule_failed",
            message="broker unreachable; messages wait in the outbox",
            error=str(error),
        )


def messages_deliver(*, limit: int = 200) -> dict[str, int]:
    """Send what is due. Each message is claimed by one conditional UPDATE before it is sent."""
    now = timezone.now()
    due = Q(state__in=[Message.State.PENDING, Message.State.FAILED], next_attempt_at__lte=now) | Q(
        state=Message.State.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    candidates = list(Message.objects.filter(due).order_by("next_attempt_at").values_list("id", flat=True)[:limit])
    sent = failed = 0
    for message_id in candidates:
        claimed = Message.objects.filter(due, id=message_id).update(
            state=Message.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        if not claimed:
            continue  # another worker has it
        message = Message.objects.get(id=message_id)
        try:
            send_mail(subject_line(message.subject), message.body, settings.DEFAULT_FROM_EMAIL, [message.to_email])
        except Exception as error:  # noqa: BLE001 - any transport error: retry later
            failed += 1
            gave_up = message.attempts >= MAX_ATTEMPTS
            Message.objects.filter(id=message_id).update(
                state=Message.State.DEAD if gave_up else Message.State.FAILED,
                next_attempt_at=now + dt.timedelta(minutes=2 ** min(message.attempts, 8)),
                last_error=str(error)[:2000],
            )
            continue
        Message.objects.filter(id=message_id).update(state=Message.State.SENT, sent_at=timezone.now(), last_error="")
        sent += 1
    if sent or failed:
        logger.info(
            "outbox delivery: %s sent, %s failed",
            sent,
            failed,
            extra={
                "event": "outbox_delivered",
                "sent": sent,
                "failed": failed,
                "claimed_elsewhere": len(candidates) - sent - failed,
            },
        )
    return {"sent": sent, "failed": failed}


def messages_retry(*, ids: list[int]) -> int:
    """Give dead letters (and failed messages) a fresh start, for when the mail server is fixed:
    the next delivery sends them. Sent messages are never sent again."""
    return Message.objects.filter(id__in=ids, state__in=[Message.State.DEAD, Message.State.FAILED]).update(
        state=Message.State.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
