import pytest
from django.urls import reverse

from portal.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_admin_login_is_titled_with_the_portal_name_in_vietnamese(client, site_settings):
    html = client.get(reverse("admin:login")).content.decode()
    assert site_settings.name in html
    assert "Đăng nhập" in html
    assert '<html lang="vi"' in html


def test_site_settings_are_edited_in_the_admin_and_shown_at_once(admin_client, site_settings):
    assert admin_client.get("/").status_code == 200  # fills the cache
    response = admin_client.get(reverse("admin:portal_sitesettings_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:portal_sitesettings_change", args=[1])
    response = admin_client.post(
        reverse("admin:portal_sitesettings_change", args=[1]),
        {
            "name": "Cổng thông tin điện tử xã Mới",
            "agency": "Ủy ban nhân dân xã Mới",
            "address": "Ấp 1, xã Mới",
            "phone": "0271 000 111",
            "email": "xamoi@example.org",
            "responsible_person": "Trần Thị B",
            "licence": "",
            "figures_due_day": "5",
        },
    )
    assert response.status_code == 302
    html = admin_client.get("/").content.decode()
    assert "Cổng thông tin điện tử xã Mới" in html and "Trần Thị B" in html
    assert SiteSettings.objects.count() == 1


def test_site_settings_reject_a_bad_email_in_vietnamese(admin_client, site_settings):
    response = admin_client.post(
        reverse("admin:portal_sitesettings_change", args=[1]),
        {"name": "X", "agency": "Y", "email": "khong-phai-email"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xin nhập một địa chỉ thư điện tử hợp lệ." in html
    assert "<title>Lỗi: X" in html
    assert SiteSettings.objects.get().name == site_settings.name  # nothing half-saved


def test_site_settings_cannot_be_deleted_or_duplicated(admin_client, site_settings):
    assert admin_client.get(reverse("admin:portal_sitesettings_add")).status_code == 403
    url = reverse("admin:portal_sitesettings_delete", args=[1])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert SiteSettings.objects.count() == 1


def test_admin_index_is_in_vietnamese_with_the_portal_name(
    admin_client, site_settings, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Quản trị cổng thông tin" in html
    assert site_settings.name in html
    assert "Đơn vị hành chính" in html


def test_units_changelist_query_count(admin_client, units, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:indicators_administrativeunit_changelist"))
    assert response.status_code == 200
    assert "Xã Hòa Thuận" in response.content.decode()
