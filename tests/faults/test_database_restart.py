"""A database restart while the service runs: every connection is cut (what a restart looks like
to a client: pg_terminate_backend on our own database, never the server itself).

- The worker: Celery's Django fix-up closes the connection before and after every task, so a
  restart between tasks costs nothing; one cut in the middle of a task fails that task alone (the
  worker lives on) and the next run (the next beat tick) finishes the work.
- A web process keeps its connection between requests (CONN_MAX_AGE); CONN_HEALTH_CHECKS makes
  it check a reused connection first, so the first request after a restart is not a server error."""

import datetime as dt

import psycopg2
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from core.dates import london_today
from core.models import JobRun
from inspections.models import ItemEvent, TrackedItem
from notifications.models import Message
from tests import factories
from tests.faults.support import Worker, broker, postgres_only, sent_emails, wait_for, worker_env


def _outbox(user, start: int, count: int) -> None:
    Message.objects.bulk_create(
        Message(
            key=f"restart:{n}",
            recipient=user,
            to_email=user.email,
            reason="test",
            subject=f"Message {n}",
            body="Body",
            next_attempt_at=timezone.now(),
        )
        for n in range(start, start + count)
    )


def _side_connection():
    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
    )
    conn.autocommit = True
    return conn


def _cut(side, *, keep: tuple[int, ...] = ()) -> int:
    """Terminate every connection to our database but the side connection's and `keep`."""
    with side.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT (pid = ANY(%s))",
            [list(keep)],
        )
        return cursor.fetchone()[0]


@pytest.mark.redis
@pytest.mark.postgres
@postgres_only
def test_the_worker_survives_its_database_connections_being_cut(request, fault_redis, settings, tmp_path, monkeypatch):
    request.getfixturevalue("committed")
    user = factories.UserFactory(username="someone")
    today = london_today()
    held = factories.TrackedItemFactory(finding__target_date=today + dt.timedelta(days=365), response="accepted")
    TrackedItem.objects.filter(pk=held.pk).update(status="submitted", submitted_on=today - dt.timedelta(days=40))
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = worker_env(broker=fault_redis.url, mail_dir=mail_dir, CONN_MAX_AGE="600")
    worker = Worker(env=env, log=tmp_path / "w.log", name="db")
    side, locker = _side_connection(), None
    try:
        worker.wait_ready()
        with broker(fault_redis.url, settings, monkeypatch):
            from inspections.tasks import sweep_overdue
            from notifications.tasks import deliver_messages

            _outbox(user, 0, 5)
            deliver_messages.apply_async(expires=60)
            wait_for(lambda: Message.objects.filter(state=Message.State.SENT).count() == 5, timeout=30, what="batch 1")

            # A restart between tasks.
            connection.close()
            _cut(side, keep=())
            _outbox(user, 5, 5)
            deliver_messages.apply_async(expires=60)  # once: it must succeed the first time
            wait_for(lambda: Message.objects.filter(state=Message.State.SENT).count() == 10, timeout=30, what="batch 2")

            # A restart in the middle of a sweep (held on a row this test locks).
            locker = _side_connection()  # after the cut above
            locker.autocommit = False
            with locker.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                locker_pid = cursor.fetchone()[0]
                cursor.execute("SELECT id FROM inspections_trackeditem WHERE id = %s FOR UPDATE", [held.pk])
            sweep_overdue.apply_async(expires=60)

            def sweep_waiting() -> bool:
                with side.cursor() as cursor:
                    cursor.execute(
                        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                    return cursor.fetchone() is not None

            wait_for(sweep_waiting, timeout=30, what="the sweep to reach the held row")
            connection.close()
            assert _cut(side, keep=(locker_pid,)) >= 1
            wait_for(lambda: "raised unexpected" in worker.log(), timeout=30, what="the cut task to fail")
            locker.rollback()
            assert worker.process.poll() is None, "the worker lives on"
            assert not ItemEvent.objects.filter(item=held).exists()  # the cut statement left nothing

            sweep_overdue.apply_async(expires=60)  # the next beat tick
            wait_for(lambda: JobRun.objects.exists(), timeout=30, what="the next sweep to finish")
    finally:
        side.close()
        if locker is not None:
            locker.close()
        worker.stop()
    assert "OperationalError" in worker.log()
    assert Message.objects.filter(state=Message.State.SENT).count() == 10
    assert sorted(e["Subject"] for e in sent_emails(mail_dir)) == sorted(f"Message {n}" for n in range(10))
    assert ItemEvent.objects.filter(item=held, kind=ItemEvent.Kind.VERIFICATION_LATE).count() == 1


def _serve(path: str) -> int:
    """One request through Django's real WSGI handler, as gunicorn makes it (the test client
    leaves out the request_started handling of persistent connections)."""
    statuses = []
    environ = RequestFactory().get(path).environ
    body = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    b"".join(body)
    return int(statuses[0].split()[0])


@pytest.mark.postgres
@postgres_only
@pytest.mark.parametrize("health_checks", [True, False])
def test_a_web_process_survives_its_persistent_connection_being_cut(request, health_checks):
    """With health checks the first request after the cut reconnects (200); without them it fails
    on the dead connection (a server error): the reason for CONN_HEALTH_CHECKS=True."""
    request.getfixturevalue("committed")
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True  # the default
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=health_checks)
    connection.close()  # the next connection takes these settings
    side = _side_connection()
    try:
        assert _serve("/healthz") == 200
        assert connection.connection is not None  # kept between requests
        pid = connection.connection.get_backend_pid()
        with side.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

        def gone() -> bool:  # termination is a signal: wait until the backend has exited
            with side.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                return cursor.fetchone() is None

        wait_for(gone, timeout=10, what="the backend to exit")
        first_after = _serve("/healthz")
        if health_checks:
            assert first_after == 200
        else:
            assert first_after in (500, 503)  # the dead connection was reused
        assert _serve("/healthz") == 200  # either way the one after is fine
    finally:
        side.close()
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
