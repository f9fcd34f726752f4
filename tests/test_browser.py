"""The site shell in a real browser (Chromium through Playwright)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    from portal.demo import load_demo

    load_demo()


def test_keyboard_user_skips_to_the_content_and_switches_language(live_server, demo, page):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    page.get_by_role("link", name="Đơn vị hành chính").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Đơn vị hành chính"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Administrative units"


def test_home_reflows_on_a_small_phone_without_horizontal_scrolling(live_server, demo, page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.get_by_text("Huyện Lộc Ninh và 16 đơn vị hành chính cấp xã").is_visible()
    assert page.get_by_text("Chịu trách nhiệm nội dung").is_visible()
