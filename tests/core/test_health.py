import datetime as dt

import pytest
from django.utils import timezone

from core.health import SWEEP_JOB, check_sweep
from core.services import job_run_record

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert set(body["checks"]) == {"database", "broker", "last_sweep"}


def test_an_unreachable_broker_is_reported_but_not_fatal(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    body = client.get("/healthz").json()
    assert body["checks"]["broker"]["ok"] is False
    assert body["status"] == "ok"


def test_sweep_age(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False)
    assert check_sweep().detail == "never run"
    job_run_record(name=SWEEP_JOB, started_at=timezone.now())
    assert check_sweep().ok
    time_machine.move_to(dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.UTC), tick=False)
    stale = check_sweep()
    assert not stale.ok and stale.detail == "5400 s ago"
