"""Security headers on every response and CSRF on every POST (issue 8, point 5).

Every URL pattern is walked (the addresses of tests.security): each answer carries the headers,
its HTML holds nothing its Content-Security-Policy refuses (no inline script or handler, no
inline style but on the prose editor's pages), and a POST without a CSRF token is refused.
"""

import base64
import hashlib
import json
import logging
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from portal import security
from tests.portal.test_deploy_check import production_env, run
from tests.security.test_permission_matrix import walk
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
OTHER_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": security.PERMISSIONS_POLICY,
}
# URL patterns that deliberately take a POST without a CSRF token: none.
CSRF_EXEMPT = set()
# Inline <script> types that are data, never run (CSP does not apply to them).
DATA_SCRIPTS = {"application/ld+json", "application/json"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """tests.security's small portal with one of everything, rolled back after the module."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response.headers.get("Content-Security-Policy", "").split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def script_hash(text):
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


class InlineFinder(HTMLParser):
    """What a page's HTML runs or styles inline: [(kind, text)]."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found, self._script = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(("handler", f"<{tag} {name}={value!r}>"))
            elif name == "style":
                self.found.append(("style attribute", f"<{tag} style={value!r}>"))
            elif name in {"href", "src", "action"} and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(("handler", f"<{tag} {name}={value!r}>"))
        if tag == "script" and "src" not in attrs and attrs.get("type") not in DATA_SCRIPTS:
            self._script = []
        elif tag == "style":
            self.found.append(("style element", "<style>"))

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.found.append(("script", "".join(self._script)))
            self._script = None


def problems_of(url, response, prose_editor=False):
    """Missing or wrong headers, and inline content the response's own policy refuses."""
    problems = [
        f"{url}: {header} is {response.headers.get(header)!r}, not {value!r}"
        for header, value in OTHER_HEADERS.items()
        if response.headers.get(header) != value
    ]
    csp = policy(response)
    expected = {key: list(sources) for key, sources in STRICT.items()}
    if prose_editor:
        expected["script-src"].append(security.importmap_hash())
        expected["style-src"].append("'unsafe-inline'")
    if csp != expected:
        return [*problems, f"{url}: CSP is {csp}"]
    if not response.get("Content-Type", "").startswith("text/html") or response.streaming:
        return problems
    finder = InlineFinder()
    finder.feed(response.content.decode())
    for kind, text in finder.found:
        if kind == "script" and script_hash(text) in csp["script-src"]:
            continue
        if kind.startswith("style") and "'unsafe-inline'" in csp["style-src"]:
            continue
        problems.append(f"{url}: inline {kind} refused by its CSP: {text[:120]}")
    return problems


def test_every_public_page_carries_the_headers_and_nothing_inline(world, client):
    problems, pages = [], 0
    for key, url in walk(world):
        if key.startswith("admin/"):
            continue
        response = client.get(url)
        pages += response.get("Content-Type", "").startswith("text/html")
        problems += problems_of(url, response)
    assert not problems, "\n".join(problems)
    assert pages > 20  # the walk reached the pages


def test_every_admin_page_carries_the_headers_and_only_the_editor_relaxes_them(world, client):
    client.force_login(world.user("superuser"))
    problems, relaxed = [], set()
    for key, url in walk(world):
        if not key.startswith("admin/"):
            continue
        response = client.get(url)
        editor = security.has_prose_editor(response.wsgi_request, response)
        if editor:
            relaxed.add(key)
        problems += problems_of(url, response, prose_editor=editor)
    assert not problems, "\n".join(problems)
    # The article and intro page forms have the editor; the other pages keep the strict policy.
    assert {
        "admin/articles/article/add/",
        "admin/articles/article/<path:object_id>/change/#own-draft",
        "admin/portal/intropage/add/",
    } <= relaxed
    assert "admin/" not in relaxed and "admin/indicators/program/export/" not in relaxed


def test_the_import_map_hash_is_that_of_the_editor_page(world, client):
    client.force_login(world.user("editor"))
    response = client.get("/admin/articles/article/add/")
    maps = re.findall(r'<script type="importmap">(.*?)</script>', response.content.decode(), re.S)
    assert len(maps) == 1
    assert script_hash(maps[0]) == security.importmap_hash()
    assert security.importmap_hash() in policy(response)["script-src"]


def test_a_page_served_from_the_cache_carries_the_same_headers(world, client):
    headers = ("Content-Security-Policy", "Strict-Transport-Security", *OTHER_HEADERS)
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        miss = client.get("/", secure=True)
        hit = client.get("/", secure=True)
        unchanged = client.get("/", secure=True, headers={"if-none-match": hit["ETag"]})
    assert (miss.page_cache, hit.page_cache) == ("miss", "hit")
    assert unchanged.status_code == 304
    assert miss.content == hit.content
    for response in (miss, hit, unchanged):
        assert {h: response.headers.get(h) for h in headers} == {
            h: miss.headers.get(h) for h in headers
        }
    assert miss["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert problems_of("/", hit) == []


def test_uploads_on_another_host_are_allowed_as_images(world, client):
    bucket = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "portal-media", "custom_domain": "anh.example.gov.vn"},
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": bucket}):
        sources = policy(client.get("/"))["img-src"]
    assert sources == ["'self'", "data:", "https://anh.example.gov.vn"]
    assert policy(client.get("/"))["img-src"] == ["'self'", "data:"]  # back to local files


def test_cookies_are_http_only_and_same_site(world, client):
    response = client.get("/admin/login/")
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] is True and csrf["samesite"] == "Lax"
    response = client.post(
        "/admin/login/", {"username": "canbo.locan", "password": "locan-demo-2026"}
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True and session["samesite"] == "Lax"
    # No script of ours reads the CSRF cookie (it is HttpOnly): they take the token from the page.
    for script in (ROOT / "static" / "js").glob("*.js"):
        assert "cookie" not in script.read_text().lower(), script.name


PRINT_SECURITY = """
import django, json
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in (
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE")}
    | {"img-src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]}))
"""


def production_settings(**env):
    result = run([sys.executable, "-c", PRINT_SECURITY], production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_sends_hsts_and_https_only_cookies():
    values = production_settings(SECURE_HSTS_SECONDS=None, MEDIA_ORIGIN="https://anh.example.vn")
    assert values == {
        "SECURE_HSTS_SECONDS": 31536000,  # a year when nothing says otherwise
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "img-src": ["'self'", "data:", "https://anh.example.vn"],
    }


@pytest.mark.parametrize(
    ("env", "hsts", "secure"),
    [
        ({"SECURE_HSTS_SECONDS": "600", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"}, 600, True),
        ({"SECURE_COOKIES": "false"}, 0, False),  # plain HTTP (make audit): no HSTS
        ({"DEBUG": "true"}, 0, True),  # never HSTS while debugging, even when asked for
        ({"DEBUG": "true", "SECURE_COOKIES": None}, 0, False),
    ],
)
def test_hsts_only_in_production_over_https(env, hsts, secure):
    values = production_settings(**env)
    assert values["SECURE_HSTS_SECONDS"] == hsts
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is secure
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is (
        env.get("SECURE_HSTS_INCLUDE_SUBDOMAINS") != "false"
    )


def _views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_view_is_exempt_from_csrf():
    views = list(_views(get_resolver().url_patterns))
    exempt = {route for route, view in views if getattr(view, "csrf_exempt", False)}
    assert exempt == CSRF_EXEMPT
    assert len(views) > 100


@pytest.mark.parametrize("role", ["anonymous", "superuser"])
def test_every_url_refuses_a_post_without_csrf_token(world, role, caplog):
    """A forged form from another site: the browser sends the cookies, not the token."""
    client = Client(enforce_csrf_checks=True)
    if role == "superuser":
        client.force_login(world.user(role))
        client.get("/admin/")  # the CSRF cookie of a signed-in browser
        assert client.cookies["csrftoken"].value
    problems, tried = [], 0
    for key, url in walk(world):
        if key.split("#")[0] in CSRF_EXEMPT:
            continue
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
            response = client.post(url, {"score": "5", "text": "Giả mạo", "name": "Kẻ lạ"})
        tried += 1
        refused = [r for r in caplog.records if r.name == "django.security.csrf"]
        if response.status_code != 403 or not refused:
            problems.append(f"{key} {url}: {response.status_code}, not refused for CSRF")
    assert not problems, "\n".join(problems)
    assert tried > 100


def test_the_same_post_with_its_token_is_not_refused(world):
    """The test above can fail: a form sent with its token passes the CSRF check."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("editor"))
    page = client.get("/admin/articles/tag/add/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(
        "/admin/articles/tag/add/", {"csrfmiddlewaretoken": token, "name": "An ninh mạng"}
    )
    assert response.status_code == 302


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>"
    r"|\son[a-z]+\s*="
    r"|\sstyle\s*="
    r"|<style"
    r"|javascript:",
    re.IGNORECASE,
)

MARKUP = re.compile(r"""["']<[a-z]""")  # a string of HTML built in Python


def test_no_template_or_python_builds_inline_scripts_handlers_or_styles():
    """Pages the walk may not render (error states, e-mails) hold nothing inline either."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    for app in ("portal", "indicators", "articles"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if path.name == "security.py":  # the policy's own code names the import map
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if MARKUP.search(line) and INLINE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
