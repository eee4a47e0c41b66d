import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the test run sets for itself (Makefile) and production must set for itself.
DEPLOYMENT = {
    "SECRET_KEY",
    "DEBUG",
    "SITE_URL",
    "EMAIL_BACKEND",
    "SINGLE_MACHINE",
    "CACHE_URL",
    "IMPORT_PROGRESS_CACHE_URL",
    "ALLOW_CONSOLE_EMAIL",
    "APP_PORT",
    "LOG_FORMAT",
}
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-production-like-secret-1234567890",
    "SITE_URL": "https://tracker.example.gov.uk",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "CACHE_URL": "redis://redis-host:6379/1",
}
SHOW = (
    "import json; from django.conf import settings; print(json.dumps({'site': settings.SITE_URL, "
    "'caches': {a: [c['BACKEND'], c['LOCATION']] for a, c in settings.CACHES.items()}}))"
)


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _shown(result: subprocess.CompletedProcess) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])  # after the shell's own greeting


def run_check(env: dict) -> subprocess.CompletedProcess:
    return _manage("check", env=env)


def test_missing_secret_key_stops_start_up_with_debug_off():
    result = run_check({k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_on_runs_without_a_secret_key_and_links_emails_to_its_port():
    result = _manage("shell", "-c", SHOW, env={"DEBUG": "1", "APP_PORT": "8123"})
    assert result.returncode == 0, result.stderr
    assert _shown(result)["site"] == "http://127.0.0.1:8123"


def test_debug_off_refuses_every_unsafe_default_at_once():
    result = run_check({"DEBUG": "0", "SECRET_KEY": PRODUCTION["SECRET_KEY"]})
    assert result.returncode != 0
    message = result.stderr[result.stderr.index("Refusing to start with DEBUG off") :]
    assert "SITE_URL is not set" in message
    assert "EMAIL_BACKEND is the console backend" in message and "ALLOW_CONSOLE_EMAIL=1" in message
    assert "CACHE_URL is a file-based cache" in message and "SINGLE_MACHINE=1" in message


def test_production_values_start():
    result = _manage("shell", "-c", SHOW, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    shown = _shown(result)
    assert shown["site"] == "https://tracker.example.gov.uk"
    # Redis through the backend that treats an outage as a miss; import progress follows CACHE_URL,
    # so a worker on another machine writes where the web processes read.
    fail_safe = ["core.cache_backends.FailSafeRedisCache", "redis://redis-host:6379/1"]
    assert shown["caches"] == {"default": fail_safe, "imports": fail_safe}


def test_the_import_progress_cache_may_be_its_own():
    result = _manage("shell", "-c", SHOW, env=PRODUCTION | {"IMPORT_PROGRESS_CACHE_URL": "redis://other:6379/2"})
    assert result.returncode == 0, result.stderr
    assert _shown(result)["caches"]["imports"] == ["core.cache_backends.FailSafeRedisCache", "redis://other:6379/2"]


def test_each_refusal_has_its_explicit_way_out():
    allowed = {k: v for k, v in PRODUCTION.items() if k not in {"EMAIL_BACKEND", "CACHE_URL"}} | {
        "ALLOW_CONSOLE_EMAIL": "1",
        "SINGLE_MACHINE": "1",
    }
    assert run_check(allowed).returncode == 0


def test_a_per_process_cache_and_a_file_progress_cache_are_refused_even_on_one_machine():
    result = run_check(
        PRODUCTION | {"CACHE_URL": "locmemcache://", "IMPORT_PROGRESS_CACHE_URL": "filecache:///tmp/progress"}
    )
    assert result.returncode != 0
    assert "CACHE_URL is a local-memory cache" in result.stderr
    assert "IMPORT_PROGRESS_CACHE_URL is a file-based cache" in result.stderr


def test_an_unknown_log_format_is_refused():
    result = run_check(PRODUCTION | {"LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT='xml' is not one of: plain, json" in result.stderr


def test_today_is_the_london_date_across_midnight_in_summer_time(settings):
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (summer time): a target of 31 March
    # is overdue by then, so "today" must be the London date, not the UTC one.
    import datetime as dt

    import time_machine

    from core.dates import london_today

    with time_machine.travel(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        assert london_today() == dt.date(2026, 4, 1)
    with time_machine.travel(dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        assert london_today() == dt.date(2026, 1, 31)  # winter: London is on UTC
    assert settings.DEBUG is False  # the suite runs as production does
