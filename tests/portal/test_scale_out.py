"""Two app servers (gunicorn, as ``make serve`` runs it) behind no balancer but the test itself,
sharing one PostgreSQL database, one Redis and one S3 bucket (moto's local server): whatever
one server writes, the other reads; neither keeps anything on its own disk."""

import io
import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from PIL import Image

from articles.models import Article
from indicators.models import Program
from portal.models import DailyVisits
from tests.articles.test_admin_workflow import form_data
from tests.indicators.spreadsheets.importhelpers import xlsx

from .s3 import bucket, s3_endpoint  # noqa: F401 - fixtures
from .test_deploy_check import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_SCALE_REDIS_URL", "redis://127.0.0.1:6379/7")
PASSWORD = "quantri-scale-2026"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRAMS = xlsx([["Mã chương trình", "Tên chương trình", "Thứ tự"], ["gn", "Giảm nghèo", 1]])
# What the test run sets and no app server would have.
NOT_PASSED = ("PYTEST_", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_", "REDIS_", "AWS_", "SECURE_")


def redis_available():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several app servers share PostgreSQL: run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.skipif(not redis_available(), reason=f"no Redis at {REDIS_URL}"),
]


class HiddenInputs(HTMLParser):
    """The hidden fields of a page's forms, as a browser would send them back."""

    def __init__(self, html):
        super().__init__()
        self.values = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


def hidden(response):
    return HiddenInputs(response.text).values


def database_url():
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """The static files as ``make serve`` collects them (hashed, compressed), once."""
    root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_PASSED)}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY="collectstatic-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(root),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def app_servers(bucket, collected_static, tmp_path):  # noqa: F811
    """Two gunicorn servers with the production settings; yields their URLs and environment."""
    prefix = f"scale-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_PASSED)}
    env.update(
        bucket.environment(),
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),  # the same on every server
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="false",  # plain HTTP in the test
        DATABASE_URL=database_url(),
        DATABASE_POOL="true",
        DATABASE_POOL_MIN="1",
        DATABASE_POOL_MAX="2",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        STATIC_ROOT=str(collected_static),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        WEB_THREADS="2",
    )
    servers = []
    for name in ("a", "b"):
        port = free_port()
        media = tmp_path / f"media-{name}"
        log = tmp_path / f"server-{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi"],
                cwd=ROOT,
                env={**env, "PORT": str(port), "MEDIA_ROOT": str(media)},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        servers.append((f"http://127.0.0.1:{port}", process, media, log))
    try:
        for url, process, _media, log in servers:
            for _attempt in range(120):
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert process.poll() is None, log.read_text()
                time.sleep(0.25)
            else:
                pytest.fail(f"{url} did not start:\n{log.read_text()}")
        yield [url for url, *_rest in servers], env
    finally:
        for _url, process, _media, _log in servers:
            process.terminate()
            process.wait(timeout=60)
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    for _url, _process, media, _log in servers:
        assert not media.exists() or not any(media.rglob("*")), "a server wrote to its own disk"


def picture():
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), "teal").save(buffer, format="JPEG")
    return buffer.getvalue()


def sign_in(server):
    session = requests.Session()
    page = session.get(f"{server}/admin/login/?next=/admin/", timeout=10)
    data = {**hidden(page), "username": "quantri", "password": PASSWORD, "next": "/admin/"}
    response = session.post(
        f"{server}/admin/login/?next=/admin/", data=data, allow_redirects=False, timeout=30
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/", response.text
    return session


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_share_sessions_uploads_imports_and_visits(
    app_servers,
    bucket,  # noqa: F811
    site_settings,
):
    (server_a, server_b), env = app_servers
    hasher = PBKDF2PasswordHasher()  # the servers' own hasher (the tests use a faster one)
    get_user_model().objects.create(
        username="quantri",
        is_staff=True,
        is_superuser=True,
        password=hasher.encode(PASSWORD, hasher.salt()),
    )

    # Signed in on A, the same cookie is signed in on B.
    staff_a = sign_in(server_a)
    staff_b = requests.Session()
    staff_b.cookies.update(staff_a.cookies)
    on_b = staff_b.get(f"{server_b}/admin/", allow_redirects=False, timeout=10)
    assert on_b.status_code == 200 and "quantri" in on_b.text

    # A picture uploaded through A is stored in the bucket and shown by B.
    add = "/admin/articles/article/add/"
    data = form_data(title="Ảnh gửi qua máy chủ A", status="published", cover_alt="Cánh đồng")
    data.update(hidden(staff_a.get(server_a + add, timeout=10)))
    response = staff_a.post(
        server_a + add,
        data=data,
        files={"cover": ("canh-dong.jpg", picture(), "image/jpeg")},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[-3000:]
    article = Article.objects.get(title="Ảnh gửi qua máy chủ A")
    assert f"media/{article.cover.name}" in bucket.keys("media/")
    page = requests.get(server_b + article.get_absolute_url(), timeout=10)
    assert page.status_code == 200
    pictures = re.findall(rf"{re.escape(bucket.endpoint)}/\S+?\.(?:webp|jpg)", page.text)
    assert pictures and all(f"/{bucket.name}/media/articles/" in url for url in pictures)
    assert requests.get(pictures[0], timeout=10).status_code == 200

    # An import previewed on A waits in the bucket and is confirmed on B.
    imports = "/admin/indicators/program/import/"
    data = {**hidden(staff_a.get(server_a + imports, timeout=10)), "format": "0", "resource": "0"}
    preview = staff_a.post(
        server_a + imports,
        data=data,
        files={"import_file": ("chuong-trinh.xlsx", PROGRAMS, XLSX)},
        timeout=60,
    )
    assert preview.status_code == 200 and "import_file_name" in hidden(preview), preview.text
    assert len(bucket.keys("pending-imports/")) == 1
    done = staff_b.post(
        f"{server_b}/admin/indicators/program/process_import/",
        data=hidden(preview),
        allow_redirects=False,
        timeout=60,
    )
    assert done.status_code == 302, done.text[-3000:]
    assert Program.objects.get(code="gn").name == "Giảm nghèo"
    assert bucket.keys("pending-imports/") == []

    # One reader on A and one on B: both visits land in the same counters, saved by a third
    # process (the command a cron job or a server's exit runs).
    assert requests.get(f"{server_a}/", headers={"User-Agent": FIREFOX}, timeout=10).ok
    assert requests.get(f"{server_b}/", headers={"User-Agent": CHROME}, timeout=10).ok
    flushed = subprocess.run(
        [sys.executable, "manage.py", "flush_visits"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert flushed.returncode == 0, flushed.stderr
    today = DailyVisits.objects.get(day=timezone.localdate())
    assert today.visits == 2 and today.page_views == 2
