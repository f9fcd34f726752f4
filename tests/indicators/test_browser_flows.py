"""The monthly figures flow in Chromium: a clerk enters and submits, an officer approves,
an editor reads."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"


def sign_in(browser, live_server, username):
    page = browser.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    return page


def test_clerk_enters_officer_approves_editor_reads(
    live_server, browser, catalogue, targets, clerk_a, officer, editor, commune_a
):
    entry = f"{live_server.url}/admin/indicators/monthlyreport/entry/{commune_a.code}/2026/10/"

    clerk = sign_in(browser, live_server, clerk_a.username)
    clerk.goto(entry)
    jobs = clerk.get_by_label("Lao động có việc làm mới")
    jobs.fill("1.234")
    row = clerk.locator("tr.entry-row", has=jobs)
    # Updated as the clerk types, in Vietnamese format.
    expect(row.locator("[data-role=after]")).to_have_text("1.234")
    expect(row.locator("[data-role=percent]")).to_have_text("102,8%")
    clerk.get_by_label("Tiêu chí nông thôn mới đạt được").fill("25")
    clerk.get_by_role("button", name="Gửi duyệt").click()
    expect(clerk.get_by_text("Chỉ có 19 tiêu chí")).to_be_visible()
    expect(clerk.get_by_label("Lao động có việc làm mới")).to_have_value("1.234")  # kept
    clerk.get_by_label("Tiêu chí nông thôn mới đạt được").fill("14")
    clerk.get_by_role("button", name="Gửi duyệt").click()
    expect(clerk.get_by_text("Đã lưu số liệu và gửi lên huyện để duyệt.")).to_be_visible()
    expect(clerk.locator(".report-state .state")).to_have_text("đã gửi")

    boss = sign_in(browser, live_server, officer.username)
    boss.goto(f"{live_server.url}/admin/indicators/monthlyreport/overview/?year=2026&month=10")
    line = boss.locator("tr", has_text="Xã An Bình")
    expect(line).to_contain_text(re.compile("Đã gửi|Gửi trễ hạn"))
    line.get_by_role("link", name="Xã An Bình").click()
    boss.get_by_role("button", name="Duyệt và công bố").click()
    expect(boss.get_by_text("Đã duyệt: số liệu được công bố")).to_be_visible()

    reader = sign_in(browser, live_server, editor.username)
    reader.goto(entry)
    expect(reader.get_by_label("Lao động có việc làm mới")).to_have_attribute("readonly", "")
    expect(reader.get_by_role("button", name="Gửi duyệt")).to_have_count(0)
    reader.goto(f"{live_server.url}/admin/indicators/monthlyreport/report/?year=2026&month=10")
    expect(reader.locator("tr", has_text="Lao động có việc làm mới")).to_contain_text("1.234")

    clerk.goto(entry)
    expect(clerk.get_by_text("Tháng này đã được duyệt và khóa.")).to_be_visible()
