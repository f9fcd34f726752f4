"""The session warning in Chromium: extend it for real, let it end, and get the typed data back.

The idle time is cut to a few seconds (the settings are read on each request), so the warning
and the end come quickly; nothing is faked in the page.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"
TITLE = "Lộc Ninh ra quân làm đường giao thông nông thôn"
BODY = "Hơn 300 người dân ấp 3 cùng góp công làm đường."


@pytest.fixture
def writer(site_settings):
    user = get_user_model().objects.create_user("vietbai", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.role_group_name(roles.WRITER)))
    return user


def sign_in(page, next_url=None):
    if next_url:
        page.goto(next_url)
    page.get_by_label("Tên đăng nhập").fill("vietbai")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def session_end():
    return Session.objects.get().expire_date


def end_session():
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))


def test_the_warning_extends_the_session_on_the_server(live_server, page, writer, settings):
    settings.SESSION_COOKIE_AGE = 8
    settings.STAFF_SESSION_WARNING_SECONDS = 6
    sign_in(page, f"{live_server.url}/admin/")
    expect(page.locator("#logout-form")).to_have_count(1)

    warning = page.get_by_role("alertdialog", name="Phiên làm việc sắp hết")
    expect(warning).to_be_visible(timeout=10_000)
    keep = warning.get_by_role("button", name="Tiếp tục làm việc")
    expect(keep).to_be_focused()  # the keyboard is already on the button
    expect(warning.locator("[data-role=countdown]")).to_have_text(re.compile(r"^0:0\d$"))
    before = session_end()
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    after = session_end()
    assert after > before  # the server moved the end, not only the page's timer

    # Left alone, the session ends and the page says what happens to typed data.
    ended = page.get_by_role("alertdialog", name="Phiên làm việc đã hết")
    expect(ended).to_be_visible(timeout=15_000)
    expect(ended).to_contain_text("không bị mất")
    ended.get_by_role("button", name="Đóng").click()
    expect(ended).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()


def test_typing_counts_as_activity(live_server, page, writer, settings):
    """Typing sends nothing to the server, yet the session must not end under the typist."""
    settings.SESSION_COOKIE_AGE = 10
    settings.STAFF_SESSION_WARNING_SECONDS = 6
    sign_in(page, f"{live_server.url}/admin/articles/article/add/")
    expect(page.locator("#logout-form")).to_have_count(1)
    before = session_end()
    warning = page.get_by_role("alertdialog", name="Phiên làm việc sắp hết")
    with page.expect_response("**/admin/session/extend/", timeout=15_000):
        page.locator("#id_title").press_sequentially(TITLE)
    expect(warning).to_be_hidden()  # extended without asking
    assert session_end() > before
    # Idle from then on: the warning comes.
    expect(warning).to_be_visible(timeout=15_000)


def test_an_article_typed_before_the_session_ended_is_saved_after_signing_in(
    live_server, page, writer
):
    add = f"{live_server.url}/admin/articles/article/add/"
    sign_in(page, add)
    page.locator("#id_title").fill(TITLE)
    page.locator(".field-body .ProseMirror[contenteditable=true]").click()
    page.keyboard.type(BODY)
    end_session()  # the writer went to a meeting and came back after the idle time
    page.get_by_role("button", name="Lưu lại", exact=True).click()

    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()  # the login page
    assert not Article.objects.exists()
    sign_in(page)
    expect(page.get_by_text("Đã khôi phục dữ liệu bạn nhập trước khi hết phiên")).to_be_visible()
    page.get_by_text("Xem dữ liệu đã nhập").click()
    expect(page.locator(".restore-fields")).to_contain_text(TITLE)
    expect(page.locator(".restore-fields")).not_to_contain_text("TOTAL_FORMS")
    page.get_by_role("button", name="Gửi lại dữ liệu đã nhập").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Đã khôi phục dữ liệu bạn nhập trước khi hết phiên"
    )
    article = Article.objects.get()
    assert article.title == TITLE and BODY in article.body and article.author == writer
