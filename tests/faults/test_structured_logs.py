"""LOG_FORMAT=json: `manage.py sweep`, the Celery worker and beat, run as production runs them,
write one JSON object a line to stderr; the sweep and the outbox delivery log their numbers as keys
a log collector can query (not only inside the message text); a broker outage is one line a minute
per process with a count, not a traceback per reconnection attempt."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.faults.support import ROOT, wait_for

SETUP = """
import datetime as dt
from django.contrib.auth.models import Group
from accounts.roles import GROUP_NAMES, Role
from core.dates import london_today
from tests import factories
force = factories.ForceFactory(name="Cleveland Police")
user = factories.UserFactory(username="liaison.user")
user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
factories.LiaisonMembershipFactory(user=user, force=force)
for _ in range(2):
    factories.TrackedItemFactory(force=force, finding__target_date=london_today() - dt.timedelta(days=1))
"""


def _run(*args: str, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_the_sweep_logs_one_json_object_a_line_with_its_numbers_as_keys(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_BROKER_URL": "memory://",
    }
    _run("migrate", "--noinput", env=env)
    _run("shell", "-c", SETUP, env=env)
    result = _run("sweep", env=env)

    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "the sweep logged nothing"
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all(isinstance(r, dict) and {"time", "level", "logger", "message"} <= r.keys() for r in records)
    by_event = {r.get("event"): r for r in records}

    swept = by_event["clocks_swept"]
    assert (swept["overdue_flagged"], swept["overdue_cleared"]) == (2, 0)
    assert by_event["alerts_enqueued"]["enqueued"] == 2
    done = by_event["sweep_done"]
    assert done["logger"] == "inspections.overdue.sweep"
    assert done["overdue_flagged"] == 2 and done["alerts_enqueued"] == 2
    assert isinstance(done["seconds"], float)
    delivered = by_event["outbox_delivered"]
    assert (delivered["sent"], delivered["failed"]) == (2, 0)
    assert "overdue_flagged=2" in result.stdout


def test_an_import_logs_its_numbers_as_keys(db, staff_user, caplog):
    import logging

    from imports.services import import_batch_confirm, import_batch_create
    from tests import factories
    from tests.imports.test_services import csv_bytes

    factories.ForceFactory(name="Cleveland Police")
    inspection = factories.InspectionFactory(reference="NCPI-1")
    data = csv_bytes([["R1", "Recommendation", "Assess every missing child.", "Cleveland Police", "31/03/2027", ""]])
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="findings.csv")
    with caplog.at_level(logging.INFO, "imports.services"):
        import_batch_confirm(batch=batch, user=staff_user)
    [record] = [r for r in caplog.records if getattr(r, "event", None) == "import_saved"]
    assert (record.batch, record.rows, record.items) == (str(batch.pk), 1, 1)
    assert record.seconds >= 0


def _json_lines(text: str) -> list[dict]:
    lines = [line for line in text.splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise AssertionError(f"not one JSON object: {line!r}") from error
    return records


@pytest.mark.redis
def test_the_worker_and_beat_log_json_and_a_broker_outage_once_a_minute(fault_redis, tmp_path):
    """A real worker and a real beat with LOG_FORMAT=json: every line they log (stderr; Celery's
    start-up banner goes to stdout) is one JSON object, and with the broker stopped each logs the
    outage once, where unthrottled they would log every reconnection attempt with its traceback."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": fault_redis.url,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret",
        "VAR_DIR": str(tmp_path / "var"),
        "SWEEP_INTERVAL_SECONDS": "2",  # beat publishes every 2 s, so it meets the outage at once
    }
    _run("migrate", "--noinput", env=env)
    processes = {}
    for name, args in (
        ("worker", ["worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]),
        ("beat", ["beat", "-s", str(tmp_path / "beat-schedule")]),
    ):
        err = (tmp_path / f"{name}.err").open("w")
        out = (tmp_path / f"{name}.out").open("w")
        processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args], cwd=ROOT, env=env, stdout=out, stderr=err
        )
    try:
        wait_for(
            lambda: '"event": "sweep_done"' in (tmp_path / "worker.err").read_text(),
            timeout=60,
            what="the worker to run the sweep beat asks for at start-up",
        )
        fault_redis.stop()
        # Unthrottled, the worker would log 4 reconnection attempts in these 20 s and beat 10.
        wait_for(
            lambda: all('"broker_unreachable"' in (tmp_path / f"{name}.err").read_text() for name in processes),
            timeout=30,
            what="both to log the outage",
        )
        time.sleep(10)  # bounded: the assertion is on what they logged meanwhile
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    for name in processes:
        records = _json_lines((tmp_path / f"{name}.err").read_text())
        assert all({"time", "level", "logger", "message", "process"} <= r.keys() for r in records)
        outage = [r for r in records if r.get("event") == "broker_unreachable"]
        assert len(outage) == 1, (name, outage)
        assert outage[0]["count"] >= 1 and "exc_info" not in outage[0]
        assert not any("Traceback" in json.dumps(r) for r in records), name
    worker = _json_lines((tmp_path / "worker.err").read_text())
    assert any(r["message"].endswith(" ready.") for r in worker)
    beat = _json_lines((tmp_path / "beat.err").read_text())
    assert any(r.get("event") == "startup_sweep_requested" for r in beat)
