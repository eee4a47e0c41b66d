"""gunicorn as production runs it (`gunicorn -c gunicorn.conf.py config.wsgi`): it listens on
127.0.0.1:APP_PORT unless BIND says otherwise, and with LOG_FORMAT=json its own lines (start-up,
the access log) and the application's are one JSON object each."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_on_app_port_and_logs_json(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"BIND", "DATABASE_URL", "CELERY_BROKER_URL"}} | {
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret",
        "APP_PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "LOG_FORMAT": "json",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "memory://",
        "VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    stderr = (tmp_path / "web.err").open("w")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "config.wsgi"], cwd=ROOT, env=env, stdout=stderr, stderr=stderr
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, (tmp_path / "web.err").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer on APP_PORT"
                time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        stderr.close()
    lines = [line for line in (tmp_path / "web.err").read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    loggers = {r["logger"] for r in records}
    assert {"gunicorn.error", "gunicorn.access"} <= loggers
    assert any(f"Listening at: http://127.0.0.1:{port}" in r["message"] for r in records)
    assert any("GET /healthz" in r["message"] for r in records if r["logger"] == "gunicorn.access")
