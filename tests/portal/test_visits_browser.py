"""A reader sees the visitor statistics in the footer; staff read the chart of visits per day."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from portal import admin_visits, visits
from portal.models import DailyVisits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
READER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture
def browser_context_args(browser_context_args):
    # Headless Chromium says "HeadlessChrome", which the counter treats as a robot.
    return {**browser_context_args, "user_agent": READER_AGENT}


@pytest.fixture(autouse=True)
def _fresh_buffer():
    visits._local.reset()
    yield
    visits._local.reset()


def test_reader_sees_the_figures_and_staff_read_the_chart(live_server, page, site_settings):
    DailyVisits.objects.create(day=datetime.date(2020, 1, 5), visits=1_234_566)
    page.goto(live_server.url + "/")
    stats = page.get_by_role("region", name="Thống kê truy cập")
    text = " ".join(stats.inner_text().split())
    assert "Đang trực tuyến 1 (khách: 1, máy tìm kiếm: 0) Hôm nay 1" in text
    page.reload()  # the cached page: one more page view, the same visit
    assert "Hôm nay 1 Tháng này 1 Tổng 1.234.567" in " ".join(stats.inner_text().split())
    visits.flush()
    assert DailyVisits.objects.get(day=datetime.date.today()).page_views == 2

    get_user_model().objects.create_superuser("quantri", "q@example.vn", "mat-khau-dai-2026")
    page.goto(live_server.url + "/admin/portal/dailyvisits/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill("mat-khau-dai-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    chart = page.get_by_role("img", name="Lượt truy cập mỗi ngày")
    expect(chart).to_be_visible()
    assert page.locator(".visit-chart rect").count() == admin_visits.CHART_DAYS
