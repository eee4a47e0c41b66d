"""Django for a benchmark script run on its own (`python bench/<name>.py`): the settings a
benchmark needs (DEBUG off as in production, plain HTTP, the test client's host) unless the
environment says otherwise."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCH_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": "bench-only-secret",
    "SECURE_SSL_REDIRECT": "0",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "ALLOWED_HOSTS": "testserver",
    # Every request of a benchmark comes from one client: the register's per-client limit is off.
    "REGISTER_RATE_LIMIT": "0",
    # Production refuses these defaults; a benchmark on one machine does not need more.
    "SITE_URL": "http://testserver",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "SINGLE_MACHINE": "1",
}


def django_setup(**overrides: str) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for key, value in {**BENCH_ENVIRONMENT, **overrides}.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
