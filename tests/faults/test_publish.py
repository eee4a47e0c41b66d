"""Publishing a task to a dead broker fails fast and quietly: the outbox keeps the message.
(Runs everywhere: nothing listens on the port, so no Redis is needed.)"""

import logging
import socket
import time

from config.celery import app
from notifications.models import Message
from notifications.services import message_enqueue
from tests import factories
from tests.faults.support import forget_connections


def _dead_broker_url() -> str:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_enqueue_with_the_broker_down_keeps_the_message_and_returns_at_once(
    db, django_capture_on_commit_callbacks, caplog, monkeypatch, settings, request
):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery reads it before its settings
    settings.CELERY_BROKER_URL = _dead_broker_url()  # and reads Django's settings live
    settings.CELERY_TASK_ALWAYS_EAGER = False
    forget_connections()
    request.addfinalizer(forget_connections)
    assert app.connection_for_write().port == int(settings.CELERY_BROKER_URL.rsplit(":", 1)[1].split("/")[0])
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


def test_a_large_import_confirmed_with_the_broker_down_is_saved_in_the_request(
    db, django_capture_on_commit_callbacks, caplog, monkeypatch, settings, staff_user, request
):
    from imports.models import ImportBatch
    from imports.services import import_batch_confirm, import_batch_create
    from inspections.models import Finding
    from tests.imports.test_services import csv_bytes

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    settings.CELERY_BROKER_URL = _dead_broker_url()  # Celery reads Django's settings live
    settings.CELERY_TASK_ALWAYS_EAGER = False
    forget_connections()
    request.addfinalizer(forget_connections)
    settings.IMPORT_INLINE_MAX_ROWS = 2  # so this batch is one for the worker
    factories.ForceFactory(name="Cleveland Police")
    inspection = factories.InspectionFactory(reference="NCPI-1")
    rows = [[f"R{n}", "recommendation", f"Text {n}", "Cleveland Police", "31/03/2027", ""] for n in range(5)]
    batch = import_batch_create(user=staff_user, inspection=inspection, data=csv_bytes(rows), name="f.csv")
    assert batch.problem_count == 0, [row["problems"] for row in batch.rows]
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, "imports.services"):
        with django_capture_on_commit_callbacks(execute=True):
            import_batch_confirm(batch=batch, user=staff_user)
    assert time.monotonic() - started < 1.5
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert Finding.objects.filter(inspection=inspection).count() == 5
    assert any(getattr(r, "event", None) == "import_inline_fallback" for r in caplog.records)


def test_a_large_committee_paper_asked_for_with_the_broker_down_is_written_in_the_request(
    db, django_capture_on_commit_callbacks, caplog, monkeypatch, settings, manager_user, force, request
):
    from reporting.models import PaperJob
    from reporting.services import paper_job_request

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    settings.CELERY_BROKER_URL = _dead_broker_url()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    forget_connections()
    request.addfinalizer(forget_connections)
    for _ in range(3):
        factories.TrackedItemFactory(force=force, status="in_progress")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, "reporting.services"):
        with django_capture_on_commit_callbacks(execute=True):
            job = paper_job_request(user=manager_user, force=force, item_count=3)
    assert time.monotonic() - started < 3
    job = PaperJob.objects.get(pk=job.pk)
    assert (job.state, job.written) == ("ready", 3)
    assert bytes(job.content).startswith(b"PK")  # a .docx is a zip file
    assert any(getattr(r, "event", None) == "paper_inline_fallback" for r in caplog.records)
