"""A reader uses the menu by keyboard, reads an introduction page and writes to the district."""

import pytest
from playwright.sync_api import expect

from portal.models import ContactMessage, IntroPage, MenuItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
READER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "user_agent": READER_AGENT}


def test_reader_opens_a_sub_item_by_keyboard_and_sends_a_message(live_server, page):
    MenuItem.objects.all().delete()  # the seeded menu, when this test runs first
    IntroPage.objects.create(title="Lãnh đạo huyện", body="<p>Danh sách lãnh đạo.</p>")
    about = MenuItem.objects.create(title="Giới thiệu", url="/gioi-thieu/", order=1)
    MenuItem.objects.create(title="Liên hệ", url="/lien-he/", order=2)
    MenuItem.objects.create(title="Lãnh đạo", url="/gioi-thieu/lanh-dao-huyen/", parent=about)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="Menu chính")
    sub_item = menu.get_by_role("link", name="Lãnh đạo", exact=True)
    expect(sub_item).to_be_hidden()
    menu.get_by_role("link", name="Giới thiệu", exact=True).focus()
    expect(sub_item).to_be_visible()  # shown while the keyboard is on its main entry
    page.keyboard.press("Tab")
    expect(sub_item).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lãnh đạo huyện")
    assert page.context.cookies() == []

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # reflow at 320px
    page.get_by_role("navigation", name="Menu chính").get_by_role(
        "link", name="Liên hệ", exact=True
    ).click()
    page.get_by_role("button", name="Gửi thư").click()
    expect(page.get_by_text("Vui lòng nhập họ và tên.")).to_be_visible()
    page.get_by_label("Họ và tên của bạn").fill("Lê Văn C")
    page.get_by_label("Tiêu đề").fill("Đường vào ấp 3 bị sạt lở")
    page.get_by_label("Nội dung thư").fill("Đề nghị huyện kiểm tra đoạn đường gần trường học.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Gửi thư").click()
    expect(page.get_by_role("status")).to_contain_text("Thư của bạn đã được gửi")
    assert ContactMessage.objects.get().name == "Lê Văn C"
