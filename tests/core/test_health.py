"""/healthz: each dependency ok or failing; 503 only when writes cannot succeed; details (error
text, timings) only for staff signed in and for monitoring with the health token."""

import datetime as dt
import socket

import pytest
from django.utils import timezone

from accounts.models import User
from config.celery import _sweep_when_beat_starts
from core.health import SWEEP_JOB, check_sweep
from core.models import JobRun
from core.services import job_run_record

pytestmark = pytest.mark.django_db

CHECKS = {"database", "storage", "broker", "cache", "last_sweep"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_anonymous_callers_see_each_check_ok_or_not_and_nothing_more(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(set(check) == {"ok"} for check in body["checks"].values()), body
    assert body["checks"]["database"]["ok"] is True and body["checks"]["storage"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False
    assert "Connection refused" not in response.content.decode() and "111" not in response.content.decode()


def test_the_health_token_shows_the_details(client, settings):
    settings.HEALTH_TOKEN = "a-long-random-health-token"
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    body = client.get("/healthz", headers={"Authorization": "Bearer a-long-random-health-token"}).json()
    assert body["checks"]["database"]["detail"].endswith(" ms")
    assert body["checks"]["database"]["critical"] is True
    assert body["checks"]["broker"]["critical"] is False
    assert "refused" in body["checks"]["broker"]["detail"].lower() or "111" in body["checks"]["broker"]["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer wrong-token", "a-long-random-health-token", "Bearer a-long-random-health-token "]
)
def test_a_wrong_token_shows_no_details(client, settings, header):
    settings.HEALTH_TOKEN = "a-long-random-health-token"
    body = client.get("/healthz", headers={"Authorization": header}).json()
    assert all(set(check) == {"ok"} for check in body["checks"].values())


def test_without_a_configured_token_no_header_shows_details(client, settings):
    settings.HEALTH_TOKEN = ""
    body = client.get("/healthz", headers={"Authorization": "Bearer "}).json()
    assert all(set(check) == {"ok"} for check in body["checks"].values())


def test_staff_and_superusers_signed_in_see_details_and_others_do_not(client, staff_user, manager_user, liaison_user):
    superuser = User.objects.create_superuser("root", "root@example.gov.uk", "a-long-test-password-1")
    for user, sees in ((staff_user, True), (superuser, True), (manager_user, False), (liaison_user, False)):
        client.force_login(user)
        checks = client.get("/healthz").json()["checks"]
        assert ("detail" in checks["database"]) is sees, user.username


def test_storage_that_cannot_be_written_fails_the_check(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocker / "media"
    settings.HEALTH_TOKEN = "token-for-this-test"
    response = client.get("/healthz", headers={"Authorization": "Bearer token-for-this-test"})
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["storage"]["ok"] is False
    assert (
        "NotADirectoryError" in body["checks"]["storage"]["detail"]
        or "FileExistsError" in (body["checks"]["storage"]["detail"])
    )


def test_the_storage_check_leaves_no_file_behind(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert client.get("/healthz").json()["checks"]["storage"]["ok"] is True
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


def test_a_cache_that_cannot_be_reached_is_reported_but_not_fatal(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "core.cache_backends.FailSafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/1",
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == {"ok": False}


def test_the_sweep_may_be_one_interval_late_but_not_two(time_machine, settings):
    settings.SWEEP_INTERVAL_SECONDS = 900
    time_machine.move_to(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False)
    never = check_sweep()
    assert not never.ok and never.detail == "never run"
    job_run_record(name=SWEEP_JOB, started_at=timezone.now())
    assert check_sweep().ok
    time_machine.move_to(dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC), tick=False)
    assert check_sweep().ok  # 1,800 s: one run missed
    time_machine.move_to(dt.datetime(2026, 11, 26, 9, 30, 1, tzinfo=dt.UTC), tick=False)
    late = check_sweep()
    assert not late.ok and late.detail == "1801 s ago"


def test_beat_asks_for_a_sweep_as_it_starts_so_health_is_green_at_once(settings, client):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert not JobRun.objects.filter(name=SWEEP_JOB).exists()
    _sweep_when_beat_starts()
    assert JobRun.objects.filter(name=SWEEP_JOB).exists()
    assert client.get("/healthz").json()["checks"]["last_sweep"] == {"ok": True}
