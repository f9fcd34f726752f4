from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import RequestFactory, override_settings
from django.urls import reverse

from portal import views

pytestmark = pytest.mark.django_db


def test_home_shows_the_site_shell_in_vietnamese(
    client, site_settings, units, django_assert_max_num_queries
):
    # site settings, the units, the news block and the next scheduled article (then cached),
    # and the site-wide blocks while their own cache is cold (menu, links, notices, visits)
    with django_assert_max_num_queries(9):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert 'class="skip-link" href="#main">Chuyển đến nội dung chính</a>' in html
    assert '<main id="main"' in html
    assert site_settings.name in html and site_settings.agency in html
    # Footer: what the law asks a government portal to publish.
    for value in [
        site_settings.address,
        site_settings.phone,
        site_settings.email,
        site_settings.responsible_person,
    ]:
        assert value in html
    assert "Chịu trách nhiệm nội dung" in html
    assert 'aria-label="Menu chính"' in html
    assert "Xã An Bình" in html and "Huyện Thử Nghiệm và 3 đơn vị hành chính cấp xã" in html


def test_home_is_cached_until_what_it_shows_changes(
    client, site_settings, units, django_assert_num_queries
):
    client.get("/")
    with django_assert_num_queries(0):
        response = client.get("/")
    assert not response.cookies
    site_settings.name = "Cổng thông tin đã đổi tên"
    site_settings.save()
    assert "Cổng thông tin đã đổi tên" in client.get("/").content.decode()
    district, communes = units
    communes[0].name = "Bình Minh"
    communes[0].save()
    assert "Xã Bình Minh" in client.get("/").content.decode()


def test_home_before_any_settings_are_entered(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Cổng thông tin điện tử" in response.content.decode()


def test_units_page_lists_the_communes_with_breadcrumbs(
    client, site_settings, units, django_assert_max_num_queries
):
    # settings, units, next scheduled article, and the site-wide blocks (cold cache)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("units"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Đường dẫn trang"' in html
    assert '<span aria-current="page">Đơn vị hành chính</span>' in html
    assert html.count('<th scope="row">') == 3
    assert "Huyện Thử Nghiệm có 3 đơn vị hành chính cấp xã." in html


def test_inactive_units_are_not_listed(client, units):
    _district, communes = units
    communes[0].is_active = False
    communes[0].save()
    html = client.get(reverse("units")).content.decode()
    assert "Xã An Bình" not in html and "Xã Tân Lập" in html


def test_404_page_is_in_vietnamese(client, site_settings):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert site_settings.name in html  # the whole site shell, not a bare page


def test_403_page_is_in_vietnamese(site_settings):
    request = RequestFactory().get("/")
    response = views.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.portal.urls_error")
def test_500_page_is_in_vietnamese(client):
    client.raise_request_exception = False
    response = client.get("/hong/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Lỗi máy chủ" in html and '<html lang="vi">' in html


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch.object(views.connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_language_switcher_sets_english_and_returns_to_the_page(client, site_settings):
    response = client.get("/ngon-ngu/en/", {"next": "/don-vi-hanh-chinh/"})
    assert response.status_code == 302
    assert response["Location"] == "/don-vi-hanh-chinh/"
    html = client.get("/don-vi-hanh-chinh/").content.decode()
    assert '<html lang="en">' in html
    assert '<h1 class="page-title">Administrative units</h1>' in html
    assert 'href="/ngon-ngu/vi/?next=' in html
    client.get("/ngon-ngu/vi/")
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_language_switcher_refuses_foreign_redirects_and_unknown_languages(client):
    response = client.get("/ngon-ngu/en/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/ngon-ngu/fr/").status_code == 404


def test_browser_language_does_not_override_vietnamese(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html


def test_static_assets_are_served_locally(client):
    html = client.get("/").content.decode()
    assert "/static/css/portal.css" in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
