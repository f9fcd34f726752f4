"""A writer drafts an article in the admin, an editor schedules it, readers see it at its time.

Everything goes through the real admin pages in Chromium: the rich-text editor is typed into,
pictures are uploaded, the workflow action and the publication time are used as staff use them.
Nothing is cleared or waited out by hand: the public pages must show the article on their own
soon after its time (their server-side cache may not outlive the next scheduled article).
"""

import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from articles.images import RENDITION_FORMATS, rendition_name, rendition_widths
from articles.models import Article, ArticleImage
from articles.sanitize import clean_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-123"  # tests/articles/conftest.py's staff accounts
ADMIN_ARTICLES = "/admin/articles/article/"

TITLE = "Xã Lộc Thạnh khánh thành cầu Đắk Ơ nối liền hai ấp"
LEAD = "Cây cầu dài 45 mét giúp bà con ấp Chà Là và ấp Đồng Tâm đi lại thuận tiện hơn."
BODY_FIRST = "Sáng nay, Ủy ban nhân dân xã tổ chức lễ khánh thành."
BODY_BOLD = "kinh phí 3,2 tỷ đồng"
BODY_AFTER = "từ ngân sách huyện."
BODY_HTML = f"<p>{BODY_FIRST}</p><p>Công trình có <strong>{BODY_BOLD}</strong> {BODY_AFTER}</p>"
COVER_ALT = "Cầu bê tông mới bắc qua suối"
COVER_CAPTION = "Cầu Đắk Ơ trong ngày khánh thành"
COVER_CREDIT = "Nguyễn Thị Hồng"
INLINE_ALT = "Người dân đi trên cầu"
INLINE_CAPTION = "Bà con ấp Chà Là qua cầu sau lễ khánh thành"

# How far ahead the editor schedules the article: long enough for every "not yet" check below,
# short enough to keep the test fast. GRACE is how late after its time a reader may first see it.
SCHEDULE_SECONDS = 20
GRACE_SECONDS = 8
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
VN_DATETIME = re.compile(r"^(Thứ (hai|ba|tư|năm|sáu|bảy)|Chủ nhật), \d\d/\d\d/\d{4} \d\d:\d\d$")
# Headless Chromium says "HeadlessChrome", which the view counter treats as a robot.
READER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def jpeg(path, size, color):
    Image.new("RGB", size, color).save(path, format="JPEG", quality=85)
    return path


def vn_datetime(value):
    local = timezone.localtime(value)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y %H:%M}"


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.locator("#logout-form").count() == 1, f"{username} could not log in"


def success_message(page):
    return page.locator(".messagelist .success").inner_text()


def listed(page, title):
    return page.get_by_role("link", name=title, exact=True).count() > 0


def wait_until_listed(page, url, title, not_before, deadline):
    """Reload ``url`` until the title is linked; return when it first was, or fail at deadline."""
    response = page.goto(url)
    while True:
        if listed(page, title):
            seen = timezone.now()
            assert seen >= not_before, f"{url} listed the article before its time"
            return seen
        if timezone.now() > deadline:
            shown = page.locator("main a").all_inner_texts()
            pytest.fail(
                f"{url} still does not list the article {GRACE_SECONDS} s after its time "
                f"({timezone.localtime(not_before):%H:%M:%S}); at "
                f"{timezone.localtime():%H:%M:%S} it answered {response.status} with "
                f"headers {response.all_headers()} and links {shown}"
            )
        page.wait_for_timeout(400)
        response = page.reload()


def test_writer_drafts_editor_schedules_reader_sees_it_at_its_time(
    live_server, page, new_context, writer, publisher, category, tmp_path
):
    base = live_server.url
    cover_file = jpeg(tmp_path / "cau-dak-o.jpg", (1200, 800), "steelblue")
    inline_file = jpeg(tmp_path / "nguoi-dan-qua-cau.jpg", (800, 600), "darkolivegreen")

    # 1. The writer drafts the article in the admin and sends it to review.
    log_in(page, base, writer.username)
    page.goto(base + ADMIN_ARTICLES + "add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_lead").fill(LEAD)
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type(BODY_FIRST)
    page.keyboard.press("Enter")
    page.keyboard.type("Công trình có ")
    page.keyboard.press("Control+B")
    page.keyboard.type(BODY_BOLD)
    page.keyboard.press("Control+B")
    page.keyboard.type(" " + BODY_AFTER)
    assert editor.locator("strong").inner_text() == BODY_BOLD

    page.locator("#id_cover").set_input_files(cover_file)
    page.locator("#id_cover_alt").fill(COVER_ALT)
    page.locator("#id_cover_caption").fill(COVER_CAPTION)
    page.locator("#id_cover_credit").fill(COVER_CREDIT)

    page.get_by_role("button", name="Thêm Ảnh khác").click()
    page.locator("#id_images-0-image").set_input_files(inline_file)
    page.locator("#id_images-0-alt").fill(INLINE_ALT)
    page.locator("#id_images-0-caption").fill(INLINE_CAPTION)

    page.locator(".field-categories .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Tin tức")
    page.locator(".select2-results__option", has_text=category.name).click()
    assert page.locator("#id_categories option:checked").inner_text() == category.name

    # A writer is offered draft and review only, and cannot set the publication time.
    status_values = page.locator("#id_status option").evaluate_all("os => os.map(o => o.value)")
    assert status_values == ["draft", "review"]
    assert page.locator("#id_status").input_value() == "draft"
    assert page.locator("#id_publish_at_0").count() == 0
    page.get_by_role("button", name="Lưu và tiếp tục chỉnh sửa").click()
    assert TITLE in success_message(page)
    article = Article.objects.get()
    assert (article.status, article.author, article.publish_at) == ("draft", writer, None)

    page.goto(base + ADMIN_ARTICLES)
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    assert "Bản nháp" in row.inner_text()
    actions = page.locator("select[name=action] option").evaluate_all("os => os.map(o => o.value)")
    assert "send_to_review" in actions
    assert "publish" not in actions and "unpublish" not in actions
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("send_to_review")
    page.locator(".actions button[type=submit]").click()
    assert success_message(page) == "Đã gửi duyệt 1 tin bài."
    assert "Chờ duyệt" in page.locator("#result_list tbody tr", has_text=TITLE).inner_text()
    article.refresh_from_db()
    assert article.status == "review"

    # 2. The editor opens it and schedules it a short time ahead (Vietnamese date and time).
    editor_page = new_context().new_page()
    log_in(editor_page, base, publisher.username)
    editor_page.goto(base + ADMIN_ARTICLES)
    editor_page.get_by_role("link", name=TITLE).click()
    assert editor_page.locator("#id_status").input_value() == "review"
    editor_page.locator("#id_status").select_option("published")
    when = (timezone.localtime() + timedelta(seconds=SCHEDULE_SECONDS)).replace(microsecond=0)
    editor_page.locator("#id_publish_at_0").fill(f"{when:%d/%m/%Y}")
    editor_page.locator("#id_publish_at_1").fill(f"{when:%H:%M:%S}")
    editor_page.get_by_role("button", name="Lưu lại", exact=True).click()
    assert TITLE in success_message(editor_page)
    row = editor_page.locator("#result_list tbody tr", has_text=TITLE)
    assert "Hẹn giờ đăng" in row.inner_text()

    article.refresh_from_db()
    assert article.status == "published" and article.publish_at == when
    assert article.is_scheduled()
    article_url = base + article.get_absolute_url()
    category_url = base + category.get_absolute_url()

    # 3. Before its time: readers find nothing; the editor previews it.
    reader = new_context(user_agent=READER_AGENT).new_page()
    assert reader.goto(article_url).status == 404
    reader.goto(base + "/")
    assert not listed(reader, TITLE)
    reader.goto(category_url)
    assert reader.get_by_role("heading", level=1).inner_text() == category.name
    assert not listed(reader, TITLE)

    preview = editor_page.goto(article_url)
    assert preview.status == 200
    banner = editor_page.locator(".preview-banner")
    assert "Bản xem trước" in banner.inner_text()
    assert f"hẹn đăng lúc {vn_datetime(when)}" in banner.inner_text()
    assert "no-cache" in (preview.headers.get("cache-control") or "")
    assert timezone.now() < when, "too slow: the checks before publication ran past its time"

    # 4. At its time the article appears on its own on the home page and its category page.
    deadline = when + timedelta(seconds=GRACE_SECONDS)
    wait_until_listed(reader, base + "/", TITLE, when, deadline)
    wait_until_listed(reader, category_url, TITLE, when, deadline)

    reader.get_by_role("link", name=TITLE, exact=True).first.click()
    assert reader.url == article_url
    assert reader.get_by_role("heading", level=1).inner_text() == TITLE
    assert reader.locator(".preview-banner").count() == 0
    assert reader.locator(".article-lead").inner_text() == LEAD
    body = reader.locator(".article-body")
    assert body.locator("p").all_inner_texts() == [
        BODY_FIRST,
        f"Công trình có {BODY_BOLD} {BODY_AFTER}",
    ]
    assert body.locator("strong").inner_text() == BODY_BOLD
    published = reader.locator(".article-meta time").first.inner_text()
    assert VN_DATETIME.match(published), published
    assert published == vn_datetime(when)

    figures = reader.locator("figure.article-figure")
    assert figures.count() == 2
    for figure, alt, caption in [
        (figures.nth(0), COVER_ALT, f"{COVER_CAPTION} (Ảnh: {COVER_CREDIT})"),
        (figures.nth(1), INLINE_ALT, INLINE_CAPTION),
    ]:
        assert figure.locator("figcaption").inner_text() == caption
        img = figure.locator("picture img")
        assert img.get_attribute("alt") == alt
        assert " 480w" in img.get_attribute("srcset")
        webp = figure.locator('picture source[type="image/webp"]')
        assert ".webp 480w" in webp.get_attribute("srcset")
        img.scroll_into_view_if_needed()
        img.evaluate("img => img.decode()")  # fails unless the picture loads
        assert img.evaluate("img => img.naturalWidth") > 0

    # What is stored: the state, a sanitised body, and every rendition of both pictures.
    article = Article.objects.get()
    assert article.status == "published" and article.publish_at == when
    assert list(article.categories.all()) == [category]
    assert article.body == BODY_HTML == clean_body(article.body)
    assert (article.cover_width, article.cover_height) == (1200, 800)
    assert (article.cover_alt, article.cover_caption, article.cover_credit) == (
        COVER_ALT,
        COVER_CAPTION,
        COVER_CREDIT,
    )
    image = ArticleImage.objects.get(article=article)
    assert (image.alt, image.caption, image.width) == (INLINE_ALT, INLINE_CAPTION, 800)
    for field_file, width in [(article.cover, 1200), (image.image, 800)]:
        for w in rendition_widths(width):
            for ext in RENDITION_FORMATS:
                name = rendition_name(field_file.name, w, ext)
                assert default_storage.exists(name), name
    assert article.revisions.filter(author=writer).exists()
