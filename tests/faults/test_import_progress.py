"""The import progress page with the web process and the worker sharing nothing but PostgreSQL and
Redis (as on two machines): the worker writes each chunk's count to the shared cache, which follows
CACHE_URL when IMPORT_PROGRESS_CACHE_URL is not set, and the page reads it there.

The worker is held after its first chunk of 500 rows by a row this test inserts, uncommitted, with
the reference of the first row of the second chunk: PostgreSQL makes the worker's insert wait on the
unique constraint until this test rolls back. So the page is seen mid-way, every time."""

import threading

import pytest
import redis
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.urls import reverse

from accounts.roles import GROUP_NAMES, Role
from imports.models import ImportBatch
from imports.services import import_batch_create
from inspections.models import Finding, TrackedItem
from tests import factories
from tests.faults.support import Worker, broker, postgres_only, wait_for, worker_env
from tests.imports.test_services import csv_bytes
from tests.two_factor import TwoFactorClient

pytestmark = [pytest.mark.redis, pytest.mark.postgres, postgres_only]

ROWS = 1000
CHUNK = 500


class HeldReference:
    """A finding with `reference`, inserted in a transaction of its own that stays open (another
    connection, in a thread) until release(), then rolled back."""

    def __init__(self, *, inspection_id: int, reference: str) -> None:
        self._inserted = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._hold, args=(inspection_id, reference))
        self._thread.start()
        assert self._inserted.wait(30), "the held row was not inserted"

    def _hold(self, inspection_id: int, reference: str) -> None:
        try:
            with transaction.atomic():
                Finding.objects.create(
                    inspection_id=inspection_id, category="recommendation", reference=reference, text="Held."
                )
                self._inserted.set()
                self._release.wait(120)
                transaction.set_rollback(True)
        finally:
            connection.close()

    def release(self) -> None:
        self._release.set()
        self._thread.join(30)


def _page(client: TwoFactorClient, batch: ImportBatch) -> str:
    response = client.get(reverse("imports:progress", kwargs={"pk": batch.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_progress_page_reads_what_a_worker_elsewhere_writes(request, fault_redis, settings, tmp_path, monkeypatch):
    request.getfixturevalue("committed")  # committed, so the worker sees it
    staff_user = factories.UserFactory(username="staff.user")
    staff_user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.STAFF]))
    cache_url = f"redis://127.0.0.1:{fault_redis.port}/1"
    # The web side (this process) reads progress from that Redis; nothing else is shared with the
    # worker, whose VAR_DIR is its own.
    settings.CACHES = {
        **settings.CACHES,
        "imports": {"BACKEND": "core.cache_backends.FailSafeRedisCache", "LOCATION": cache_url},
    }
    settings.IMPORT_INLINE_MAX_ROWS = 10
    factories.ForceFactory(name="Cleveland Police")
    inspection = factories.InspectionFactory(reference="PEEL-2027")
    rows = [
        [f"R{n:04}", "recommendation", f"Recommendation {n}.", "Cleveland Police", "31/03/2027", ""]
        for n in range(ROWS)
    ]
    batch = import_batch_create(user=staff_user, inspection=inspection, data=csv_bytes(rows), name="peel.csv")
    assert batch.problem_count == 0 and batch.row_count == ROWS
    client = TwoFactorClient()
    client.force_login(staff_user)

    worker_var = tmp_path / "worker-var"
    env = worker_env(broker=fault_redis.url, mail_dir=tmp_path / "mail", CACHE_URL=cache_url, VAR_DIR=str(worker_var))
    for name in ("IMPORT_PROGRESS_CACHE_URL", "SINGLE_MACHINE"):  # no file cache would be allowed
        env.pop(name, None)
    held = HeldReference(inspection_id=inspection.pk, reference=rows[CHUNK][0])
    worker = Worker(env=env, log=tmp_path / "worker.log", name="importer")
    try:
        worker.wait_ready()
        with broker(fault_redis.url, settings, monkeypatch):
            response = client.post(reverse("imports:confirm", kwargs={"pk": batch.pk}))
            assert response.status_code == 302
            wait_for(
                lambda: "500 of 1,000 rows saved (50%)" in _page(client, batch),
                timeout=60,
                what=f"the page to show the worker's first chunk; worker log:\n{worker.log()[-3000:]}",
            )
        keys = redis.Redis(port=fault_redis.port, db=1).keys(f"*imports:progress:{batch.pk}")
        assert keys, "the count is in the shared Redis"
        batch.refresh_from_db()
        assert batch.state == ImportBatch.State.RUNNING
        assert not Finding.objects.filter(inspection=inspection).exists()  # one transaction: none visible yet
        held.release()
        wait_for(
            lambda: "Findings imported" in _page(client, batch),
            timeout=60,
            what=f"the import to finish; worker log:\n{worker.log()[-3000:]}",
        )
    finally:
        held.release()
        worker.stop()

    assert Finding.objects.filter(inspection=inspection).count() == ROWS
    assert TrackedItem.objects.filter(finding__inspection=inspection).count() == ROWS
    assert not redis.Redis(port=fault_redis.port, db=1).keys(f"*imports:progress:{batch.pk}")
    # The worker wrote no cache files of its own: the progress went through Redis.
    assert not [p for p in worker_var.rglob("cache/**/*") if p.is_file()]
