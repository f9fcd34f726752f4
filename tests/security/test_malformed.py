"""Oversized and malformed requests: a 4xx with a Vietnamese page where a page is shown, never
a 500, and nothing written."""

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from tests.security.test_permission_matrix import walk

pytestmark = pytest.mark.django_db

VIETNAMESE = 'lang="vi"'


def counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def assert_clean_refusal(response, *statuses):
    assert response.status_code in statuses, response.status_code
    if response.status_code >= 400 and response["Content-Type"].startswith("text/html"):
        assert VIETNAMESE in response.content.decode()[:400]


def published(world):
    return world.objects["articles.article"]["published"]


def forms(world):
    """The public forms, and an admin form, with valid data."""
    slug = published(world).slug
    return [
        ("/lien-he/", {"name": "A", "subject": "B", "message": "C"}),
        (f"/tin-tuc/{slug}/y-kien/", {"name": "A", "email": "a@example.vn", "text": "C"}),
        (f"/tin-tuc/{slug}/danh-gia/", {"score": "4"}),
        ("/admin/portal/link/add/", {"title": "A", "url": "https://example.vn/"}),
    ]


def test_a_body_over_the_upload_limit_is_a_400(as_role, world):
    client = as_role("editor")
    client.raise_request_exception = False
    before = counts()
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    for url, data in forms(world):
        assert_clean_refusal(client.post(url, {**data, "message": big, "text": big}), 400)
    assert counts() == before


def test_too_many_fields_is_a_400(as_role, world):
    client = as_role("editor")
    client.raise_request_exception = False
    before = counts()
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    for url, data in forms(world):
        assert_clean_refusal(client.post(url, {**data, **fields}), 400)
    assert counts() == before


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=xyz",
        "text/plain; charset=no-such-charset",
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/json",
    ],
)
def test_bad_content_types_and_boundaries(as_role, world, content_type):
    client = as_role("editor")
    client.raise_request_exception = False
    before = counts()
    body = b'--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\n\xff\xfe--'
    for url, _data in forms(world):
        response = client.generic("POST", url, body, content_type=content_type)
        assert_clean_refusal(response, 200, 302, 400, 403)
    assert counts() == before


def test_invalid_utf8_in_query_strings_and_forms(as_role, world):
    client = as_role("anonymous")
    for url in ("/tim-kiem/", "/ket-qua/", "/tin-tuc/", "/lien-he/"):
        response = client.get(url, QUERY_STRING="q=%ff%fe%C0%AF&nam=%ff&trang=%80")
        assert_clean_refusal(response, 200, 404)
    response = client.post(
        "/lien-he/",
        b"name=%ff%fe&subject=%C0%AF&message=%ED%A0%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert_clean_refusal(response, 302, 400)
    response = client.get("/tin-tuc/%ff%fe/")
    assert_clean_refusal(response, 404)


@pytest.mark.parametrize(
    "url",
    [
        "/tim-kiem/?q=a%00b",
        "/ket-qua/?nam=2026%00",
        "/admin/articles/article/?status__exact=%00",
        "/admin/autocomplete/?app_label=indicators&model_name=target&field_name=unit&term=%00",
        "/admin/portal/contactmessage/?q=x&%00=1",
    ],
)
def test_a_nul_in_the_query_string_is_a_400(as_role, world, url):
    """PostgreSQL cannot compare text holding NUL: refused before any query, on every database."""
    client = as_role("editor")
    client.raise_request_exception = False
    assert_clean_refusal(client.get(url), 400)


def test_a_host_that_is_not_ours_is_a_400(world, db):
    client = Client(HTTP_HOST="evil.example", raise_request_exception=False)
    for url in ("/", "/lien-he/", "/admin/", "/.well-known/security.txt", "/robots.txt"):
        assert_clean_refusal(client.get(url), 400)


def test_odd_cookies_and_headers(world, db):
    client = Client(
        raise_request_exception=False,
        HTTP_USER_AGENT="x" * 20000,
        HTTP_X_FORWARDED_FOR="not-an-ip, 999.1.1.1, ::ffff:::",
        HTTP_ACCEPT_LANGUAGE="zz" * 500,
        HTTP_REFERER="javascript:alert(1)",
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = "'; DROP TABLE django_session;--"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "<script>"
    client.cookies["ban_doc"] = "\\x00" * 100
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 5000
    slug = published(world).slug
    for url in ("/", f"/tin-tuc/{slug}/", "/admin/", "/admin/login/", "/lien-he/"):
        response = client.get(url)
        assert_clean_refusal(response, 200, 302)
    response = client.post(f"/tin-tuc/{slug}/danh-gia/", {"score": "5"})
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("score", ["", "0", "6", "abc", "4.5", "-1", "9" * 50])
def test_ratings_outside_one_to_five(world, db, score):
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    url = f"/tin-tuc/{published(world).slug}/danh-gia/"
    assert client.post(url, {"score": score}).status_code == 302  # back to the form, with why
    response = client.post(url, {"score": score}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["ok"] is False


@pytest.mark.parametrize(
    "url",
    [
        "/tin-tuc/?trang=999999999",
        "/tin-tuc/?trang=-5",
        "/tim-kiem/?q=loc&trang=99999999999999999999",
        "/admin/articles/article/?p=99999",
        "/admin/articles/article/-1/change/",
        "/admin/articles/article/99999999999999999999/change/",
        "/admin/articles/article/1.5/delete/",
        "/admin/indicators/target/0/history/",
        "/admin/indicators/monthlyreport/entry/loc-an/99999999999999999999/1/",
        "/admin/indicators/monthlyreport/entry/loc-an/2026/99999999999999999999/",
        "/admin/auth/user/99999999999999999999/password/",
        "/admin/r/99999999999999999999/1/",
        "/tin-tuc/" + "a" * 5000 + "/",
    ],
)
def test_absurd_page_numbers_and_ids(as_role, world, url):
    client = as_role("superuser")
    client.raise_request_exception = False
    assert_clean_refusal(client.get(url), 200, 302, 404)


@pytest.mark.parametrize("role", ["anonymous", "superuser"])
def test_every_address_answers_every_method(client, world, role):
    """HEAD, OPTIONS, PUT and DELETE on every URL: never a 500, and nothing deleted."""
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    client.raise_request_exception = False
    before = counts()
    problems = []
    # HEAD, OPTIONS and PUT run a view as GET does (the matrix reads every GET): all four are
    # tried signed out, DELETE (the one that sounds destructive) by the superuser.
    methods = ("DELETE",) if user else ("HEAD", "OPTIONS", "PUT", "DELETE")
    for key, url in walk(world):
        if user and "<path:object_id>" not in key and "entry/" not in key:
            continue  # DELETE of a page that is not an object's reads it as GET does
        for method in methods:
            response = client.generic(method, url)
            if response.status_code >= 500:
                problems.append(f"{method} {url} ({key}): {response.status_code}")
    assert not problems, "\n".join(problems)
    assert counts() == before
