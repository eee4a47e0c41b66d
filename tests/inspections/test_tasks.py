"""The Celery side: thin tasks, the beat schedule in code, and the sweep command for cron."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from config.celery import app
from inspections.models import ItemEvent
from inspections.tasks import send_daily_digests, send_weekly_digests, sweep_overdue
from notifications.models import Message

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.mark.django_db
def test_the_sweep_task_flags_and_alerts(eager, liaison_user, item, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 4, 1, 0, 1, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            counts = sweep_overdue.delay().get()
    assert counts["overdue_flagged"] == 1 and counts["alerts_enqueued"] == 1
    # Enqueueing scheduled delivery after the commit; eager, it ran at once.
    assert Message.objects.get().state == Message.State.SENT
    assert [m.to for m in mail.outbox] == [[liaison_user.email]]


@pytest.mark.django_db
def test_digest_tasks_enqueue_once(eager, liaison_user, manager_user, item):
    with time_machine.travel(dt.datetime(2026, 4, 6, 7, tzinfo=LONDON), tick=False):
        sweep_overdue.delay()
        assert send_daily_digests.delay().get() == 1
        assert send_daily_digests.delay().get() == 0
        assert send_weekly_digests.delay().get() == 1
        assert send_weekly_digests.delay().get() == 0


def test_every_scheduled_task_exists_and_expires():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert entry["options"]["expires"] > 0, name
    assert app.conf.timezone == "Europe/London"
    assert app.conf.accept_content == ["json"]


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 7, 15, 6, 59, 30, tzinfo=LONDON),  # BST: 05:59:30 UTC
        dt.datetime(2026, 1, 15, 6, 59, 30, tzinfo=LONDON),  # GMT: 06:59:30 UTC
    ],
)
def test_the_daily_digest_runs_at_7_london_time_in_summer_and_winter(now):
    schedule = settings.CELERY_BEAT_SCHEDULE["daily-digest"]["schedule"]
    schedule.app = app
    with time_machine.travel(now, tick=False):
        last_run = now - dt.timedelta(days=1) + dt.timedelta(seconds=30)  # yesterday's 07:00
        assert schedule.remaining_estimate(last_run) == dt.timedelta(seconds=30)


def test_the_weekly_digest_runs_on_monday_morning():
    schedule = settings.CELERY_BEAT_SCHEDULE["weekly-digest"]["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({7}, {0}, {1})


@pytest.mark.django_db
def test_the_sweep_command_flags_and_delivers(liaison_user, item):
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 4, 1, 0, 1, tzinfo=LONDON), tick=False):
        call_command("sweep", stdout=out)
        call_command("sweep", stdout=out)
    first, second = out.getvalue().splitlines()
    assert "overdue_flagged=1" in first and "messages_sent=1" in first
    assert "overdue_flagged=0" in second and "messages_sent=0" in second
    assert ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE).count() == 1
    assert len(mail.outbox) == 1
