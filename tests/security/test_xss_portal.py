"""Every payload through the portal's blocks (links, menu, introduction pages, notices) and
site settings, typed in the admin; addresses that would run a script are refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import IntroPage, Link, MaintenanceNotice, MenuItem, SiteSettings
from tests.security.attack import PAYLOADS, PLAIN, admin_save, check_pages, saved

pytestmark = pytest.mark.django_db

SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
]
# Paths that look internal to the menu but lead to another site.
OFF_SITE_PATHS = ["//evil.example/", "/\\evil.example/", "/\tjavascript:alert(1)"]
ODD_URL = 'https://example.vn/a?b="><script>alert(1)</script>'

PUBLIC_PAGES = [
    "/",
    "/gioi-thieu/",
    "/so-do-trang/",
    "/lien-he/",
    "/tin-tuc/",
    "/ket-qua/",
    "/rss/",
    "/sitemap.xml",
    "/khong-co-trang-nay/",
]


def _when(delta):
    moment = timezone.localtime() + delta
    return [moment.strftime("%d/%m/%Y"), moment.strftime("%H:%M:%S")]


def write_blocks(client, payload):
    """An editor puts the payload in a link, a menu item, an introduction page and a notice."""
    results = {
        "link": admin_save(
            client,
            "/admin/portal/link/add/",
            {"title": payload[:200], "url": "https://dichvucong.gov.vn/", "order": "1"},
            "link_form",
        ),
        "menu": admin_save(
            client,
            "/admin/portal/menuitem/add/",
            {"title": payload[:100], "title_en": payload[:100], "url": "/tin-tuc/"},
            "menuitem_form",
        ),
        "intro": admin_save(
            client,
            "/admin/portal/intropage/add/",
            {"title": payload[:200], "summary": payload, "body": f"<p>{payload}</p>{payload}"},
            "intropage_form",
        ),
    }
    start, end = _when(-timedelta(hours=1)), _when(timedelta(days=1))
    results["notice"] = admin_save(
        client,
        "/admin/portal/maintenancenotice/add/",
        {
            "message": payload[:500],
            "starts_at_0": start[0],
            "starts_at_1": start[1],
            "ends_at_0": end[0],
            "ends_at_1": end[1],
        },
        "maintenancenotice_form",
    )
    return {name: saved(response) for name, response in results.items()}


@pytest.mark.parametrize("payload", PLAIN.values(), ids=PLAIN.keys())
def test_blocks(as_role, world, payload):
    editor = as_role("editor")
    done = write_blocks(editor, payload)
    if "\x00" in payload:
        assert not any(done.values()), done
        return
    assert all(done.values()), done
    assert Link.objects.filter(title=payload[:200]).exists()
    assert MaintenanceNotice.objects.get(message=payload[:500]).is_current(timezone.now())
    intro = IntroPage.objects.order_by("-pk").first()
    admin = [
        "/admin/",
        "/admin/portal/link/",
        f"/admin/portal/link/{Link.objects.latest('pk').pk}/change/",
        "/admin/portal/menuitem/",
        f"/admin/portal/menuitem/{MenuItem.objects.latest('pk').pk}/change/",
        "/admin/portal/intropage/",
        f"/admin/portal/intropage/{intro.pk}/change/",
        f"/admin/portal/intropage/{intro.pk}/history/",
        "/admin/portal/maintenancenotice/",
    ]
    public = [*PUBLIC_PAGES, intro.get_absolute_url()]
    check_pages(editor, [*admin, intro.get_absolute_url()])
    check_pages(as_role("anonymous"), public)
    check_pages(as_role("anonymous"), ["/ngon-ngu/en/?next=/", "/"])  # the English titles


@pytest.mark.parametrize("payload", PLAIN.values(), ids=PLAIN.keys())
def test_site_settings(as_role, world, payload):
    administrator = as_role("administrator")
    fields = ("name", "agency", "address", "phone", "responsible_person", "licence")
    response = admin_save(
        administrator,
        "/admin/portal/sitesettings/1/change/",
        dict.fromkeys(fields, payload[:200]),
        "sitesettings_form",
    )
    if not saved(response):
        assert "\x00" in payload
        return
    assert SiteSettings.objects.get().name == payload[:200]
    check_pages(administrator, ["/admin/", "/admin/portal/sitesettings/1/change/"])
    check_pages(as_role("anonymous"), [*PUBLIC_PAGES, "/admin/login/"])


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_introduction_page_bodies(as_role, world, payload):
    """The rich-text body of an introduction page, with every payload."""
    editor = as_role("editor")
    changes = {"title": "Giới thiệu", "summary": "Tóm tắt", "body": f"<p>{payload}</p>{payload}"}
    response = admin_save(editor, "/admin/portal/intropage/add/", changes, "intropage_form")
    if not saved(response):
        assert "\x00" in payload
        return
    page = IntroPage.objects.order_by("-pk").first()
    assert "<script" not in page.body and "onerror" not in page.body
    check_pages(editor, [f"/admin/portal/intropage/{page.pk}/change/"])
    check_pages(as_role("anonymous"), [page.get_absolute_url()])


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_addresses_that_run_scripts_are_refused(as_role, world, url):
    editor = as_role("editor")
    link = admin_save(
        editor, "/admin/portal/link/add/", {"title": "Liên kết", "url": url}, "link_form"
    )
    menu = admin_save(
        editor, "/admin/portal/menuitem/add/", {"title": "Mục", "url": url}, "menuitem_form"
    )
    assert not saved(link) and not saved(menu)
    assert "Nhập" in link.content.decode()  # the reason, in Vietnamese
    assert not Link.objects.filter(title="Liên kết").exists()
    assert not MenuItem.objects.filter(title="Mục").exists()


@pytest.mark.parametrize("url", OFF_SITE_PATHS)
def test_menu_paths_that_leave_the_portal_are_refused(as_role, world, url):
    menu = admin_save(
        as_role("editor"),
        "/admin/portal/menuitem/add/",
        {"title": "Mục", "url": url},
        "menuitem_form",
    )
    assert not saved(menu)
    assert not MenuItem.objects.filter(title="Mục").exists()


def test_an_address_with_markup_in_it_stays_an_address(as_role, world):
    editor = as_role("editor")
    for url, form in (
        ("/admin/portal/link/add/", "link_form"),
        ("/admin/portal/menuitem/add/", "menuitem_form"),
    ):
        admin_save(editor, url, {"title": "Địa chỉ lạ", "url": ODD_URL}, form)
    check_pages(editor, ["/", "/so-do-trang/", "/admin/portal/link/", "/admin/portal/menuitem/"])
    check_pages(as_role("anonymous"), ["/", "/so-do-trang/"])
