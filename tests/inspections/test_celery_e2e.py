"""Once end to end: a real Celery worker with an embedded beat, on Redis, against
the test database, flags an overdue item and sends its email through the outbox.

Runs when DATABASE_URL is PostgreSQL (an SQLite test database lives in this process's memory, out
of the worker's reach) and CELERY_BROKER_URL is a Redis that answers. CI sets REQUIRE_REDIS=1:
then an unreachable Redis fails the test instead of skipping it."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from email import message_from_string
from email.policy import default as email_policy
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from accounts.roles import GROUP_NAMES, Role
from core.dates import london_today, long_date
from inspections.models import ItemEvent, TrackedItem
from notifications.models import Message
from tests import factories
from tests.inspections.committed import committed_db  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60


def _redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    problem = None
    if not url.startswith("redis://"):
        problem = f"CELERY_BROKER_URL is not Redis ({url or 'unset'})"
    else:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.exceptions.RedisError as error:
            problem = f"Redis at {url} does not answer: {error}"
    if problem:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {problem}")
        pytest.skip(problem)
    return url


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    return f"postgres://{quote(s['USER'] or '', safe='')}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.redis
@pytest.mark.postgres
# Decided at collection, so on SQLite no transactional database is set up and flushed.
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the worker must reach the test database: run with DATABASE_URL=postgres://... (CI does)",
)
def test_a_real_worker_and_beat_flag_an_item_and_send_its_email(tmp_path, request):
    broker = _redis_url()
    # Committed, so the worker sees it; emptied afterwards (see tests/inspections/committed.py).
    request.getfixturevalue("committed_db")
    force = factories.ForceFactory(name="Cleveland Police")
    liaison_user = factories.UserFactory(username="liaison.user")
    liaison_user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
    factories.LiaisonMembershipFactory(user=liaison_user, force=force)
    yesterday = london_today() - dt.timedelta(days=1)
    item = factories.TrackedItemFactory(force=force, finding__target_date=yesterday)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SWEEP_INTERVAL_SECONDS": "2",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret"),
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-s",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        files: list[Path] = []
        while time.monotonic() < deadline and worker.poll() is None:
            # Other jobs in the schedule may send their own mail; this test waits for the alert.
            files = [
                p
                for p in mail_dir.iterdir()
                if ": overdue since " in (message_from_string(p.read_text(), policy=email_policy)["Subject"] or "")
            ]
            if files and Message.objects.filter(reason="overdue", state=Message.State.SENT).exists():
                break
            time.sleep(0.5)  # waiting for a real process, bounded by WAIT_SECONDS
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
    output = (tmp_path / "worker.log").read_text()
    assert files, f"no email written within {WAIT_SECONDS} s; worker log:\n{output[-4000:]}"

    item.refresh_from_db()
    assert item.overdue_flagged_on == london_today()
    assert ItemEvent.objects.filter(item=item, kind=ItemEvent.Kind.BECAME_OVERDUE).count() == 1
    [message] = Message.objects.filter(reason="overdue")
    assert (message.state, message.to_email) == (Message.State.SENT, liaison_user.email)
    emails = [message_from_string(p.read_text(), policy=email_policy) for p in files]
    assert [(e["To"], e["Subject"].strip()) for e in emails] == [
        (
            liaison_user.email,
            f"Cleveland Police · {item.finding.inspection.reference} recommendation {item.finding.reference}: "
            f"overdue since {long_date(item.current_target_date + dt.timedelta(days=1))}",
        )
    ]
    assert TrackedItem.objects.filter(overdue_flagged_on__isnull=False).count() == 1
