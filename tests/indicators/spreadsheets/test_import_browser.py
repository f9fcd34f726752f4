"""A clerk imports a month's figures in Chromium: upload, preview, confirm, then the entry page."""

import pytest
from playwright.sync_api import expect

from portal import roles
from tests.indicators.spreadsheets.importhelpers import figures_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(scope="module", autouse=True)
def _roles_back_after_the_flush(django_db_blocker):
    """A transactional test ends by emptying every table, the role groups that a migration
    made included; put them back for the transactional tests collected after this one."""
    yield
    with django_db_blocker.unblock():
        roles.sync_roles()


def test_clerk_imports_figures_then_sees_them_on_the_entry_page(
    live_server, browser, catalogue, targets, clerk_a, commune_a, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = tmp_path / "so-lieu-thang-10.xlsx"
    upload.write_bytes(
        figures_xlsx(
            ["xa-a", "JOBS", 2026, 10, "1.234"],
            ["XA-A", "crit", "2026", "10", " 14 "],
        )
    )

    page = browser.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill(clerk_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(f"{live_server.url}/admin/indicators/achievement/")
    page.get_by_role("link", name="Nhập từ tệp").click()
    expect(page.get_by_role("link", name="Tải tệp mẫu (XLSX)")).to_be_visible()
    page.get_by_label("Tệp cần nhập").set_input_files(str(upload))
    page.get_by_role("button", name="Thực hiện").click()

    preview = page.locator("table.import-preview")
    expect(preview.locator("tr.new")).to_have_count(2)
    expect(preview.locator("tr.new").first).to_contain_text("Mới")
    expect(preview.locator("tr.new").first).to_contain_text("1.234")
    expect(page.get_by_text("Chưa có gì được ghi.")).to_be_visible()
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_text("Đã nhập xong: 2 dòng mới")).to_be_visible()

    page.goto(f"{live_server.url}/admin/indicators/monthlyreport/entry/{commune_a.code}/2026/10/")
    expect(page.get_by_label("Lao động có việc làm mới")).to_have_value("1.234")
    expect(page.get_by_label("Tiêu chí nông thôn mới đạt được")).to_have_value("14")
    expect(page.locator(".report-state .state")).to_have_text("nháp")
