"""Publishing a task to a dead broker fails fast and quietly: the outbox keeps the message.
(Runs everywhere: nothing listens on the port, so no Redis is needed.)"""

import logging
import socket
import time

from config.celery import app
from notifications.models import Message
from notifications.services import message_enqueue
from tests import factories


def _dead_broker_url() -> str:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_enqueue_with_the_broker_down_keeps_the_message_and_returns_at_once(
    db, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery reads it before its settings
    monkeypatch.setattr(app.conf, "broker_url", _dead_broker_url())
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    user = factories.UserFactory()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, "notifications.services"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            message = message_enqueue(recipient=user, reason="test", key="k1", subject="Hello", body="Body")
    elapsed = time.monotonic() - started
    assert len(callbacks) == 1  # the delivery was scheduled, and failed to publish
    assert elapsed < 1.5, f"enqueue waited {elapsed:.2f} s on a dead broker"
    assert Message.objects.get(pk=message.pk).state == Message.State.PENDING
    [record] = [r for r in caplog.records if r.name == "notifications.services"]
    assert record.event == "outbox_schedule_failed"
    assert "Connection refused" in record.error or "111" in record.error
