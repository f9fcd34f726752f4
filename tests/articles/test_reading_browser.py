"""A reader finds an article by searching without diacritics, reads, rates and comments."""

import pytest
from playwright.sync_api import expect

from articles.models import Comment, Rating

from .conftest import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
READER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture
def browser_context_args(browser_context_args):
    # Headless Chromium says "HeadlessChrome", which the view counter treats as a robot.
    return {**browser_context_args, "user_agent": READER_AGENT}


def test_reader_searches_without_diacritics_reads_rates_and_comments(live_server, page):
    article = make_article(
        "Lộc Ninh hoàn thành các chỉ tiêu năm 2022",
        lead="Huyện Lộc Ninh tổng kết năm 2022.",
        body="<p>Kinh tế tiếp tục tăng trưởng.</p>",
    )
    make_article("Tin khác về Bình Phước")
    page.goto(live_server.url + "/")
    search = page.get_by_role("search").first
    search.get_by_label("Tìm kiếm tin bài").fill("loc ninh")
    search.get_by_role("button", name="Tìm kiếm").click()
    assert "Tìm thấy 1 bài viết cho “loc ninh”." in page.get_by_role("status").inner_text()

    page.get_by_role("link", name=article.title).click()
    assert page.get_by_role("heading", level=1).inner_text() == article.title
    assert page.get_by_text("1 lượt xem").is_visible()

    # With JavaScript the rating is sent in place; the cached page itself set no cookie.
    assert page.context.cookies() == []
    page.get_by_label("4 sao").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("status").filter(has_text="Cảm ơn bạn đã đánh giá.")).to_be_visible()
    expect(page.get_by_text("4,0/5 · 1 lượt đánh giá").first).to_be_visible()
    assert page.url.endswith(article.get_absolute_url())
    assert Rating.objects.get().score == 4

    page.get_by_role("link", name="Gửi ý kiến của bạn").click()
    page.get_by_label("Họ và tên").fill("Trần Thị B")
    page.get_by_label("E-mail của bạn (không hiển thị)").fill("b@example.vn")
    page.get_by_label("Nội dung ý kiến").fill("Cảm ơn <b>ban biên tập</b>!")
    page.get_by_role("button", name="Gửi ý kiến").click()
    assert page.get_by_text("Ý kiến của bạn sẽ được đăng sau khi kiểm duyệt").is_visible()
    comment = Comment.objects.get()
    assert (comment.name, comment.approved) == ("Trần Thị B", False)

    comment.approved = True
    comment.save()  # as the moderator does in the admin
    page.get_by_role("link", name="Quay lại bài viết").click()
    assert page.get_by_text("Cảm ơn <b>ban biên tập</b>!").is_visible()
    assert page.get_by_text("1 ý kiến").is_visible()


def test_rating_without_javascript_takes_two_steps(live_server, browser):
    article = make_article("Lộc Ninh", body="<p>Nội dung.</p>")
    context = browser.new_context(java_script_enabled=False, user_agent=READER_AGENT)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_label("5 sao").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Đánh giá bài viết"
    assert page.get_by_label("5 sao").is_checked()
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert page.get_by_text("Cảm ơn bạn đã đánh giá.").is_visible()
    assert page.get_by_text("5,0/5 · 1 lượt đánh giá").is_visible()
    assert Rating.objects.get().score == 5
    context.close()
