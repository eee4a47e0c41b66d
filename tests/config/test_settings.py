import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_stops_start_up_with_debug_off():
    result = run_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_on_runs_without_a_secret_key():
    result = run_check({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


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
