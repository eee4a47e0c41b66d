"""The Redis cache backend with nothing listening: every operation answers as a miss, nothing
raises into the caller, and the outage is logged once a minute with a count."""

import datetime as dt
import logging
import socket

import pytest
from django.core.cache import caches

from core.cache import cached, data_changed, data_generation
from core.cache_backends import RETRY_SECONDS

START = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def dead_redis(settings):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "core.cache_backends.FailSafeRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/1"},
    }
    return caches["default"]


def test_every_operation_answers_as_a_miss(dead_redis):
    cache = dead_redis
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys that were not set
    assert cache.delete_many(["a"]) is None
    assert cache.has_key("k") is False
    assert cache.get_or_set("k", lambda: "computed") == "computed"
    with pytest.raises(ValueError, match="not found"):  # a counter that cannot be reached does not exist
        cache.incr("k")
    with pytest.raises(ValueError):
        cache.decr("k")


def test_the_figures_are_computed_and_a_write_does_not_fail(db, dead_redis, django_capture_on_commit_callbacks):
    calls = []
    assert cached("x", {"a": 1}, lambda: calls.append(1) or 5) == 5
    assert cached("x", {"a": 1}, lambda: calls.append(1) or 6) == 6  # nothing kept: computed again
    assert calls == [1, 1]
    assert data_generation() != data_generation()  # nothing cached can match, no ETag either
    with django_capture_on_commit_callbacks(execute=True):
        data_changed()


def test_ping_raises_for_the_health_check(dead_redis):
    import redis

    with pytest.raises(redis.ConnectionError):
        dead_redis.ping()


def test_the_outage_is_logged_once_a_minute_with_a_count_and_no_traceback(dead_redis, caplog, time_machine):
    time_machine.move_to(START, tick=False)
    with caplog.at_level(logging.WARNING, "core.cache_backends"):
        for _ in range(50):
            dead_redis.get("k")
        # Within the retry window nothing is tried, then each try fails again.
        for _ in range(5):
            time_machine.shift(RETRY_SECONDS + 0.1)
            dead_redis.get("k")
        records = [r for r in caplog.records if r.name == "core.cache_backends"]
        assert len(records) == 1
        assert records[0].count == 1 and records[0].event == "cache_unreachable" and records[0].exc_info is None
        assert "Connection refused" in records[0].error or "111" in records[0].error

        time_machine.move_to(START + dt.timedelta(seconds=61), tick=False)
        dead_redis.set("k", 1)
    records = [r for r in caplog.records if r.name == "core.cache_backends"]
    assert len(records) == 2
    assert records[1].count == 6  # five failures held back, and this one
    assert "6 failures in the last minute" in records[1].getMessage()
