"""`make run`: prepare the database, then run the web server, the Celery worker and beat (the
Procfile) until any of them stops or this process is told to stop.

Whichever way it ends (Ctrl-C, SIGTERM, the terminal closing with SIGHUP, or one of them
exiting) every process it started is stopped: each runs in a session of its own, so a signal
meant for the terminal reaches only this supervisor, which stops them in order (SIGTERM to each
process group, SIGKILL to whatever is left after STOP_SECONDS) and exits last. A second `make run`
while one is running says so and exits (a lock under VAR_DIR); so does a port already in use.

The database steps: migrate; load the demo data (only where demo/services.py allows it; set
LOAD_DEMO=0 to skip it); one overdue sweep, so that flags and the health check are right at once.

Environment: APP_PORT (default 8000) is the port served on 127.0.0.1; SITE_URL, the address in
emails, defaults to that URL; DEBUG defaults to 1. A .env file at the root counts, as it does for
the settings (the environment wins over it)."""

import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 15
READY_SECONDS = 120


class Supervisor:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: dict[str, subprocess.Popen] = {}
        self.readers: list[threading.Thread] = []
        self.stop_signal: int | None = None
        self.width = 6
        self._out = threading.Lock()

    # -- output ------------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self._write(f"{text}\n".encode())

    def _write(self, data: bytes) -> None:
        # After SIGHUP the terminal is gone: losing output must not stop the shutdown.
        with self._out:
            try:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            except OSError:
                pass

    def _relay(self, name: str, stream) -> None:
        prefix = f"{name:<{self.width}} | ".encode()
        for line in iter(stream.readline, b""):
            self._write(prefix + line)
        stream.close()

    # -- signals -----------------------------------------------------------------------------------

    def on_signal(self, signum: int, frame) -> None:
        # Only a note: the main loop acts on it between steps, so a child is never half-started.
        if self.stop_signal is not None:
            self._signal_all(signal.SIGKILL)  # asked twice (Ctrl-C again): no more waiting
            return
        self.stop_signal = signum

    @property
    def stopping(self) -> bool:
        return self.stop_signal is not None

    def install_signal_handlers(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.on_signal)

    # -- children ----------------------------------------------------------------------------------

    def start(self, name: str, command: str) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 - the Procfile's commands and our own steps
            ["/bin/sh", "-c", f"exec {command}"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # out of reach of the terminal's signals: only we stop it
        )
        self.children[name] = process
        reader = threading.Thread(target=self._relay, args=(name, process.stdout), daemon=True)
        reader.start()
        self.readers.append(reader)
        return process

    def run_step(self, name: str, command: str) -> int | None:
        """Run one step to its end; None if a signal came first (the step is stopped with the rest)."""
        process = self.start(name, command)
        while process.poll() is None:
            if self.stopping:
                return None
            time.sleep(0.1)
        del self.children[name]
        return process.returncode

    def _signal_all(self, signum: int) -> None:
        for process in self.children.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signum)
                except ProcessLookupError:
                    pass

    def stop_all(self) -> None:
        running = [name for name, p in self.children.items() if p.poll() is None]
        if running:
            self.say(f"make run: stopping {', '.join(running)}")
        self._signal_all(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        while any(p.poll() is None for p in self.children.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [name for name, p in self.children.items() if p.poll() is None]
        if left:
            self.say(f"make run: {', '.join(left)} did not stop within {STOP_SECONDS} s; killing")
        # Whatever a child started in its process group goes with it, even after the child exits.
        for process in self.children.values():
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
        for reader in self.readers:
            reader.join(timeout=2)


def procfile() -> list[tuple[str, str]]:
    entries = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries.append((name.strip(), command.strip()))
    return entries


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def answering(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def take_lock(var_dir: Path, url: str):
    """Held for as long as this process lives (the kernel drops it if we die)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    lock = (var_dir / "run.lock").open("a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "another process"
        lock.close()
        return None, holder
    lock.seek(0)
    lock.truncate()
    lock.write(f"pid {os.getpid()}, serving {url}\n")
    lock.flush()
    return lock, None


def main() -> int:
    if (ROOT / ".env").exists():
        import environ

        environ.Env.read_env(ROOT / ".env")
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    port_text = env.setdefault("APP_PORT", "8000")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        print(f"make run: APP_PORT={port_text!r} is not a port number (1-65535).", file=sys.stderr)
        return 2
    port = int(port_text)
    url = f"http://127.0.0.1:{port}"
    env.setdefault("SITE_URL", url)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    var_dir = Path(env.get("VAR_DIR") or ROOT / "var")

    lock, holder = take_lock(var_dir, url)
    if lock is None:
        print(
            f"make run is already running here ({holder}). Stop it first: Ctrl-C in its terminal.",
            file=sys.stderr,
        )
        return 1
    if not port_free(port):
        print(
            f"make run: port {port} on 127.0.0.1 is in use by another program. Stop it, or serve on "
            f"another port: APP_PORT={port + 1} make run",
            file=sys.stderr,
        )
        return 1

    supervisor = Supervisor(env)
    supervisor.width = max(len(name) for name, _ in [*procfile(), ("migrate", ""), ("demo", "")])
    supervisor.install_signal_handlers()
    python = sys.executable
    steps = [("migrate", f"{python} manage.py migrate --noinput")]
    if env.get("LOAD_DEMO", "1") != "0":
        steps.append(("demo", f"{python} manage.py load_demo"))
    steps.append(("sweep", f"{python} manage.py sweep"))
    try:
        code = serve(supervisor, env, steps, port, url)
    finally:
        # Further signals only hurry the shutdown along (SIGKILL); they cannot interrupt it.
        supervisor.stop_all()
        lock.close()
    return code


def serve(supervisor: Supervisor, env: dict[str, str], steps: list[tuple[str, str]], port: int, url: str) -> int:
    """Run the steps, start the Procfile, and wait for a signal or for one of them to stop."""
    for name, command in steps:
        code = supervisor.run_step(name, command)
        if code is None:
            return stopped_by(supervisor)
        if code != 0:
            supervisor.say(f"make run: {name} failed (exit code {code}); nothing was started.")
            return code
    for name, command in procfile():
        if supervisor.stopping:
            return stopped_by(supervisor)
        supervisor.start(name, command)
    deadline = time.monotonic() + READY_SECONDS
    announced = False
    while all(p.poll() is None for p in supervisor.children.values()):
        if supervisor.stopping:
            return stopped_by(supervisor)
        if not announced and (answering(port) or time.monotonic() > deadline):
            announced = True
            if answering(port):
                site = env["SITE_URL"]
                emails = "" if site.rstrip("/") == url else f" (emails link to {site})"
                supervisor.say(
                    f"make run: serving on {url}{emails} with the Celery worker and beat. Ctrl-C stops them all."
                )
        time.sleep(0.2)
    name, process = next((n, p) for n, p in supervisor.children.items() if p.poll() is not None)
    supervisor.say(f"make run: {name} stopped (exit code {process.returncode}); stopping the rest.")
    return process.returncode or 1


def stopped_by(supervisor: Supervisor) -> int:
    signum = supervisor.stop_signal or 0
    names = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}
    supervisor.say(f"make run: {names.get(signum, 'a signal')} received")
    return 0 if signum == signal.SIGINT else 128 + signum  # Ctrl-C is how the README says to stop it


if __name__ == "__main__":
    sys.exit(main())
