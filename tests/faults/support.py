"""Real processes for the fault tests: a Redis server of their own (never the shared one, which
they stop and start), Celery workers in subprocesses, the test database's URL for them.

These tests run when DATABASE_URL is PostgreSQL (an SQLite test database lives in this process's
memory, out of a worker's reach) and a redis-server binary is installed. CI sets REQUIRE_REDIS=1:
then a missing redis-server fails them instead of skipping."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_string
from email.policy import default as email_policy
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
# A port of our own: the tests stop this server; the shared Redis (6379) is never touched.
# One port per pytest-xdist worker (gw0, gw1, ...): two workers may each run a fault test at once.
FAULT_REDIS_PORT = int(os.environ.get("FAULT_REDIS_PORT", "6390")) + int(
    os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0
)

postgres_only = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="a worker must reach the test database: run with DATABASE_URL=postgres://... (CI does)",
)


def wait_for(check, *, timeout: float, what: str, interval: float = 0.2):
    """Poll a real process's effect, bounded by `timeout` (these tests wait on other processes)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class RedisServer:
    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.exceptions.RedisError:
            return False

    def start(self) -> None:
        binary = shutil.which("redis-server")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        wait_for(lambda: not self.ping(), timeout=10, what=f"port {self.port} to stop answering")


@pytest.fixture
def fault_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis server of the test's own, started empty, that the test may stop and start."""
    problem = None
    if shutil.which("redis-server") is None:
        problem = "no redis-server binary"
    else:
        probe = RedisServer(FAULT_REDIS_PORT, tmp_path)
        if probe.ping():
            problem = f"something already answers on port {FAULT_REDIS_PORT} (set FAULT_REDIS_PORT)"
    if problem:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {problem}")
        pytest.skip(problem)
    server = RedisServer(FAULT_REDIS_PORT, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def database_url() -> str:
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    return f"postgres://{quote(s['USER'] or '', safe='')}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(*, broker: str, mail_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret"),
        **extra,
    }


class Worker:
    """`celery -A config worker` in a subprocess (prefork of `concurrency` children, so a child can
    be killed while the parent lives on, as in production)."""

    def __init__(self, *, env: dict[str, str], log: Path, name: str, concurrency: int = 1, beat: Path | None = None):
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ]
        if beat is not None:
            args += ["-B", "-s", str(beat)]
        self.log_path = log
        self._log = log.open("w")
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_ready(self, timeout: float = 60) -> None:
        wait_for(
            lambda: " ready." in self.log() or self.process.poll() is not None,
            timeout=timeout,
            what="the worker to start",
        )
        assert self.process.poll() is None, f"the worker exited:\n{self.log()[-4000:]}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def sent_emails(mail_dir: Path) -> list:
    """Every email the file backend wrote (one file per connection may hold several)."""
    emails = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                # The default policy decodes headers: a subject holds "·" (RFC 2047 encoded in the file).
                emails.append(message_from_string(chunk.strip() + "\n", policy=email_policy))
    return emails


@contextmanager
def broker(url: str, settings, monkeypatch) -> Iterator[None]:
    """Point this process's Celery app (and the health check) at `url`."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery reads it before its settings
    settings.CELERY_BROKER_URL = url  # and reads Django's settings live (the fixture restores them)
    forget_connections()
    try:
        yield
    finally:
        forget_connections()


def forget_connections() -> None:
    # Celery keeps its connection and producer pools (in kombu's global registry) by URL.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def committed(request) -> Iterator[None]:
    """Committed data the workers can see (tests/inspections/committed.py), with the rows the data
    migrations make (roles, programmes) put back first: a transactional test that ran before
    (pytest-django runs them ahead of these) may have flushed them."""
    from tests.committed_data import restore_migration_data

    request.getfixturevalue("committed_db")
    restore_migration_data()
    yield
    # Whatever a killed or cut worker left connected to the test database (an orphaned backend
    # finishing its statement) goes before the cleanup, so it cannot hold a lock against it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
