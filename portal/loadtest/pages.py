"""The public pages under load: cached, uncached and the bare-WSGI ceiling, in one run.

Each mode is a gunicorn started with the portal's gunicorn.conf.py: the portal itself (pages
from the Redis page cache), the portal with its page cache bypassed (``wsgi.uncached``), and
a WSGI callable serving the same bytes and headers (``wsgi.bare``). Each page is loaded by
wrk twice: with as many connections as the server has threads (requests per second, and the
latency under that load), then with one connection (the latency of one reader alone). The
database time of each request is read from the portal's request log (``db_ms``).
"""

import json
import runpy
import time
from dataclasses import dataclass, field

from portal.loadtest import wrk
from portal.loadtest.servers import GUNICORN_CONFIG, Gunicorn, get
from portal.loadtest.wsgi import BARE_PAGES, save_pages

MODES = {
    "cached": "portal.wsgi:application",
    "uncached": "portal.loadtest.wsgi:uncached()",
    "bare": "portal.loadtest.wsgi:bare()",
}
DROPPED_HEADERS = {"date", "server", "connection", "transfer-encoding", "content-length"}


def server_threads(env):
    """Processes × threads of gunicorn.conf.py with this environment."""
    import os

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        config = runpy.run_path(str(GUNICORN_CONFIG))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return config["workers"], config["threads"]


@dataclass
class Run:
    page: str
    mode: str
    load: wrk.Result
    alone: wrk.Result
    requests_logged: int = 0
    db_p50_ms: float = 0.0
    db_max_ms: float = 0.0
    queries: int = 0
    cache_states: dict = field(default_factory=dict)


def _log_lines(path, start):
    with open(path, "rb") as log:
        log.seek(start)
        for raw in log:
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("logger") == "portal.requests":
                yield record


def _percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _read_log(run, log_path, start, middle, path):
    """Database time and cache state of the run's requests: the median of the one-reader run
    (the page's own queries, without other requests competing for the two cores), the most of
    both runs."""
    path_only = path.split("?", 1)[0]
    records = [r for r in _log_lines(log_path, start) if r.get("path") == path_only]
    alone = [r for r in _log_lines(log_path, middle) if r.get("path") == path_only]
    run.requests_logged = len(records)
    run.db_p50_ms = _percentile([r.get("db_ms") or 0.0 for r in alone], 0.5)
    run.db_max_ms = max((r.get("db_ms") or 0.0 for r in records), default=0.0)
    run.queries = max((r.get("db_queries") or 0 for r in records), default=0)
    states = {}
    for record in records:
        state = record.get("page_cache") or "rendered"
        states[state] = states.get(state, 0) + 1
    run.cache_states = states


def _settled(log_path, quiet=1.0, most=60.0):
    """The log's size once the server has finished the requests still running (it stops
    growing): the next run's lines start there."""
    deadline = time.monotonic() + most
    size = log_path.stat().st_size
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = log_path.stat().st_size
        if now == size:
            break
        size = now
    return size


def _measure(server, mode, pages, seconds, connections, log=print):
    runs = []
    for name, path in pages.items():
        url = server.url + path
        wrk.run(url, seconds=2, connections=connections)  # warm: workers, pool, page cache
        start = _settled(server.log_path)
        load = wrk.run(url, seconds=seconds, connections=connections)
        middle = _settled(server.log_path)
        alone = wrk.run(url, seconds=max(3, seconds // 2), connections=1)
        run = Run(page=name, mode=mode, load=load, alone=alone)
        if mode != "bare":
            _read_log(run, server.log_path, start, middle, path)
        log(
            f"  {mode:<8} {name:<8} {load.rps:8.0f} req/s  p50 {alone.p50_ms:6.1f} ms alone, "
            f"{load.p50_ms:6.1f} ms loaded  db p50 {run.db_p50_ms:5.1f} ms, max "
            f"{run.db_max_ms:5.1f} ms  {run.cache_states}"
        )
        runs.append(run)
    return runs


def record_pages(server, pages):
    """Each page's bytes and headers as a reader gets them (from the page cache)."""
    recorded = {}
    for path in pages.values():
        status, headers, body = get(server.url + path, headers={"User-Agent": wrk.USER_AGENT})
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        kept = [(k, v) for k, v in headers.items() if k.lower() not in DROPPED_HEADERS]
        recorded[path] = (kept, body)
    return recorded


def measure_pages(pages, *, env, workdir, seconds=10, log=print):
    """Runs of every page in every mode (see the module); ``pages`` maps a name to a path."""
    workers, threads = server_threads(env)
    connections = workers * threads
    log(f"gunicorn: {workers} processes × {threads} threads; wrk: {connections} connections")
    runs = []
    for mode, app in MODES.items():
        mode_env = dict(env)
        if mode == "bare":
            mode_env[BARE_PAGES] = str(workdir / "bare")
        server = Gunicorn(app, env=mode_env, log_path=workdir / f"server-{mode}.log")
        with server:
            if mode == "cached":
                for path in pages.values():  # into the page cache
                    get(server.url + path, headers={"User-Agent": wrk.USER_AGENT})
                save_pages(workdir / "bare", record_pages(server, pages))
            runs += _measure(server, mode, pages, seconds, connections, log)
    return runs, {"workers": workers, "threads": threads, "connections": connections}
