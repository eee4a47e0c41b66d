"""Broker outages as Celery and kombu log them: one line a minute per process, with a count and
without the traceback; everything else untouched."""

import datetime as dt
import logging

import pytest

from core.logs import OutageFilter

START = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def handler():
    handler = Collect()
    handler.addFilter(OutageFilter())
    loggers = [
        logging.getLogger(name) for name in ("celery.worker.consumer.consumer", "celery.beat", "celery.app.trace")
    ]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def _connection_error() -> BaseException:
    from kombu.exceptions import OperationalError

    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError as refused:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.") from refused
    except OperationalError as error:
        return error


def test_reconnection_attempts_are_one_line_a_minute_with_a_count(handler, time_machine):
    time_machine.move_to(START, tick=False)
    consumer = logging.getLogger("celery.worker.consumer.consumer")
    beat = logging.getLogger("celery.beat")
    for attempt in range(1, 6):
        consumer.error(
            "consumer: Cannot connect to %s: %s.\nTrying again in %s seconds... (%s/100)\n",
            "redis://127.0.0.1:6379/0",
            "Error 111 connecting to 127.0.0.1:6379. Connection refused",
            2 * attempt,
            attempt,
        )
        beat.error("beat: Connection error: %s. Trying again in %s seconds...", "Error 111", 2)
    [first] = handler.records
    assert first.count == 1 and first.event == "broker_unreachable"
    assert "Trying again" not in first.getMessage()  # one line
    assert first.getMessage().startswith("consumer: Cannot connect to redis://127.0.0.1:6379/0")

    time_machine.move_to(START + dt.timedelta(seconds=60), tick=False)
    consumer.warning(
        "consumer: Connection to broker lost. Trying to re-establish the connection...",
        exc_info=(type(err := _connection_error()), err, err.__traceback__),
    )
    assert len(handler.records) == 2
    second = handler.records[1]
    assert second.count == 10 and second.exc_info is None
    assert "(10 broker connection failures in the last minute)" in second.getMessage()


def test_a_job_beat_cannot_publish_for_a_broker_outage_is_throttled_and_for_other_reasons_is_not(handler):
    beat = logging.getLogger("celery.beat")
    error = _connection_error()
    for _ in range(3):
        beat.error(
            "Message Error: %s",
            "Couldn't apply scheduled task deliver-messages: Error 111",
            exc_info=(type(error), error, error.__traceback__),
        )
    try:
        raise TypeError("Object of type set is not JSON serializable")
    except TypeError as bug:
        for _ in range(2):
            beat.error(
                "Message Error: %s",
                f"Couldn't apply scheduled task weekly-digest: {bug}",
                exc_info=(TypeError, bug, bug.__traceback__),
            )
    assert [r.exc_info is None for r in handler.records] == [True, False, False]


def test_a_task_that_fails_on_the_database_is_logged_in_full(handler):
    from django.db.utils import OperationalError

    trace = logging.getLogger("celery.app.trace")
    try:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
    except OperationalError as error:
        for _ in range(2):
            trace.error("Task %s raised unexpected: %r", "sweep_overdue", error, exc_info=True)
    assert len(handler.records) == 2 and all(r.exc_info for r in handler.records)


def test_other_records_pass_unchanged(handler):
    logging.getLogger("celery.app.trace").info("Task %s succeeded", "inspections.tasks.sweep_overdue")
    [record] = handler.records
    assert record.getMessage() == "Task inspections.tasks.sweep_overdue succeeded"
    assert not hasattr(record, "count")


def test_with_json_logs_an_exception_python_cannot_raise_is_one_json_object_too(tmp_path):
    """A __del__ that fails (redis-py's connection pool at shutdown, say) is reported by Python on
    stderr as bare "Exception ignored in" lines; with LOG_FORMAT=json it goes through logging."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import gc\n"
        "class Pool:\n"
        "    def __del__(self):\n"
        "        raise ConnectionError('pool gone')\n"
        "Pool()\n"
        "gc.collect()\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_FORMAT": "json",
        "DEBUG": "1",
        "SECRET_KEY": "test-only-secret",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    [record] = [r for r in records if r["logger"] == "python.unraisable"]
    assert "pool gone" in record["message"] and "ConnectionError" in record["exc_info"]
