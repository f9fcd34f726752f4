"""The request log: one line per request with its timing, errors with their request id and
traceback, and nothing personal of a reader anywhere (address, browser, cookies, searches)."""

import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings
from django.views.debug import ExceptionReporter

from portal.request_log import JsonFormatter, RequestIdFilter, TextFormatter

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

READER = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_USER_AGENT": "Mozilla/5.0 (Reader-Browser-4411)",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23",
}
PERSONAL = ["203.0.113.77", "Reader-Browser-4411", "198.51.100.23", "Nguyễn", "0912345678"]
SESSION = "secret-session-cookie"


@pytest.fixture
def logs(caplog):
    """caplog, with the request id given to each record as the configured handler does."""
    stamp = logging.NullHandler()
    stamp.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(stamp)
    yield caplog
    logging.getLogger().removeHandler(stamp)


def access_records(logs):
    return [r for r in logs.records if r.name == "portal.requests"]


def formatted(records):
    """Each record as the configured text and JSON formatters write it."""
    return "\n".join(f"{TextFormatter().format(r)}\n{JsonFormatter().format(r)}" for r in records)


def test_one_line_per_request_with_timing_and_no_query_values(client, logs, site_settings):
    client.cookies["sessionid"] = SESSION
    response = client.get("/tim-kiem/", {"q": "Nguyễn Văn A", "sdt": "0912345678"}, **READER)
    assert response.status_code == 200
    [record] = access_records(logs)
    message = record.getMessage()
    assert message.startswith("GET /tim-kiem/?q,sdt 200 ")
    assert record.status == 200 and record.query_keys == "q,sdt"
    assert record.duration_ms > 0 and record.db_queries >= 1 and record.bytes > 1000
    text = formatted(logs.records)
    for value in [*PERSONAL, SESSION]:
        assert value not in text


def test_the_request_id_comes_from_the_balancer_or_is_made_here(client, logs):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c21")
    assert response["X-Request-ID"] == "lb-7f3a9c21"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n<script>")["X-Request-ID"]
    assert re.fullmatch("[0-9a-f]{32}", made)
    assert client.get("/healthz")["X-Request-ID"] != made
    first, second, third = access_records(logs)
    assert (first.request_id, second.request_id) == ("lb-7f3a9c21", made)
    assert TextFormatter().format(first).split(" ")[3] == "[lb-7f3a9c21]"
    record = logging.makeLogRecord({"msg": "outside a request"})
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_the_page_cache_says_hit_or_miss(client, logs, site_settings):
    client.get("/")
    client.get("/")
    first, second = access_records(logs)
    assert (first.page_cache, second.page_cache) == ("miss", "hit")
    assert second.getMessage().endswith("cache=hit")


def test_staff_are_named_by_id_readers_never(client, logs, admin_user):
    client.get("/healthz")
    client.force_login(admin_user)
    client.get("/admin/")
    reader, staff = access_records(logs)
    assert reader.staff_id is None and "staff=" not in reader.getMessage()
    assert staff.staff_id == admin_user.pk
    assert staff.getMessage().endswith(f"staff={admin_user.pk}")


@override_settings(ROOT_URLCONF="tests.portal.urls_error")
def test_an_error_is_logged_with_request_id_traceback_and_staff(logs, admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    response = client.get("/hong/?token=abc123", **READER)
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    [error] = [r for r in logs.records if r.name == "django.request"]
    assert error.levelname == "ERROR" and error.exc_info
    text = TextFormatter().format(error)
    assert f"[{request_id}] django.request: Internal Server Error: /hong/" in text
    assert f"(method=GET, staff={admin_user.pk})" in text
    assert "Traceback" in text and 'RuntimeError("boom")' in text
    data = json.loads(JsonFormatter().format(error))
    assert data["request_id"] == request_id and "RuntimeError: boom" in data["exception"]
    assert data["path"] == "/hong/" and data["staff_id"] == admin_user.pk
    [access] = access_records(logs)
    assert access.status == 500 and access.path == "/hong/"
    text = formatted(logs.records)
    assert "abc123" not in text
    for value in PERSONAL:
        assert value not in text


def test_error_reports_by_mail_leave_the_reader_out():
    request = RequestFactory().get("/hong/", **READER, HTTP_COOKIE=f"sessionid={SESSION}; lang=vi")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info())
        text = report.get_traceback_text() + report.get_traceback_html()
    assert "RuntimeError" in text and "/hong/" in text
    for value in [*PERSONAL, SESSION]:
        assert value not in text


def test_the_configured_logs_go_to_stdout_as_json_lines(tmp_path):
    """A fresh process with LOG_FORMAT=json: each line is JSON, the error carries the request id
    and its traceback, then the request's line; no reader's address or browser."""
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client(raise_request_exception=False).get('/healthz?ma=0912345678', "
        "REMOTE_ADDR='203.0.113.77', HTTP_USER_AGENT='Reader-Browser-4411', "
        "HTTP_X_REQUEST_ID='lb-1234abcd'); print('status', r.status_code)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY="log-test-" + "k" * 50,
        ALLOWED_HOSTS="testserver",
        # A database without tables: the health check's query fails and is logged.
        DATABASE_URL=f"postgres://nobody@127.0.0.1:1/{tmp_path.name}",
        DATABASE_POOL="false",
        LOG_FORMAT="json",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "status 503"
    error, access, response = [json.loads(line) for line in lines[:-1]]
    assert error["logger"] == "portal.views" and error["level"] == "ERROR"
    assert error["request_id"] == "lb-1234abcd" and "OperationalError" in error["exception"]
    assert response["logger"] == "django.request" and response["request_id"] == "lb-1234abcd"
    assert access["logger"] == "portal.requests" and access["request_id"] == "lb-1234abcd"
    assert (access["path"], access["query_keys"], access["status"]) == ("/healthz", "ma", 503)
    for value in ["203.0.113.77", "Reader-Browser-4411", "0912345678"]:
        assert value not in result.stdout + result.stderr


class Unbuffered:
    """A stream that records each write, as stdout does under PYTHONUNBUFFERED."""

    def __init__(self):
        self.writes = []

    def write(self, text):
        self.writes.append(text)

    def flush(self):
        pass


def record(level, message):
    return logging.LogRecord("portal.requests", level, __file__, 1, message, None, None)


def test_request_lines_are_written_out_together_and_a_warning_at_once_after_them():
    from portal.request_log import BufferedStreamHandler

    stream = Unbuffered()
    handler = BufferedStreamHandler(stream, seconds=60)  # its thread waits a minute
    handler.setFormatter(logging.Formatter("%(message)s"))
    for n in range(3):
        handler.handle(record(logging.INFO, f"GET /{n} 200"))
    assert stream.writes == []  # no system call per line
    handler.handle(record(logging.WARNING, "Redis did not answer"))
    assert stream.writes == ["GET /0 200\nGET /1 200\nGET /2 200\n", "Redis did not answer\n"]
    handler.handle(record(logging.INFO, "GET /3 200"))
    handler.flush()  # logging.shutdown at exit
    assert stream.writes[-1] == "GET /3 200\n"


def test_buffered_lines_are_written_out_within_their_seconds():
    from portal.request_log import BufferedStreamHandler

    stream = Unbuffered()
    handler = BufferedStreamHandler(stream, seconds=0.05)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.handle(record(logging.INFO, "GET / 200"))
    deadline = time.monotonic() + 5
    while not stream.writes and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.writes == ["GET / 200\n"]


def test_with_no_seconds_every_line_is_written_at_once():
    from portal.request_log import BufferedStreamHandler

    stream = Unbuffered()
    handler = BufferedStreamHandler(stream, seconds=0)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.handle(record(logging.INFO, "GET / 200"))
    assert stream.writes == ["GET / 200\n"]


def test_the_time_of_a_line_reads_as_loggings_own_across_seconds():
    plain = logging.Formatter()
    ours = JsonFormatter()
    for created in (1765000000.0, 1765000000.25, 1765000000.999, 1765000001.0, 1765000061.5):
        record = logging.LogRecord("portal.requests", logging.INFO, __file__, 1, "x", (), None)
        record.created, record.msecs = created, (created - int(created)) * 1000
        assert ours.formatTime(record) == plain.formatTime(record)
        assert TextFormatter().formatTime(record) == plain.formatTime(record)
        assert json.loads(ours.format(record))["time"] == plain.formatTime(record)
