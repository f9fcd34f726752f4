"""Run wrk (Debian's) against one URL and read its summary from report.lua's JSON line."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("report.lua")
# A browser's user agent: the portal counts no view of a robot, and a reader's view is part
# of serving an article page.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) portal-bench"


@dataclass
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # connection errors and timeouts
    bad_status: int  # responses of status 400 or more

    @classmethod
    def from_summary(cls, data):
        seconds = data["duration_us"] / 1e6
        return cls(
            requests=data["requests"],
            seconds=seconds,
            rps=data["requests"] / seconds if seconds else 0.0,
            p50_ms=data["p50_us"] / 1000,
            p90_ms=data["p90_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            max_ms=data["max_us"] / 1000,
            errors=sum(data[k] for k in ("connect", "read", "write", "timeout")),
            bad_status=data["status"],
        )


def wrk_path():
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is missing: apt-get install wrk")
    return path


def run(url, *, seconds, connections, threads=1, timeout=10, headers=()):
    """Load ``url`` for ``seconds`` with ``connections`` kept-alive connections."""
    command = [
        wrk_path(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        f"--timeout={timeout}s",
        "--script",
        str(SCRIPT),
        "--header",
        f"User-Agent: {USER_AGENT}",
    ]
    for header in headers:
        command += ["--header", header]
    completed = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode or not lines:
        raise RuntimeError(f"wrk failed: {completed.stderr or completed.stdout}")
    return Result.from_summary(json.loads(lines[-1]))
