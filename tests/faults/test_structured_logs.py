"""LOG_FORMAT=json: `manage.py sweep`, run as production runs it, writes one JSON object a line
to stderr, and the sweep and the outbox delivery log their numbers as keys a log collector can
query (not only inside the message text)."""

import json
import os
import subprocess
import sys

from tests.faults.support import ROOT

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
    data = csv_bytes([["R1", "Recommendation", "Assess every missing child.", "Cleveland Police", "", ""]])
    batch = import_batch_create(user=staff_user, inspection=inspection, data=data, name="findings.csv")
    with caplog.at_level(logging.INFO, "imports.services"):
        import_batch_confirm(batch=batch, user=staff_user)
    [record] = [r for r in caplog.records if getattr(r, "event", None) == "import_saved"]
    assert (record.batch, record.rows, record.items) == (str(batch.pk), 1, 1)
    assert record.seconds >= 0
