"""Portal blocks: the main menu, links and banners, maintenance notices, site map, security.txt."""

import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from portal.models import Link, MaintenanceNotice, MenuItem

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"


def reader():
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def nav(html):
    start = html.index('<nav class="main-nav"')
    return html[start : html.index("</nav>", start)]


def png_upload(name="banner.png", size=(600, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# The main menu --------------------------------------------------------------------------------


def test_a_page_reads_the_site_settings_and_the_blocks_version_once_each(
    site_settings, monkeypatch
):
    """A rendered page asks the cache for the site settings and the blocks' version once
    each; what a version holds is kept by the process until a block changes."""
    from portal import pagecache
    from tests.articles.conftest import make_article

    article = make_article("Tin trong ngày")
    monkeypatch.setattr(pagecache, "cacheable_request", lambda request: False)
    reader().get("/tin-tuc/")  # the blocks read once by this process
    reads = []
    real_get, real_get_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.extend(keys)
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)

    def site_reads():
        return [key for key in reads if key.startswith(("portal:site-settings", "portal:blocks"))]

    reader().get("/tin-tuc/")
    assert site_reads() == ["portal:site-settings", "portal:blocks:version"]
    reads.clear()
    reader().get(article.get_absolute_url())  # its JSON-LD names the agency too
    assert site_reads() == ["portal:site-settings", "portal:blocks:version"]

    reads.clear()
    MenuItem.objects.create(title="Dịch vụ công", url="/dich-vu-cong/", order=99)
    assert "Dịch vụ công" in nav(reader().get("/tin-tuc/").content.decode())
    assert len([key for key in site_reads() if key.startswith("portal:blocks:")]) > 1


def test_the_seeded_menu_leads_everywhere_and_marks_the_current_section(site_settings):
    menu = nav(reader().get("/tin-tuc/").content.decode())
    for title, url in [
        ("Trang chủ", "/"),
        ("Giới thiệu", "/gioi-thieu/"),
        ("Tin tức", "/tin-tuc/"),
        ("Kết quả", "/ket-qua/"),
        ("Đơn vị hành chính", "/don-vi-hanh-chinh/"),
        ("Liên hệ", "/lien-he/"),
    ]:
        assert f'href="{url}"' in menu and title in menu
    assert '<a href="/tin-tuc/" aria-current="page">Tin tức</a>' in menu
    assert 'href="/" aria-current' not in menu
    assert 'href="/admin/">Đăng nhập cán bộ</a>' in menu
    english = reader()
    english.cookies["django_language"] = "en"
    assert ">News</a>" in nav(english.get("/tin-tuc/").content.decode())


def test_without_any_menu_rows_the_default_menu_shows(site_settings):
    MenuItem.objects.all().delete()
    menu = nav(reader().get("/").content.decode())
    assert 'href="/lien-he/">Liên hệ</a>' in menu and "Đăng nhập cán bộ" in menu


def test_staff_build_a_menu_with_sub_items_and_external_entries(staff, site_settings):
    about = MenuItem.objects.get(url="/gioi-thieu/")
    response = staff.post(
        "/admin/portal/menuitem/add/",
        {
            "title": "Lãnh đạo",
            "url": "/gioi-thieu/lanh-dao/",
            "parent": about.pk,
            "order": 5,
            "is_active": "on",
            "title_en": "",
        },
    )
    assert response.status_code == 302
    MenuItem.objects.create(title="Dịch vụ công", url="https://dichvucong.gov.vn/", order=99)
    html = reader().get("/").content.decode()
    menu = nav(html)
    assert '<ul class="sub-nav">' in menu and 'href="/gioi-thieu/lanh-dao/">Lãnh đạo</a>' in menu
    assert (
        '<a href="https://dichvucong.gov.vn/" target="_blank" rel="noopener noreferrer">'
        "Dịch vụ công" in menu
    )
    assert "trang web khác, mở trong thẻ mới" in menu


def test_menu_addresses_and_levels_are_checked_in_vietnamese(staff, site_settings):
    about = MenuItem.objects.get(url="/gioi-thieu/")
    child = MenuItem.objects.create(title="Con", url="/gioi-thieu/con/", parent=about)
    base = {"title": "Mục", "order": 1, "is_active": "on", "title_en": ""}
    for bad in ["javascript:alert(1)", "//evil.example/", "ftp://example.vn/", "tin tuc"]:
        response = staff.post("/admin/portal/menuitem/add/", {**base, "url": bad})
        assert response.status_code == 200
        assert "đường dẫn trong cổng bắt đầu bằng /" in response.content.decode(), bad
    response = staff.post("/admin/portal/menuitem/add/", {**base, "url": "/x/", "parent": child.pk})
    assert response.status_code == 200  # the choice is limited to main entries
    assert not MenuItem.objects.filter(title="Mục").exists()
    response = staff.post(
        f"/admin/portal/menuitem/{about.pk}/change/",
        {**base, "url": "/gioi-thieu/", "parent": MenuItem.objects.get(url="/tin-tuc/").pk},
    )
    assert "Mục này có mục con nên phải là mục chính." in response.content.decode()


def test_a_changed_menu_shows_at_once_on_cached_pages(site_settings, django_assert_num_queries):
    reader().get("/don-vi-hanh-chinh/")
    with django_assert_num_queries(0):
        reader().get("/don-vi-hanh-chinh/")
    item = MenuItem.objects.get(url="/lien-he/")
    item.title = "Góp ý"
    item.save()
    assert ">Góp ý</a>" in nav(reader().get("/don-vi-hanh-chinh/").content.decode())
    item.delete()
    assert "Góp ý" not in reader().get("/don-vi-hanh-chinh/").content.decode()


def test_many_menu_items_and_links_keep_pages_bounded(
    site_settings, units, django_assert_max_num_queries
):
    for number in range(30):
        parent = MenuItem.objects.create(title=f"Mục {number}", url=f"/muc-{number}/")
        for child in range(3):
            MenuItem.objects.create(
                title=f"Con {child}", url=f"/muc-{number}/{child}/", parent=parent
            )
    for number in range(60):
        Link.objects.create(title=f"Liên kết {number}", url=f"https://site{number}.example.vn/")
    # Home: settings, units (2), news (2), menu, links, notices, next article, visitor
    # statistics — once per change of content, then from the page cache.
    with django_assert_max_num_queries(10):
        html = reader().get("/").content.decode()
    assert html.count('class="sub-nav"') == 30 and "Liên kết 59" in html
    with django_assert_max_num_queries(0):
        reader().get("/")
    # A content page, cold: the menu and the notices cost one query each, not one per item.
    cache.clear()
    with django_assert_max_num_queries(8):
        html = reader().get("/don-vi-hanh-chinh/").content.decode()
    assert html.count('class="sub-nav"') == 30


# Links and banners ----------------------------------------------------------------------------


def test_links_show_only_while_current_and_leave_the_site_safely(site_settings):
    now = timezone.now()
    Link.objects.create(title="Cổng Dịch vụ công quốc gia", url="https://www.dichvucong.gov.vn/")
    Link.objects.create(title="Hết hạn", url="https://cu.example.vn/", ends_at=now)
    Link.objects.create(
        title="Sắp có", url="https://moi.example.vn/", starts_at=now + timedelta(days=1)
    )
    Link.objects.create(title="Đã tắt", url="https://tat.example.vn/", is_active=False)
    html = reader().get("/").content.decode()
    assert (
        '<a href="https://www.dichvucong.gov.vn/" target="_blank" rel="noopener noreferrer">'
        in html
    )
    assert "dichvucong.gov.vn<span" in html and "trang web khác, mở trong thẻ mới" in html
    for hidden in ["Hết hạn", "Sắp có", "Đã tắt"]:
        assert hidden not in html


def test_a_banner_picture_is_checked_and_cleaned(staff, site_settings):
    data = {
        "title": "Bình Phước",
        "url": "https://binhphuoc.gov.vn/",
        "order": 1,
        "is_active": "on",
    }
    fake = SimpleUploadedFile("banner.png", b"<script>alert(1)</script>", "image/png")
    response = staff.post("/admin/portal/link/add/", {**data, "image": fake})
    assert "Tệp này không phải là ảnh." in response.content.decode()
    response = staff.post("/admin/portal/link/add/", {**data, "image": png_upload()})
    assert response.status_code == 302
    link = Link.objects.get()
    assert (link.image_width, link.image_height) == (600, 200)
    html = reader().get("/").content.decode()
    assert f'<img src="{link.image.url}" alt="Bình Phước" width="600" height="200"' in html


def test_link_addresses_must_be_web_addresses(staff, site_settings):
    data = {"title": "Xấu", "order": 1, "is_active": "on"}
    for bad in ["javascript:alert(1)", "ftp://example.vn/", "data:text/html,hi", "/tin-tuc/"]:
        response = staff.post("/admin/portal/link/add/", {**data, "url": bad})
        assert "bắt đầu bằng http:// hoặc https://" in response.content.decode(), bad
    later = timezone.localtime() + timedelta(days=1)
    response = staff.post(
        "/admin/portal/link/add/",
        {
            **data,
            "url": "https://example.vn/",
            "starts_at_0": later.strftime("%d/%m/%Y"),
            "starts_at_1": "10:00:00",
            "ends_at_0": later.strftime("%d/%m/%Y"),
            "ends_at_1": "09:00:00",
        },
    )
    assert "Thời điểm kết thúc phải sau thời điểm bắt đầu." in response.content.decode()
    assert not Link.objects.exists()


def test_a_link_appears_and_disappears_on_time_though_the_home_page_is_cached(site_settings):
    start = timezone.now() + timedelta(seconds=2)
    Link.objects.create(
        title="Hội chợ",
        url="https://hoicho.example.vn/",
        starts_at=start,
        ends_at=start + timedelta(seconds=2),
    )
    assert "Hội chợ" not in reader().get("/").content.decode()
    time.sleep(max((start - timezone.now()).total_seconds(), 0) + 1.1)
    assert "Hội chợ" in reader().get("/").content.decode()
    time.sleep(2)
    assert "Hội chợ" not in reader().get("/").content.decode()


# Maintenance notices --------------------------------------------------------------------------


def test_staff_schedule_a_maintenance_notice_that_shows_and_ends_on_every_page(
    staff, site_settings
):
    assert "Thông báo bảo trì" not in reader().get("/").content.decode()
    start = timezone.localtime() + timedelta(seconds=3)
    end = start + timedelta(seconds=3)
    response = staff.post(
        "/admin/portal/maintenancenotice/add/",
        {
            "message": "Cổng tạm ngừng để bảo trì từ 22:00 đến 23:00 Chủ nhật.",
            "starts_at_0": start.strftime("%d/%m/%Y"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": end.strftime("%d/%m/%Y"),
            "ends_at_1": end.strftime("%H:%M:%S"),
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    start = start.replace(microsecond=0)
    end = end.replace(microsecond=0)
    browser = reader()
    first = browser.get("/don-vi-hanh-chinh/")
    assert "Thông báo bảo trì" not in first.content.decode()
    etag = first["ETag"]
    time.sleep(max((start - timezone.now()).total_seconds(), 0) + 1.1)
    # A browser revalidating its copy gets the new page, not 304.
    shown = browser.get("/don-vi-hanh-chinh/", HTTP_IF_NONE_MATCH=etag)
    assert shown.status_code == 200
    assert "Cổng tạm ngừng để bảo trì" in shown.content.decode()
    assert "Cổng tạm ngừng để bảo trì" in reader().get("/").content.decode()
    assert "Cổng tạm ngừng để bảo trì" in reader().get("/lien-he/").content.decode()
    time.sleep(max((end - timezone.now()).total_seconds(), 0) + 1.1)
    gone = browser.get("/don-vi-hanh-chinh/", HTTP_IF_NONE_MATCH=shown["ETag"])
    assert gone.status_code == 200
    assert "Cổng tạm ngừng để bảo trì" not in gone.content.decode()
    assert "Cổng tạm ngừng để bảo trì" not in reader().get("/").content.decode()


def test_a_switched_off_notice_disappears_at_once(site_settings):
    notice = MaintenanceNotice.objects.create(
        message="Bảo trì hệ thống",
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    assert "Bảo trì hệ thống" in reader().get("/").content.decode()
    notice.is_active = False
    notice.save()
    assert "Bảo trì hệ thống" not in reader().get("/").content.decode()


# Site map, footer, security.txt ---------------------------------------------------------------


def test_the_site_map_lists_menu_pages_categories_and_results(
    site_settings, django_assert_max_num_queries
):
    from articles.models import Category
    from portal.models import IntroPage

    parent = Category.objects.create(name="Tin tức – sự kiện", slug="tin-tuc-su-kien")
    Category.objects.create(name="Nông nghiệp", slug="nong-nghiep", parent=parent)
    IntroPage.objects.create(title="Lịch sử – văn hóa", body="<p>Văn bản</p>")
    IntroPage.objects.create(title="Bản nháp", is_published=False)
    # Categories, menu, pages, settings, notices, links, next article, visitor statistics.
    with django_assert_max_num_queries(8):
        response = reader().get("/so-do-trang/")
    html = response.content.decode()
    main = html[html.index("<main") :]
    assert '<h1 class="page-title">Sơ đồ trang</h1>' in main
    for expected in [
        'href="/lien-he/">Liên hệ</a>',
        'href="/gioi-thieu/lich-su-van-hoa/">Lịch sử – văn hóa</a>',
        f'href="{parent.get_absolute_url()}">Tin tức – sự kiện</a>',
        "Nông nghiệp",
        'href="/ket-qua/"',
        'href="/sitemap.xml"',
    ]:
        assert expected in main, expected
    assert "Bản nháp" not in main
    footer = html[html.index("<footer") :]
    assert 'href="/so-do-trang/"' in footer and 'href="/lien-he/"' in footer
    assert "<!--live:" not in html  # the visitor-stats marker is replaced (nothing if unknown)


def test_security_txt_follows_rfc_9116(site_settings):
    response = reader().get("/.well-known/security.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Contact: mailto:lienhe@thunghiem.example" in lines
    assert "Contact: http://testserver/lien-he/" in lines
    assert "Preferred-Languages: vi, en" in lines
    assert "Canonical: http://testserver/.well-known/security.txt" in lines
    expires = next(line for line in lines if line.startswith("Expires: "))
    moment = datetime.strptime(expires[9:], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=364) < moment - timezone.now() <= timedelta(days=366)
    redirect = reader().get("/security.txt")
    assert redirect.status_code == 301 and redirect["Location"] == "/.well-known/security.txt"


def test_a_change_of_articles_does_not_reload_the_blocks(site_settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal import pagecache

    reader().get("/")
    pagecache.bump()  # as any article's save does
    with CaptureQueriesContext(connection) as queries:
        reader().get("/")
    tables = " ".join(query["sql"] for query in queries)
    assert "portal_menuitem" not in tables and "portal_maintenancenotice" not in tables
    MenuItem.objects.create(title="Mới", url="/moi/")
    with CaptureQueriesContext(connection) as queries:
        assert ">Mới</a>" in reader().get("/").content.decode()
    assert "portal_menuitem" in " ".join(query["sql"] for query in queries)
