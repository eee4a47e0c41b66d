"""The outbox under failure: bulk enqueue, retries with back-off, dead letters, stale claims."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from notifications.models import Message
from notifications.services import (
    MAX_ATTEMPTS,
    MessageDraft,
    message_enqueue,
    messages_deliver,
    messages_enqueue_many,
    messages_retry,
)
from notifications.tasks import deliver_messages
from tests import factories

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)


def draft(user, key="k"):
    return MessageDraft(recipient=user, reason="test", key=key, subject="Hello", body="Body")


def test_enqueue_many_skips_keys_already_taken(staff_user):
    message_enqueue(recipient=staff_user, reason="test", key="a", subject="Hello", body="Body")
    assert messages_enqueue_many(drafts=[draft(staff_user, "a"), draft(staff_user, "b"), draft(staff_user, "b")]) == 1
    assert messages_enqueue_many(drafts=[draft(staff_user, "a"), draft(staff_user, "b")]) == 0
    assert sorted(Message.objects.values_list("key", flat=True)) == ["a", "b"]


def test_enqueue_many_skips_users_without_email_or_inactive(staff_user):
    no_email = factories.UserFactory(username="no.email", email="")
    gone = factories.UserFactory(username="gone", is_active=False)
    assert messages_enqueue_many(drafts=[draft(no_email, "x"), draft(gone, "y")]) == 0
    assert not Message.objects.exists()


def test_a_failing_message_backs_off_then_goes_out(staff_user, settings):
    with time_machine.travel(T0, tick=False):
        message_enqueue(recipient=staff_user, reason="test", key="k", subject="Hello", body="Body")
        settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
        assert messages_deliver() == {"sent": 0, "failed": 1}
        assert messages_deliver() == {"sent": 0, "failed": 0}  # not due yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
        assert messages_deliver() == {"sent": 1, "failed": 0}
    message = Message.objects.get()
    assert (message.state, message.attempts, message.last_error) == (Message.State.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_a_message_that_keeps_failing_becomes_a_dead_letter(staff_user, settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    with time_machine.travel(T0, tick=False):
        message_enqueue(recipient=staff_user, reason="test", key="k", subject="Hello", body="Body")
    for attempt in range(MAX_ATTEMPTS):
        with time_machine.travel(T0 + dt.timedelta(days=attempt + 1), tick=False):
            messages_deliver()
    message = Message.objects.get()
    assert (message.state, message.attempts) == (Message.State.DEAD, MAX_ATTEMPTS)
    with time_machine.travel(T0 + dt.timedelta(days=30), tick=False):
        assert messages_deliver() == {"sent": 0, "failed": 0}


def test_a_claim_left_by_a_dead_worker_is_taken_over_later(staff_user):
    with time_machine.travel(T0, tick=False):
        message = message_enqueue(recipient=staff_user, reason="test", key="k", subject="Hello", body="Body")
        Message.objects.filter(id=message.id).update(state=Message.State.SENDING, claimed_at=T0, attempts=1)
        assert messages_deliver() == {"sent": 0, "failed": 0}  # someone is sending it
    with time_machine.travel(T0 + dt.timedelta(minutes=11), tick=False):
        assert messages_deliver() == {"sent": 1, "failed": 0}
    assert len(mail.outbox) == 1


def test_the_delivery_task_sends_what_is_due(staff_user, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    message_enqueue(recipient=staff_user, reason="test", key="k", subject="Hello", body="Body")
    assert deliver_messages.delay().get() == {"sent": 1, "failed": 0}


def test_a_dead_letter_can_be_retried_once_the_mail_server_is_fixed(staff_user):
    sent = message_enqueue(recipient=staff_user, reason="test", key="sent", subject="Hello", body="Body")
    dead = message_enqueue(recipient=staff_user, reason="test", key="dead", subject="Hello", body="Body")
    Message.objects.filter(id=dead.id).update(state=Message.State.DEAD, attempts=MAX_ATTEMPTS, last_error="refused")
    assert messages_deliver() == {"sent": 1, "failed": 0}
    assert messages_retry(ids=[sent.id, dead.id]) == 1
    assert messages_deliver() == {"sent": 1, "failed": 0}
    assert len(mail.outbox) == 2
