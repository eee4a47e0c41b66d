"""gunicorn, as run in production: `gunicorn -c gunicorn.conf.py config.wsgi`.

Workers default to 2 per core plus 1 (the usual rule for a mostly I/O-bound Django app); each
holds one database connection (CONN_MAX_AGE keeps it between requests). It listens on loopback
unless BIND says otherwise (BIND=0.0.0.0:8000 for a load balancer on another machine). With
LOG_FORMAT=json its own lines (start-up, errors, the access log) are JSON objects too."""

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

import environ  # noqa: E402

from core.logs import LOG_FORMATS, logging_config  # noqa: E402

# The same .env file the settings read (the environment wins over it), for BIND, APP_PORT, ...
if (ROOT / ".env").exists():
    environ.Env.read_env(ROOT / ".env")

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('APP_PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The addresses whose X-Forwarded-* headers gunicorn believes (the load balancer's).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

if os.environ.get("LOG_FORMAT") == "json":
    _config = logging_config(log_format="json", level=os.environ.get("LOG_LEVEL", "INFO").upper())
    # gunicorn's loggers hand their records to the root logger's JSON handler instead of their own.
    _config["loggers"] |= {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    }
    logconfig_dict = _config
elif os.environ.get("LOG_FORMAT", "plain") not in LOG_FORMATS:
    raise SystemExit(f"LOG_FORMAT={os.environ['LOG_FORMAT']!r} is not one of: {', '.join(LOG_FORMATS)}.")


def post_worker_init(worker) -> None:
    """Each worker compiles the templates and connects before its first request (core/warm.py)."""
    from core.warm import warm_up

    warm_up()
