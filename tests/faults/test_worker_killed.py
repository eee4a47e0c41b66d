"""A worker process killed (SIGKILL) in the middle of a sweep: what it had committed is whole,
what it had not is absent, and the task, redelivered (late acknowledgement, reject on worker
lost), finishes the work with no event recorded twice.

The sweep is held mid-way without touching production code: this test locks one item's row (in a
transaction of its own) that only the last clock would change, so the sweep commits the earlier
transitions and then waits on that row; the worker's child process is killed while it waits."""

import datetime as dt
import os
import signal

import psycopg2
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count

from accounts.roles import GROUP_NAMES, Role
from core.dates import london_today
from core.models import JobRun
from inspections.models import ItemEvent, TrackedItem
from inspections.overdue.clocks import comments_due_refresh
from tests import factories
from tests.faults.support import Worker, broker, postgres_only, wait_for, worker_env

OVERDUE_ITEMS = 30


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def _waiting_on_lock() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.redis
@pytest.mark.postgres
@postgres_only
def test_a_worker_killed_mid_sweep_leaves_whole_transitions_and_the_redelivered_task_finishes(
    request, fault_redis, settings, tmp_path, monkeypatch
):
    request.getfixturevalue("committed")
    force = factories.ForceFactory(name="Cleveland Police")
    liaison = factories.UserFactory(username="liaison.user")
    liaison.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
    factories.LiaisonMembershipFactory(user=liaison, force=force)
    today = london_today()
    overdue = [
        factories.TrackedItemFactory(
            force=force, finding__target_date=today - dt.timedelta(days=1), response="accepted"
        )
        for _ in range(OVERDUE_ITEMS)
    ]
    # Late only on the last clock (verification): submitted 40 days ago, target next year.
    held = factories.TrackedItemFactory(
        force=force, finding__target_date=today + dt.timedelta(days=365), response="accepted"
    )
    TrackedItem.objects.filter(pk=held.pk).update(status="submitted", submitted_on=today - dt.timedelta(days=40))
    # The items' comments deadlines worked out, as an earlier sweep leaves them: otherwise the sweep's
    # first step (working them out) would be the one to wait on the held row.
    comments_due_refresh()
    assert not TrackedItem.objects.filter(comments_due_on__isnull=True).exists()

    s = connection.settings_dict
    locker = psycopg2.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
    )
    locker.autocommit = False
    with locker.cursor() as cursor:
        cursor.execute("SELECT id FROM inspections_trackeditem WHERE id = %s FOR UPDATE", [held.pk])

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = Worker(env=worker_env(broker=fault_redis.url, mail_dir=mail_dir), log=tmp_path / "w.log", name="k")
    try:
        worker.wait_ready()
        [child] = _children(worker.process.pid)
        with broker(fault_redis.url, settings, monkeypatch):
            from inspections.tasks import sweep_overdue

            sweep_overdue.apply_async(expires=300)
            wait_for(_waiting_on_lock, timeout=30, what="the sweep to reach the held row")

            # Mid-sweep: the overdue clock's transition committed, whole (flag and event together).
            flagged = TrackedItem.objects.filter(overdue_flagged_on=today).count()
            events = ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE).count()
            assert (flagged, events) == (OVERDUE_ITEMS, OVERDUE_ITEMS)
            os.kill(child, signal.SIGKILL)
            wait_for(lambda: "WorkerLostError" in worker.log(), timeout=30, what="the parent to see its child die")

            # Killed while waiting: the held row's transition is all or nothing, and it is nothing.
            held.refresh_from_db()
            assert held.verification_overdue_flagged_on is None
            assert not ItemEvent.objects.filter(item=held).exists()
            assert not JobRun.objects.exists()  # the killed run never finished

            locker.rollback()  # let go: the redelivered task (and the dead child's orphaned statement) proceed
            wait_for(lambda: JobRun.objects.exists(), timeout=60, what="the redelivered sweep to finish")
    finally:
        locker.close()
        worker.stop()

    held.refresh_from_db()
    assert held.verification_overdue_flagged_on == today
    assert ItemEvent.objects.filter(item=held, kind=ItemEvent.Kind.VERIFICATION_LATE).count() == 1
    assert ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE).count() == OVERDUE_ITEMS
    twice = ItemEvent.objects.values("item_id", "kind").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists(), list(twice)
    assert {i.pk for i in overdue} == set(
        TrackedItem.objects.filter(overdue_flagged_on=today).values_list("pk", flat=True)
    )
