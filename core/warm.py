"""Readying a freshly started web worker before it takes requests (gunicorn's post_worker_init):
the project's templates and the form widgets' compiled into the cached loader, every URL pattern
and its view imported, the database and the cache connected. Without it the first request each
worker answers (after every restart: gunicorn.conf.py's max_requests) costs some 300 ms more than
the next: importing the cache client alone is 70 ms."""

import logging
import time
from pathlib import Path

import django.forms
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver

logger = logging.getLogger(__name__)


def _template_names() -> list[str]:
    """The project's templates, and the form widgets' (django.forms's own, which every form uses)."""
    roots = [Path(directory) for engine in settings.TEMPLATES for directory in engine.get("DIRS", [])]
    roots.append(Path(django.forms.__file__).parent / "templates")
    return sorted({str(path.relative_to(root)) for root in roots for path in root.rglob("*.html")})


def warm_up() -> int:
    """Compile the project's templates and import every view; returns how many templates."""
    started = time.perf_counter()
    get_resolver().reverse_dict  # noqa: B018 (imports every urls module and the views they name)
    connection.ensure_connection()
    cache.get("warm-up")  # connects (and imports the client); a cache that is down is not an error here
    compiled = 0
    for name in _template_names():
        try:
            get_template(name)
            compiled += 1
        except (TemplateDoesNotExist, TemplateSyntaxError):
            logger.warning("template not compiled at start-up: %s", name)
    logger.info("worker ready in %.2f s", time.perf_counter() - started, extra={"templates": compiled})
    return compiled
