"""`make run` as a newcomer runs it (the embedded SQLite database and broker, on a port of its own):
it says which URL it serves and points emails there; a second `make run` says one is running and
exits; and whichever signal ends it (the terminal closing sends SIGHUP to its process group), no
process it started survives.

Every process `make run` starts inherits a marker in its environment, so the test finds them all
in /proc, whatever process group or session they put themselves in."""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Settings of the test run that would point `make run` at the test's servers instead of its own.
NOT_INHERITED = {
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "IMPORT_PROGRESS_CACHE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "SITE_URL",
    "EMAIL_BACKEND",
    "SINGLE_MACHINE",
    "VAR_DIR",
    "APP_PORT",
    "LOAD_DEMO",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
}

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc (Linux)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _marked(marker: str) -> dict[int, str]:
    """Every live process whose environment carries `marker`, with its command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            if f"RUN_MARKER={marker}".encode() in environ.split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def _environ(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode().split("=", 1) for p in pairs if b"=" in p)


class MakeRun:
    def __init__(self, *, var_dir: Path, port: int, marker: str, **extra: str) -> None:
        self.port = port
        self.env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED} | {
            "VAR_DIR": str(var_dir),
            "APP_PORT": str(port),
            "RUN_MARKER": marker,
            **extra,
        }
        self.lines: list[str] = []
        # A process group of its own, as a terminal gives the command it runs.
        self.process = subprocess.Popen(
            [shutil.which("make") or "make", "run"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in iter(self.process.stdout.readline, b""):
            self.lines.append(line.decode(errors="replace"))

    def output(self) -> str:
        return "".join(self.lines)

    def wait_serving(self, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            banner = next((line for line in self.lines if line.startswith("make run: serving on ")), None)
            if banner:
                return banner
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise AssertionError(f"make run did not start serving:\n{self.output()[-4000:]}")

    def signal_group(self, signum: int) -> None:
        os.killpg(self.process.pid, signum)

    def kill_everything(self, marker: str) -> None:
        for pid in _marked(marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated, empty SQLite database, made once for these tests."""
    folder = tmp_path_factory.mktemp("make-run-db")
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED} | {"DEBUG": "1", "VAR_DIR": str(folder)}
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return folder / "tracker.sqlite3"


@pytest.fixture
def var_dir(migrated, tmp_path) -> Path:
    """A VAR_DIR whose embedded database is migrated already (the demo is left out of these runs,
    LOAD_DEMO=0, for time: loading it is tested on its own)."""
    folder = tmp_path / "var"
    folder.mkdir()
    shutil.copy(migrated, folder / "tracker.sqlite3")
    return folder


def _stopped_cleanly(run: MakeRun, marker: str, signum: int) -> None:
    started = _marked(marker)
    names = " ".join(started.values())
    assert "runserver" in names and "worker" in names and "beat" in names, started
    run.signal_group(signum)
    deadline = time.monotonic() + 60
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    survivors = _marked(marker)
    assert not survivors, f"still running after {signal.Signals(signum).name}: {survivors}\n{run.output()[-3000:]}"
    run.process.wait(timeout=10)
    with socket.socket() as probe:  # the port is free for the next run
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", run.port))


def test_closing_the_terminal_stops_everything_and_a_second_run_is_refused_meanwhile(var_dir):
    marker, port = uuid.uuid4().hex, _free_port()
    run = MakeRun(var_dir=var_dir, port=port, marker=marker, LOAD_DEMO="0")
    try:
        banner = run.wait_serving()
        assert f"serving on http://127.0.0.1:{port} " in banner
        # Emails link to the address served.
        web = next(pid for pid, command in _marked(marker).items() if "runserver" in command)
        assert _environ(web)["SITE_URL"] == f"http://127.0.0.1:{port}"

        second = subprocess.run(
            ["make", "run"],
            cwd=ROOT,
            env=run.env | {"RUN_MARKER": uuid.uuid4().hex},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode != 0
        assert "make run is already running here" in second.stderr + second.stdout
        assert f"serving http://127.0.0.1:{port}" in second.stderr + second.stdout

        _stopped_cleanly(run, marker, signal.SIGHUP)
        assert "make run: SIGHUP received" in run.output()
    finally:
        run.kill_everything(marker)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_sigterm_and_ctrl_c_stop_everything(var_dir, signum):
    marker = uuid.uuid4().hex
    run = MakeRun(var_dir=var_dir, port=_free_port(), marker=marker, LOAD_DEMO="0")
    try:
        run.wait_serving()
        _stopped_cleanly(run, marker, signum)
    finally:
        run.kill_everything(marker)


def test_a_port_in_use_is_refused_with_a_message(var_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        marker = uuid.uuid4().hex
        run = MakeRun(var_dir=var_dir, port=port, marker=marker, LOAD_DEMO="0")
        try:
            assert run.process.wait(timeout=120) != 0
        finally:
            run.kill_everything(marker)
    run._reader.join(5)
    assert f"port {port} on 127.0.0.1 is in use by another program" in run.output()
    assert f"APP_PORT={port + 1} make run" in run.output()


def test_the_demo_is_not_loaded_into_a_database_that_holds_other_data(migrated, tmp_path):
    """DATABASE_URL names a database with a real user in it: make run refuses the demo (whose users'
    password is published) and starts nothing."""
    database = tmp_path / "real.sqlite3"
    shutil.copy(migrated, database)
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED} | {
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    created = subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            "manage.py",
            "createstaff",
            "--email",
            "priya.shah@example.gov.uk",
            "--name",
            "Priya Shah",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    marker = uuid.uuid4().hex
    run = MakeRun(var_dir=tmp_path / "var", port=_free_port(), marker=marker, DATABASE_URL=f"sqlite:///{database}")
    try:
        assert run.process.wait(timeout=300) != 0
    finally:
        run.kill_everything(marker)
    run._reader.join(5)
    output = run.output()
    assert "Refusing to load the demo data: this database holds 1 user and 0 inspections" in output
    assert "LOAD_DEMO=0 make run" in output
    assert "demo failed" in output and "nothing was started" in output
    assert "serving on" not in output
