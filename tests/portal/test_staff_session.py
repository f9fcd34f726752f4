"""Staff sessions: the idle timeout, its extension, and typed data kept when it ends."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from portal import roles

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"
ADD = "/admin/articles/article/add/"
EXTEND = "/admin/session/extend/"
STATUS = "/admin/session/"


def make_writer(username):
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.role_group_name(roles.WRITER)))
    return user


@pytest.fixture
def writer(site_settings):
    return make_writer("vietbai")


def article_data(**overrides):
    data = {
        "title": "Hội nghị tổng kết năm 2026",
        "slug": "",
        "lead": "Sáng 28/11, huyện tổ chức hội nghị.",
        "body": "<p>Đoạn một.</p>\r\n<p>Đoạn hai, gõ rất lâu.</p>",
        "cover_alt": "",
        "cover_caption": "",
        "cover_credit": "",
        "byline": "",
        "source": "",
        "status": "draft",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "_save": "Lưu lại",
    }
    data.update(overrides)
    return data


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def seconds_left(row):
    return (row.expire_date - timezone.now()).total_seconds()


def set_seconds_left(client, seconds):
    session = client.session
    session.set_expiry(timezone.now() + timedelta(seconds=seconds))
    session.save()


def end_session():
    """The idle time passed: the session's row is expired (the browser still sends its cookie)."""
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))


def sign_in(client, username, next_url):
    return client.post(
        "/admin/login/", {"username": username, "password": PASSWORD, "next": next_url}
    )


# The idle timeout and its warning ----------------------------------------------------------


def test_admin_pages_carry_the_time_left_and_a_warning(client, writer):
    login_page = client.get("/admin/login/").content.decode()
    assert "session-timeout" not in login_page
    client.force_login(writer)
    page = client.get("/admin/").content.decode()
    remaining = int(re.search(r'data-remaining="(\d+)"', page)[1])
    assert 1790 <= remaining <= 1800  # 30 minutes, no thousands separator
    assert 'data-warning="120"' in page
    assert f'data-extend-url="{EXTEND}"' in page and f'data-status-url="{STATUS}"' in page
    assert re.search(r'data-csrf-token="\w{32,}"', page)
    assert 'src="/static/js/session-timeout.js" defer' in page
    assert 'role="alertdialog"' in page and "Tiếp tục làm việc" in page
    assert "<script>" not in page  # nothing inline: the page keeps working under a strict CSP


def test_extending_moves_the_end_of_the_session(client, writer):
    client.force_login(writer)
    set_seconds_left(client, 60)
    assert 55 <= seconds_left(session_row(client)) <= 60
    # Asking the time left does not extend it (another tab may ask while this one is idle).
    state = client.get(STATUS).json()
    assert state["signed_in"] and 55 <= state["remaining"] <= 60
    assert seconds_left(session_row(client)) <= 60
    response = client.post(EXTEND)
    assert response.status_code == 200
    state = response.json()
    assert state["signed_in"] and 1790 <= state["remaining"] <= 1800
    row = session_row(client)
    assert 1790 <= seconds_left(row) <= 1800
    assert abs((row.expire_date - timezone.now()).total_seconds() - state["remaining"]) < 5
    assert abs((client.session.get_expiry_date() - row.expire_date).total_seconds()) < 1


def test_extending_needs_the_csrf_token_of_the_page(writer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    page = client.get("/admin/").content.decode()
    token = re.search(r'data-csrf-token="(\w+)"', page)[1]
    assert client.post(EXTEND).status_code == 403
    assert client.post(EXTEND, headers={"X-CSRFToken": token}).status_code == 200


def test_after_the_end_the_server_says_so(client, writer):
    client.force_login(writer)
    client.get("/admin/")
    end_session()
    assert client.get(STATUS).json() == {"signed_in": False, "remaining": 0}
    response = client.post(EXTEND)
    assert response.status_code == 401 and response.json()["signed_in"] is False
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_use_slides_the_end_without_writing_on_every_request(client, writer):
    client.force_login(writer)
    set_seconds_left(client, 1000)
    client.get("/admin/")
    assert 1790 <= seconds_left(session_row(client)) <= 1800
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/")
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []


# Typed data kept past the end of the session -----------------------------------------------


def resend_form(page):
    """The fields of the "send again" form, as a browser sends them."""
    form = page.split('<form method="post"', 1)[1].split("</form>", 1)[0]
    data = {}
    for name, value in re.findall(
        r'<textarea name="([^"]+)" hidden>\n(.*?)</textarea>', form, re.S
    ):
        data.setdefault(name, []).append(html.unescape(value))
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(html.unescape(value))
    return data


def test_an_article_typed_when_the_session_ended_is_offered_back(
    client, writer, django_assert_max_num_queries
):
    client.force_login(writer)
    assert client.get(ADD).status_code == 200
    end_session()
    response = client.post(ADD, article_data())
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={ADD}"
    assert not Article.objects.exists()
    response = sign_in(client, "vietbai", ADD)
    assert response["Location"] == ADD
    with django_assert_max_num_queries(10):
        page = client.get(ADD).content.decode()
    assert "Đã khôi phục dữ liệu bạn nhập trước khi hết phiên" in page
    assert "Gửi lại dữ liệu đã nhập" in page and "Hội nghị tổng kết năm 2026" in page
    data = resend_form(page)
    assert data["body"] == [article_data()["body"]]
    response = client.post(ADD, data, follow=True)
    article = Article.objects.get()
    assert article.title == "Hội nghị tổng kết năm 2026" and article.author == writer
    assert "Đoạn hai, gõ rất lâu." in article.body
    assert "Đã khôi phục dữ liệu bạn nhập trước khi hết phiên" in response.content.decode()
    # Offered once: the page is the ordinary form again.
    assert "Gửi lại dữ liệu đã nhập" not in client.get(ADD).content.decode()


def test_typed_data_with_an_error_comes_back_in_the_form(client, writer):
    client.force_login(writer)
    client.get(ADD)
    end_session()
    client.post(ADD, article_data(title=""))
    sign_in(client, "vietbai", ADD)
    response = client.post(ADD, resend_form(client.get(ADD).content.decode()))
    assert response.status_code == 200
    assert "Đoạn hai, gõ rất lâu." in response.content.decode()
    assert not Article.objects.exists()


def test_someone_else_signing_in_on_that_browser_never_sees_it(client, writer):
    make_writer("vietbai2")
    client.force_login(writer)
    client.get(ADD)
    end_session()
    client.post(ADD, article_data())
    sign_in(client, "vietbai2", ADD)
    page = client.get(ADD).content.decode()
    assert "Hội nghị tổng kết" not in page and "Gửi lại dữ liệu đã nhập" not in page
    client.post("/admin/logout/")
    sign_in(client, "vietbai", ADD)
    assert "Hội nghị tổng kết" not in client.get(ADD).content.decode()  # removed, not kept


def test_the_typed_data_can_be_discarded(client, writer):
    client.force_login(writer)
    client.get(ADD)
    end_session()
    client.post(ADD, article_data())
    sign_in(client, "vietbai", ADD)
    response = client.post(ADD, {"_portal_discard": "1"}, follow=True)
    assert "Đã bỏ dữ liệu bạn nhập trước khi hết phiên" in response.content.decode()
    assert "Hội nghị tổng kết" not in response.content.decode()
    assert not Article.objects.exists()


def test_nothing_is_kept_for_a_browser_where_nobody_signed_in(client, writer):
    response = client.post(ADD, article_data())
    assert response.status_code == 302
    sign_in(client, "vietbai", ADD)
    assert "Gửi lại dữ liệu đã nhập" not in client.get(ADD).content.decode()
