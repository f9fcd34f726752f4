"""Gunicorn's settings for ``make serve``: sized to the machine, bound from HOST and PORT.

Every value can be changed from the environment (docs/deploy.md): WEB_CONCURRENCY (processes),
WEB_THREADS (threads per process), HOST, PORT, LOG_LEVEL, GUNICORN_CONTROL_SOCKET.
"""

import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores():
    """The cores this process may use (a container's cpuset included)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Processes × threads. One process per core uses every core: Python runs one thread at a time
# in a process, and rendering a page, an import or an export is CPU work. Threads cover the
# waiting on PostgreSQL, Redis and S3 (most of a page's time: readers' pages come from the
# Redis page cache) without the memory of more processes (each holds the whole portal, about
# 100 MB). Gunicorn's "2 × cores + 1" rule is for single-threaded workers that block on that
# waiting; threads do it here. At least 2 processes, so that one long export never leaves a
# small server unable to answer; at most 8, as past that each process adds connections to
# PostgreSQL (its own pool) faster than it adds pages per second.
workers = _int("WEB_CONCURRENCY", min(max(_cores(), 2), 8))
# gthread, taking connections only while a thread is free (portal.gunicorn_worker).
worker_class = "portal.gunicorn_worker.BalancedThreadWorker"
threads = _int("WEB_THREADS", 4)

# Behind nginx or a load balancer on the same machine: 127.0.0.1:8000 unless told otherwise.
_host = os.environ.get("HOST", "").strip() or "127.0.0.1"
if ":" in _host and not _host.startswith("["):
    _host = f"[{_host}]"  # an IPv6 address
bind = [f"{_host}:{_int('PORT', 8000)}"]

# No app state crosses a fork: each process opens its own database pool and Redis connections.
preload_app = False
# A worker silent this long is restarted; graceful stops let running requests finish
# (a spreadsheet import of several thousand rows takes seconds, not minutes).
timeout = 60
graceful_timeout = 30
keepalive = 5
# Processes are replaced after about 100,000 requests, not all at once (the jitter), so that
# memory held by large exports is given back. Not much sooner: a new process imports the
# portal again (a second or two of a core) and starts with its pools and held pages empty;
# at the thousands of cached pages a second a process can serve, 2,000 requests (gunicorn's
# usual advice) meant a restart every second or two, and measured cached pages a third slower.
max_requests = _int("MAX_REQUESTS", 100_000)
max_requests_jitter = max_requests // 10
# Logs: gunicorn's access log stays off; the portal writes one line per request itself
# (portal.request_log), with the request id and without the reader's address.
accesslog = None
errorlog = "-"
# gunicornc's control socket only when GUNICORN_CONTROL_SOCKET names its path: the default path
# is one per user, which two servers on one machine (tests, a staging copy) would fight over.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip() or "gunicorn.ctl"
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
loglevel = os.environ.get("LOG_LEVEL", "info").strip().lower() or "info"
proc_name = "portal"
