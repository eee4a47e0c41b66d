"""The cache on Redis (CACHE_URL=redis://..., as in production) is an optimisation, never a
dependency. With its Redis stopped, or hung, users post progress updates, submit for closure and
open the dashboard and the public register: every request answers, nothing typed is lost, the figures are computed from the
database, one warning is logged (not a traceback a request), and once Redis is back the figures are
right, including when Redis comes back with the figures it held before the outage.

A real redis-server of the test's own (tests/faults/support.py), stopped with SIGTERM or paused with
SIGSTOP; the web side is this process, as in the other fault tests."""

import logging
import os
import signal

import pytest
import redis
from django.core.cache.backends.redis import RedisSerializer
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.cache_backends import RETRY_SECONDS
from inspections.models import ProgressUpdate, TrackedItem
from tests import factories
from tests.two_factor import TwoFactorClient

pytestmark = pytest.mark.redis

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOKEN = "health-token-for-the-fault-tests"


@pytest.fixture
def cache_on_redis(fault_redis, settings):
    """Both caches on the test's Redis, through the backend settings choose for redis:// URLs."""
    url = f"redis://127.0.0.1:{fault_redis.port}/1"
    backend = {"BACKEND": "core.cache_backends.FailSafeRedisCache", "LOCATION": url}
    settings.CACHES = {**settings.CACHES, "default": backend, "imports": backend}
    settings.HEALTH_TOKEN = TOKEN
    return redis.Redis(port=fault_redis.port, db=1)


@pytest.fixture
def people(db, staff_user, liaison_user, force):
    items = factories.TrackedItemFactory.create_batch(4, force=force)
    staff, liaison = TwoFactorClient(), TwoFactorClient()
    staff.force_login(staff_user)
    liaison.force_login(liaison_user)
    return staff, liaison, items


def _awaiting_verification(client: TwoFactorClient) -> int:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return {h["name"]: h["count"] for h in response.context["headlines"]}["awaiting_verification"]


def _post_update(client: TwoFactorClient, item: TrackedItem, text: str) -> None:
    item.refresh_from_db()
    response = client.post(
        reverse("inspections:item_update", kwargs={"pk": item.pk}), {"version": item.version, "narrative": text}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _submit(client: TwoFactorClient, item: TrackedItem, text: str) -> None:
    item.refresh_from_db()
    response = client.post(
        reverse("inspections:item_submit", kwargs={"pk": item.pk}),
        {
            "version": item.version,
            "narrative": text,
            "files": SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _cache_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "core.cache_backends" and r.levelno >= logging.WARNING]


def test_with_the_cache_stopped_nothing_is_lost_and_the_figures_are_right_when_it_is_back(
    cache_on_redis, fault_redis, people, caplog, time_machine
):
    staff, liaison, items = people
    time_machine.move_to(timezone.now(), tick=True)
    assert _awaiting_verification(staff) == 0
    assert cache_on_redis.dbsize() > 0, "the dashboard's figures were not cached in Redis"

    fault_redis.stop()
    public = TwoFactorClient()
    with caplog.at_level(logging.INFO):
        first = public.get(reverse("register:home"))  # rate limit and page cache both in the cache
        assert first.status_code == 200
        for n, item in enumerate(items[:2]):
            _post_update(liaison, item, f"Update {n} typed while the cache was down.")
        for n, item in enumerate(items[2:]):
            _submit(liaison, item, f"Claim {n} typed while the cache was down.")
        assert liaison.get(reverse("dashboard")).status_code == 200
        assert _awaiting_verification(staff) == 2  # computed from the database
        assert staff.get(reverse("inspections:item_list")).status_code == 200
        # The write could not be recorded in the cache, so no validator from before it may match.
        again = public.get(reverse("register:home"), headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 200
        health = TwoFactorClient().get(reverse("healthz"), headers={"Authorization": f"Bearer {TOKEN}"})
        assert health.status_code == 200  # the cache is reported, not fatal
        assert health.json()["checks"]["cache"]["ok"] is False

    # Nothing typed was lost.
    narratives = set(ProgressUpdate.objects.values_list("narrative", flat=True))
    assert narratives == {f"Update {n} typed while the cache was down." for n in range(2)} | {
        f"Claim {n} typed while the cache was down." for n in range(2)
    }
    assert TrackedItem.objects.filter(status=TrackedItem.Status.SUBMITTED).count() == 2
    # One warning for the whole outage, without a traceback, and no error at all.
    [warning] = _cache_warnings(caplog)
    assert warning.event == "cache_unreachable" and warning.exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    fault_redis.start()  # empty, as a restarted Redis without persistence is
    time_machine.shift(RETRY_SECONDS + 1)
    assert _awaiting_verification(staff) == 2
    assert cache_on_redis.dbsize() > 0, "the figures are cached again"
    # And a write with Redis back changes the figures at once.
    claim = items[2]
    claim.refresh_from_db()
    response = staff.post(
        reverse("inspections:item_verify", kwargs={"pk": claim.pk}),
        {"version": claim.version, "decision": "return", "note": "The evidence is missing."},
    )
    assert response.status_code == 302
    assert _awaiting_verification(staff) == 1


def test_a_hung_cache_that_comes_back_with_old_figures_does_not_serve_them(
    cache_on_redis, fault_redis, people, caplog, time_machine
):
    staff, liaison, items = people
    time_machine.move_to(timezone.now(), tick=False)
    assert _awaiting_verification(staff) == 0
    generation_key = next(
        k for k in cache_on_redis.keys("*:generation") if connection.settings_dict["NAME"] in k.decode()
    )
    before = RedisSerializer().loads(cache_on_redis.get(generation_key))
    stale_figures = cache_on_redis.keys(f"*dashboard:{before}:*")
    assert stale_figures, "the figures from before the outage are in Redis"

    os.kill(fault_redis.process.pid, signal.SIGSTOP)  # hung: connections open, nothing answers
    try:
        with caplog.at_level(logging.INFO):
            assert _awaiting_verification(staff) == 0  # answered within the socket timeout
            _submit(liaison, items[0], "Typed while the cache hung.")
            assert _awaiting_verification(staff) == 1
    finally:
        os.kill(fault_redis.process.pid, signal.SIGCONT)
    assert ProgressUpdate.objects.get().narrative == "Typed while the cache hung."
    [warning] = _cache_warnings(caplog)
    assert warning.event == "cache_unreachable" and warning.exc_info is None

    # Redis is back with everything it held, the old figures included (still within their minute).
    assert cache_on_redis.exists(*stale_figures) == len(stale_figures)
    time_machine.shift(RETRY_SECONDS + 1)
    assert _awaiting_verification(staff) == 1
    assert RedisSerializer().loads(cache_on_redis.get(generation_key)) != before
