"""Production as docs/deploy.md documents it: the environment passes ``check --deploy``, gunicorn
is sized to the machine, and ``make serve`` migrates, collects and serves."""

import json
import os
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy.md"
# What the test run sets and a production environment would not have.
TEST_ONLY = {"PYTEST_VERSION", "PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def documented_environment():
    """The variables of the block docs/deploy.md marks as the production environment."""
    text = DEPLOY.read_text()
    block = re.search(r"<!-- production-env[^>]*-->\s*```sh\n(.*?)```", text, re.DOTALL)
    assert block, "docs/deploy.md lost its production-env block"
    values = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.startswith("#"):
            name, _sep, value = line.partition("=")
            values[name] = value
    return values


def production_env(**overrides):
    """The process environment of a production server: the documented block, no test run."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in TEST_ONLY
        and key not in documented_environment()
        and not key.startswith(("AWS_", "DATABASE_", "REDIS_", "SECURE_"))
    }
    env.update(documented_environment())
    env.update(SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="portal.settings")
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args, env, timeout=120):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_check_deploy_reports_nothing_with_the_documented_environment():
    env = production_env()
    assert env["DEBUG"] == "false" and env["SECRET_KEY"]
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_complain_without_https_settings():
    """The check above can fail: the same environment without HSTS and HTTPS redirects."""
    env = production_env(SECURE_HSTS_SECONDS="0", SECURE_SSL_REDIRECT=None)
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [("ALLOWED_HOSTS", "ALLOWED_HOSTS chưa được đặt"), ("SECRET_KEY", "SECRET_KEY chưa được đặt")],
)
def test_a_production_start_without_a_required_value_is_refused(missing, message):
    env = production_env(**{missing: None})
    result = run([sys.executable, "manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


PRINT_SETTINGS = """
import django, json
from django.conf import settings
django.setup()
print(json.dumps({
    "storages": settings.STORAGES,
    "tmp_storage": settings.IMPORT_EXPORT_TMP_STORAGE_CLASS,
    "session": settings.SESSION_ENGINE,
    "cache": settings.CACHES["default"],
    "db": settings.DATABASES["default"],
    "proxies": settings.TRUSTED_PROXY_COUNT,
    "log_formatter": settings.LOGGING["handlers"]["console"]["formatter"],
}, default=str))
"""


def test_the_documented_environment_shares_everything_between_app_servers():
    result = run([sys.executable, "-c", PRINT_SETTINGS], production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    media, pending = values["storages"]["default"], values["storages"]["import_export"]
    assert media["BACKEND"] == pending["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == pending["OPTIONS"]["bucket_name"] == "portal-media"
    assert media["OPTIONS"]["endpoint_url"] == "https://s3.example.gov.vn"
    assert (media["OPTIONS"]["location"], pending["OPTIONS"]["location"]) == (
        "media",
        "pending-imports",
    )
    assert media["OPTIONS"]["file_overwrite"] is False
    assert media["OPTIONS"]["querystring_auth"] is False
    assert "secret" not in json.dumps(media).lower()  # credentials stay with boto3
    assert values["tmp_storage"] == "import_export.tmp_storages.MediaStorage"
    assert values["storages"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["session"] == "django.contrib.sessions.backends.cached_db"
    assert values["cache"]["BACKEND"] == "portal.cache.RedisCache"
    assert values["cache"]["LOCATION"] == "redis://:change-me@redis.internal:6379/0"
    assert values["db"]["CONN_MAX_AGE"] == 0
    assert values["db"]["OPTIONS"]["pool"]["min_size"] == 1
    assert values["db"]["OPTIONS"]["pool"]["max_size"] == 4
    assert (values["proxies"], values["log_formatter"]) == (1, "text")


def gunicorn_config(monkeypatch, **environ):
    for name in (
        "WEB_CONCURRENCY",
        "WEB_THREADS",
        "HOST",
        "PORT",
        "GUNICORN_CONTROL_SOCKET",
        "MAX_REQUESTS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "portal" / "gunicorn.conf.py"))


def test_gunicorn_is_sized_to_the_machine(monkeypatch):
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    config = gunicorn_config(monkeypatch)
    assert config["workers"] == min(max(cores, 2), 8)
    assert config["threads"] == 4
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["max_requests"] >= 10_000  # a new process costs a second or two of a core
    assert 0 < config["max_requests_jitter"] < config["max_requests"]
    assert config["worker_class"] == "portal.gunicorn_worker.BalancedThreadWorker"
    assert 0 < config["graceful_timeout"] <= config["timeout"]
    assert config["accesslog"] is None and config["preload_app"] is False
    assert config["control_socket_disable"] is True  # two servers on one machine never clash
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert gunicorn_config(monkeypatch)["workers"] == 8


def test_gunicorn_takes_its_numbers_and_address_from_the_environment(monkeypatch):
    config = gunicorn_config(
        monkeypatch, WEB_CONCURRENCY="3", WEB_THREADS="6", HOST="::1", PORT="9100"
    )
    assert (config["workers"], config["threads"]) == (3, 6)
    other = gunicorn_config(monkeypatch, MAX_REQUESTS="5000")
    assert (other["max_requests"], other["max_requests_jitter"]) == (5000, 500)
    assert config["bind"] == ["[::1]:9100"]
    assert gunicorn_config(monkeypatch, HOST="0.0.0.0")["bind"] == ["0.0.0.0:8000"]  # noqa: S104
    controlled = gunicorn_config(monkeypatch, GUNICORN_CONTROL_SOCKET="/run/portal/g.ctl")
    assert controlled["control_socket"] == "/run/portal/g.ctl"
    assert controlled["control_socket_disable"] is False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a local server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.headers, response.read()


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_serve_migrates_collects_and_serves_as_in_production(tmp_path):
    port = free_port()
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SECURE_COOKIES="false",
        SECURE_PROXY_SSL_HEADER="false",
        PROXY_COUNT="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        DATABASE_POOL=None,
        DATABASE_POOL_MIN=None,
        DATABASE_POOL_MAX=None,
        REDIS_URL=None,
        AWS_STORAGE_BUCKET_NAME=None,
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        WEB_CONCURRENCY="2",
        EMAIL_HOST=None,
    )
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [shutil.which("make"), "serve", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(240):
            try:
                status, headers, _body = fetch(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.25)
        else:
            pytest.fail("make serve did not answer:\n" + log.read_text())
        assert status == 200 and len(headers["X-Request-ID"]) == 32

        # The home page links the hashed static files, served compressed and kept a year.
        _status, _headers, home = fetch(f"{base}/")
        css = re.search(rb'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', home)
        assert css, home[:2000]
        status, headers, _body = fetch(base + css.group(1).decode(), **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in headers["Cache-Control"]
        assert "immutable" in headers["Cache-Control"]
        assert (tmp_path / "static" / "staticfiles.json").is_file()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    output = log.read_text()
    assert "Booting worker" in output and "BalancedThreadWorker" in output  # threaded
    requests = [line for line in output.splitlines() if " portal.requests: " in line]
    assert any(" GET /healthz 200 " in line for line in requests), output
    assert any(" GET / 200 " in line for line in requests), output
    assert len([line for line in requests if "/static/css/portal." in line]) == 1
    assert "Shutting down: Master" in output  # a graceful stop


def test_a_process_with_every_thread_busy_takes_no_new_connection(monkeypatch):
    """portal.gunicorn_worker: busy threads stop the accepting; a finished request restarts it."""
    from gunicorn.workers.gthread import ThreadWorker

    from portal.gunicorn_worker import BalancedThreadWorker

    accepting = []
    monkeypatch.setattr(ThreadWorker, "enqueue_req", lambda self, conn: None)
    monkeypatch.setattr(ThreadWorker, "finish_request", lambda self, conn, fs: None)
    monkeypatch.setattr(
        ThreadWorker, "set_accept_enabled", lambda self, enabled: accepting.append(enabled)
    )
    worker = BalancedThreadWorker.__new__(BalancedThreadWorker)
    worker.cfg = type("Config", (), {"threads": 2})()
    worker.busy = 0
    worker.enqueue_req("first")
    worker.set_accept_enabled(True)
    assert accepting == [True]  # a thread is still free
    worker.enqueue_req("second")
    assert accepting[-1] is False  # every thread busy: another process takes the next one
    worker.set_accept_enabled(True)  # gunicorn's loop asks again
    assert accepting[-1] is False
    worker.finish_request("first", None)
    worker.set_accept_enabled(True)
    assert accepting[-1] is True
