"""The servers the load tools start: gunicorn as `make serve` runs it, and throwaway
PostgreSQL and Redis servers on loopback that `make soak` may stop and start at will."""

import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

GUNICORN_CONFIG = settings.BASE_DIR / "portal" / "gunicorn.conf.py"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, timeout=5, headers=None):
    """(status, headers, body) of a GET; an HTTP error status is returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback http
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Gunicorn:
    """gunicorn with the portal's gunicorn.conf.py (workers, threads, keep-alive) on loopback."""

    def __init__(self, app, *, env, log_path, port=None):
        self.app = app
        self.env = env
        self.log_path = Path(log_path)
        self.port = port or free_port()
        self.process = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, wait=90):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            str(GUNICORN_CONFIG),
            "--bind",
            f"127.0.0.1:{self.port}",
            self.app,
        ]
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=settings.BASE_DIR,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start: see {self.log_path}")
            try:
                if get(f"{self.url}/healthz", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz in {wait} s: see {self.log_path}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _as_postgres_user(command):
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def postgres_bin():
    """The directory of initdb and pg_ctl: SOAK_PG_BIN, pg_config's, or Debian's newest."""
    if os.environ.get("SOAK_PG_BIN"):
        return Path(os.environ["SOAK_PG_BIN"])
    if pg_config := shutil.which("pg_config"):
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)  # noqa: S603
        candidate = Path(found.stdout.strip())
        if (candidate / "pg_ctl").exists():
            return candidate
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3])
    )
    if not versions:
        raise RuntimeError("No PostgreSQL server binaries found: set SOAK_PG_BIN")
    return versions[-1].parent


class PrivatePostgres:
    """A PostgreSQL server of its own in a temporary directory, on a free loopback port."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="portal-soak-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args):
        command = _as_postgres_user([str(self.bin / args[0]), *args[1:]])
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def is_running(self):
        command = _as_postgres_user([str(self.bin / "pg_ctl"), "-D", str(self.data), "status"])
        return subprocess.run(command, capture_output=True).returncode == 0  # noqa: S603

    def destroy(self):
        if self.data.exists() and self.is_running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """A Redis server of its own, saving to disk as Debian's does (so a clean stop keeps it)."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="portal-soak-redis-"))
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.root),
                "--save",
                "3600 1 300 100 60 10000",
                "--appendonly",
                "no",
                "--logfile",
                str(self.root / "server.log"),
            ],
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the private Redis did not start")

    def stop(self):
        """A clean stop (SIGTERM): Redis saves its data first, as `systemctl stop` would."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def destroy(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def machine():
    """One line on the machine and its load, for the tables' headers."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration, ValueError):
        memory = "?"
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{platform.node()} · {os.cpu_count()} cores ({model}) · {memory} GiB · "
        f"Python {platform.python_version()} · load average {load}"
    )
