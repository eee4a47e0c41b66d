import logging
import os

from celery import Celery
from celery.signals import beat_init, celeryd_init, setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@setup_logging.connect
@celeryd_init.connect  # earlier, so that the worker's start-up warnings are logged the same way
def _use_django_logging(**kwargs) -> None:
    """The worker and beat log as the web processes do (LOG_FORMAT, LOG_LEVEL), instead of
    Celery's own format: with LOG_FORMAT=json every line they log is one JSON object, Python's
    warnings included."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    logging.captureWarnings(True)


@beat_init.connect
def _sweep_when_beat_starts(**kwargs) -> None:
    """Beat's first interval sweep is SWEEP_INTERVAL_SECONDS after it starts; ask for one now, so
    that the health check's last sweep is fresh straight after a deployment."""
    from django.conf import settings

    from core.broker import publish_once
    from inspections.tasks import sweep_overdue

    # One attempt: a beat that starts before the broker still starts (its schedule catches up).
    error = publish_once(sweep_overdue, expires=settings.SWEEP_INTERVAL_SECONDS)
    if error is not None:
        logger.warning("could not ask for a sweep at start-up: %s", error, extra={"event": "startup_sweep_failed"})
    else:
        logger.info("asked for a sweep at start-up", extra={"event": "startup_sweep_requested"})
