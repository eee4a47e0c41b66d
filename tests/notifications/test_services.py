import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Message
from notifications.services import message_enqueue, messages_deliver

pytestmark = pytest.mark.django_db


def test_one_message_per_key_and_sent_once(staff_user):
    first = message_enqueue(recipient=staff_user, reason="test", key="k1", subject="Hello", body="Body")
    second = message_enqueue(recipient=staff_user, reason="test", key="k1", subject="Hello", body="Body")
    assert first is not None and second is None
    assert messages_deliver() == {"sent": 1, "failed": 0}
    assert messages_deliver() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
    assert Message.objects.get().state == Message.State.SENT


def test_a_rolled_back_change_leaves_no_message(staff_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        message_enqueue(recipient=staff_user, reason="test", key="k2", subject="Hello", body="Body")
        raise RuntimeError("rolled back")
    assert not Message.objects.exists()


def test_a_failed_send_is_retried_later(staff_user, settings):
    message_enqueue(recipient=staff_user, reason="test", key="k3", subject="Hello", body="Body")
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    assert messages_deliver() == {"sent": 0, "failed": 1}
    message = Message.objects.get()
    assert message.state == Message.State.FAILED and "refused" in message.last_error
    assert message.next_attempt_at > message.created_at
