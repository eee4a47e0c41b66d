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


def own_postgresql_database(*, script: str, suffix: str) -> None:
    """Point DATABASE_URL at a database of the benchmark's own (the name with `suffix` appended,
    created if missing), so its data never mixes with another's. PostgreSQL only: SQLite is not
    the production database."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            f"bench/{script} measures PostgreSQL.\n"
            f"Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench (the data goes to tracker_bench{suffix})."
        )
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    own = name if name.endswith(suffix) else f"{name}{suffix}"
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [own])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{own}"')
    conn.close()
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{own}"))


def session_cookie(user) -> str:
    """A session signed in as `user` and past the second step, made in the session store (what
    the sign-in pages would leave), as the Cookie header."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts import two_factor

    store = import_module(settings.SESSION_ENGINE).SessionStore(user_agent="bench", ip="127.0.0.1")
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower())
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[two_factor.SESSION_KEY] = two_factor.BY_CODE
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
