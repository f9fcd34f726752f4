"""One log line per request with its timing, and the request's id on every line logged for it.

Nothing personal of a reader is logged: no IP address, user agent, cookie, query string value
or form field; the path, the query string's parameter names, the status, the time spent (in
all, and in the database), the size, whether the page cache served the page, and the user id
of staff. The id comes from the load balancer's ``X-Request-ID`` (when it looks like one) or
is made here; it is sent back in the response's ``X-Request-ID`` header, so that a reader
reporting an error page can quote it.
"""

import contextvars
import json
import logging
import os
import random
import re
import threading
import time

from django.db import connections
from django.utils.functional import empty
from django.views.debug import SafeExceptionReporterFilter

logger = logging.getLogger("portal.requests")

request_id_var = contextvars.ContextVar("request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
# Kept from the balancer only when it cannot carry anything else into the logs.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
ACCESS_FIELDS = (
    "method",
    "path",
    "query_keys",
    "status",
    "duration_ms",
    "db_queries",
    "db_ms",
    "bytes",
    "page_cache",
    "staff_id",
)


class QueryTimer:
    """Count the queries of a request and the time they take (cheap: no SQL is kept)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start


def staff_id(request, load=False):
    """The staff user's id, else None; unless ``load``, only when the request already looked
    at its user (the request log adds no query)."""
    user = getattr(request, "user", None)
    if user is None or (not load and getattr(user, "_wrapped", None) is empty):
        return None
    return user.pk if getattr(user, "is_staff", False) else None


def query_keys(request):
    """The names of the query string's parameters, never their values (a search is private)."""
    if not request.META.get("QUERY_STRING"):
        return ""
    return ",".join(dict.fromkeys(request.GET.keys()))


def response_size(response):
    if not response.streaming:
        return len(response.content)
    length = response.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def new_request_id():
    """32 hex digits: an id to find a request's lines by, not a secret (no system call for it:
    ``random`` is reseeded in every forked process)."""
    return f"{random.getrandbits(128):032x}"


class RequestLogMiddleware:
    """Log one line per request (logger ``portal.requests``); first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if REQUEST_ID_PATTERN.fullmatch(given) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        timer = QueryTimer()
        start = time.perf_counter()
        try:
            with connections["default"].execute_wrapper(timer):
                response = self.get_response(request)
            duration = time.perf_counter() - start
            response[REQUEST_ID_HEADER] = request_id
            self.log(request, response, duration, timer)
            return response
        finally:
            request_id_var.reset(token)

    def log(self, request, response, duration, timer):
        log_request(
            request,
            status=response.status_code,
            duration=duration,
            timer=timer,
            size=response_size(response),
            page_cache=getattr(response, "page_cache", None),
        )


def log_request(request, *, status, duration, timer, size, page_cache=None):
    """Write the request's line (the middleware's, and ``portal.replay``'s for its pages)."""
    if not logger.isEnabledFor(logging.INFO):
        return
    fields = {
        "method": request.method,
        "path": request.path,
        "query_keys": query_keys(request),
        "status": status,
        "duration_ms": round(duration * 1000, 1),
        "db_queries": timer.count,
        "db_ms": round(timer.seconds * 1000, 1),
        "bytes": size,
        "page_cache": page_cache,
        "staff_id": staff_id(request),
    }
    line = "{method} {path}{query} {status} {duration_ms}ms db={db_queries}/{db_ms}ms".format(
        query=f"?{fields['query_keys']}" if fields["query_keys"] else "", **fields
    )
    line += f" {fields['bytes']}B" if fields["bytes"] is not None else " -B"
    if fields["page_cache"]:
        line += f" cache={fields['page_cache']}"
    if fields["staff_id"] is not None:
        line += f" staff={fields['staff_id']}"
    logger.info(line, extra=fields)


class BufferedStreamHandler(logging.StreamHandler):
    """A StreamHandler that writes its lines out at most ``seconds`` after them, several in one
    write, instead of one system call per line (every request writes one; the stream may be
    unbuffered, PYTHONUNBUFFERED). A warning or an error goes out at once, after the lines
    before it; a thread of the process writes out what waits; ``logging.shutdown`` (at exit)
    the rest. ``seconds`` 0: every line at once, as StreamHandler (development, tests)."""

    def __init__(self, stream=None, seconds=0.5):
        super().__init__(stream)
        self.seconds = seconds
        self.pending = []
        self.dirty = threading.Event()
        self.pid = None

    def emit(self, record):
        if not self.seconds or record.levelno >= logging.WARNING:
            if self.pending:
                self.flush()  # the lines before it first
            super().emit(record)  # written and flushed at once
            return
        try:
            line = self.format(record) + self.terminator
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)
            return
        with self.lock:
            self.pending.append(line)
        if self.pid != os.getpid():  # the first line of this process (gunicorn forks)
            self.pid = os.getpid()
            self.dirty = threading.Event()
            threading.Thread(target=self._run, name="log-writer", daemon=True).start()
        self.dirty.set()

    def flush(self):
        with self.lock:
            lines, self.pending = self.pending, []
            if self.stream is None:
                return
            try:
                if lines:
                    self.stream.write("".join(lines))
                if hasattr(self.stream, "flush"):
                    self.stream.flush()
            except Exception:  # noqa: BLE001 - as StreamHandler: never fail the request
                self.pending = lines + self.pending  # kept for the next try

    def _run(self):
        while True:
            self.dirty.wait()
            time.sleep(self.seconds)
            self.dirty.clear()
            self.flush()


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request being served ("-" outside one), and the staff
    user's id to Django's error records (which carry the request)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        # Django logs a 4xx/5xx response after the middleware returned: the id is on the request.
        record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        if request is not None and not hasattr(record, "staff_id"):
            try:
                record.staff_id = staff_id(request, load=record.levelno >= logging.ERROR)
            except Exception:  # a log line must never fail (the database may be the error)
                record.staff_id = None
        return True


class SecondStampMixin:
    """``formatTime`` as logging's default (``2026-12-07 09:21:21,310``, local time), with the
    part up to the second formatted once per second: ``strftime`` on every request's line was
    a tenth of a line's cost."""

    _second_stamp = (None, "")

    def formatTime(self, record, datefmt=None):
        if datefmt or self.converter is not time.localtime:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        held_second, stamp = self._second_stamp
        if held_second != second:
            stamp = time.strftime(self.default_time_format, time.localtime(second))
            self._second_stamp = (second, stamp)  # one assignment: safe across threads
        return self.default_msec_format % (stamp, record.msecs)


class TextFormatter(SecondStampMixin, logging.Formatter):
    """``time level [request id] logger: message``, plus method and staff of error records."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")

    def formatMessage(self, record):
        line = super().formatMessage(record)
        request = getattr(record, "request", None)
        if request is not None and record.name != logger.name:
            line += f" (method={getattr(request, 'method', '?')}"
            if getattr(record, "staff_id", None) is not None:
                line += f", staff={record.staff_id}"
            line += ")"
        return line


class JsonFormatter(SecondStampMixin, logging.Formatter):
    """One JSON object per line (``LOG_FORMAT=json``) for log collectors."""

    # One encoder for every line: json.dumps with options builds a new one per call.
    encoder = json.JSONEncoder(ensure_ascii=False, default=str)

    def format(self, record):
        data = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        for name in ACCESS_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        request = getattr(record, "request", None)
        if request is not None and "method" not in data:
            data["method"] = getattr(request, "method", None)
            data["path"] = getattr(request, "path", None)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return self.encoder.encode(data)


class ReaderPrivacyFilter(SafeExceptionReporterFilter):
    """Error reports (the e-mail to ADMINS, DEBUG's error page) without the reader's address,
    browser or cookies."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|REMOTE_ADDR|USER_AGENT|FORWARDED|"
        "REAL_IP|CLIENT_IP|SESSION|CSRF",
        flags=re.IGNORECASE,
    )

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)
