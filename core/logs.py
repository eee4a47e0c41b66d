"""Logging for every process (web, worker, beat, commands): one configuration, and outages reported
once a minute with a count instead of once per attempt.

`logging_config()` builds the dictConfig used by Django (config/settings.py), by the Celery worker
and beat (config/celery.py hands them Django's) and by gunicorn (gunicorn.conf.py), so that
LOG_FORMAT=json gives one JSON object a line from all of them.

When Redis (the broker or the cache) is down, every request, task publish and reconnection attempt
fails the same way. Logging each failure, with its traceback, buries everything else (hundreds of
lines a minute). Instead the first failure of a kind is logged at once, the next ones are counted,
and the first failure after a minute is logged with that count. This module imports nothing but
the standard library: gunicorn and Celery load it before Django is set up."""

import logging
import sys
import threading
import time

OUTAGE_SECONDS = 60
LOG_FORMATS = ("plain", "json")

# Celery's and kombu's own messages about a broker it cannot reach. Each reconnection attempt logs
# one (a lost connection with its traceback); beat logs a traceback and a stack for every job it
# cannot publish, and kombu one for every publish retry.
BROKER_LOGGERS = ("celery", "kombu", "amqp")
TASK_LOGGERS = ("celery.app.trace", "celery.task")
BROKER_PHRASES = ("Cannot connect to", "Connection to broker lost", "beat: Connection error", "Connection error: ")
# Logged for any failure to publish a job (beat) or acknowledge a task (worker): an outage only when
# the cause is the broker connection.
FAILURE_PHRASES = ("Couldn't apply scheduled task", "Couldn't ack")
BROKER_LIBRARIES = ("kombu", "redis", "amqp", "celery")
CONNECTION_ERROR_NAMES = ("ConnectionError", "OperationalError", "TimeoutError")


def _is_broker_connection_error(error: BaseException | None) -> bool:
    """A socket error, or a connection error of the broker's client libraries (not the database's)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, OSError):
            return True
        if type(error).__module__.split(".")[0] in BROKER_LIBRARIES and any(
            cls.__name__ in CONNECTION_ERROR_NAMES for cls in type(error).__mro__
        ):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


class Throttle:
    """At most one report a minute for each kind of outage, counting the ones held back."""

    def __init__(self, seconds: float = OUTAGE_SECONDS) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def report(self, kind: str) -> int | None:
        """Record one failure of `kind`. Returns how many failures this report stands for (this one
        and those held back since the last report), or None when it is too soon to report again."""
        now = time.time()
        with self._lock:
            self._count[kind] = self._count.get(kind, 0) + 1
            last = self._last.get(kind)
            if last is not None and 0 <= now - last < self.seconds:
                return None
            count = self._count.pop(kind)
            self._last[kind] = now
            return count

    def reset(self) -> None:
        """Forget every outage (for tests, each of which starts with none)."""
        with self._lock:
            self._last.clear()
            self._count.clear()

    def clear(self, kind: str) -> int:
        """The outage is over: forget it, so the next one is reported at once. Returns how many
        failures were held back and never reported."""
        with self._lock:
            self._last.pop(kind, None)
            return self._count.pop(kind, 0)


outages = Throttle()


def outage_warning(logger: logging.Logger, *, kind: str, event: str, message: str, error: BaseException | str) -> bool:
    """Log a failure of `kind` (e.g. "cache", "broker") as one warning a minute, without a traceback.
    The record carries `event`, `error` and `count` (failures since the last warning). Returns
    whether it was logged."""
    count = outages.report(kind)
    if count is None:
        return False
    error_text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    logger.warning(
        "%s (%d failure%s in the last minute): %s",
        message,
        count,
        "" if count == 1 else "s",
        error_text,
        extra={"event": event, "error": error_text, "count": count},
    )
    return True


class OutageFilter(logging.Filter):
    """Celery's and kombu's broker connection errors, one a minute per process with a count and no
    traceback. Every other record passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        # A record reaches every handler on its way up: count it once, on the first.
        if getattr(record, "outage_held_back", False):
            return False
        if getattr(record, "event", None) == "broker_unreachable":
            return True
        passes = self._decide(record)
        if not passes:
            record.outage_held_back = True  # never printed, so never in a JSON line
        return passes

    def _decide(self, record: logging.LogRecord) -> bool:
        # A task's own outcome (celery.app.trace) is always logged in full, whatever it says.
        if not record.name.startswith(BROKER_LOGGERS) or record.name.startswith(TASK_LOGGERS):
            return True
        text = record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        outage = any(phrase in text for phrase in BROKER_PHRASES) or (
            any(phrase in text for phrase in FAILURE_PHRASES) and _is_broker_connection_error(error)
        )
        if not outage:
            return True
        count = outages.report("broker")
        if count is None:
            return False
        first_line = text.strip().splitlines()[0].rstrip(".")
        record.msg = "%s (%d broker connection failure%s in the last minute)"
        record.args = (first_line, count, "" if count == 1 else "s")
        record.exc_info = record.exc_text = record.stack_info = None
        record.event = "broker_unreachable"
        record.count = count
        return True


def logging_config(*, log_format: str, level: str) -> dict:
    """The dictConfig for every process: stderr, plain or one JSON object a line."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"outages": {"()": "core.logs.OutageFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["outages"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
    }


def _unraisable_to_log(unraisable) -> None:
    """An exception Python cannot raise (in a __del__, a finaliser, at shutdown) goes through
    logging, so that with LOG_FORMAT=json it is one JSON object like every other line, not
    Python's bare "Exception ignored in" lines."""
    error = unraisable.exc_value
    logging.getLogger("python.unraisable").warning(
        "Exception ignored in %r: %s",
        unraisable.object,
        error,
        exc_info=(unraisable.exc_type, error, unraisable.exc_traceback) if error is not None else None,
    )


def unraisable_through_logging() -> None:
    sys.unraisablehook = _unraisable_to_log
