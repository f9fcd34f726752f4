import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest

from indicators.models import AdministrativeUnit
from portal import roles
from portal.demo import ACCOUNTS, COMMUNES
from portal.models import SiteSettings

pytestmark = pytest.mark.django_db


def run_demo():
    from io import StringIO

    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_loads_the_district_and_its_16_communes_and_prints_logins():
    output = run_demo()
    district = AdministrativeUnit.objects.jurisdiction()
    assert district.full_name == "Huyện Lộc Ninh"
    communes = AdministrativeUnit.objects.communes()
    assert communes.count() == 16
    names = {unit.full_name for unit in communes}
    assert "Thị trấn Lộc Ninh" in names
    for name in ["Lộc An", "Lộc Điền", "Lộc Thạnh", "Lộc Thành", "Lộc Thịnh", "Lộc Thuận"]:
        assert f"Xã {name}" in names
    assert SiteSettings.objects.get().agency == "Ủy ban nhân dân huyện Lộc Ninh"
    for username in ["quantri", "canbo.huyen", "canbo.locan", "bientap", "phongvien"]:
        assert username in output
    user = get_user_model().objects.get(username="canbo.locan")
    assert user.is_staff and not user.is_superuser
    assert user.groups.get().name == "Cán bộ xã"
    assert user.check_password("locan-demo-2026")


def test_demo_twice_keeps_what_staff_entered_and_duplicates_nothing():
    run_demo()
    unit = AdministrativeUnit.objects.get(code="loc-an")
    unit.name = "Lộc An (đã sửa)"
    unit.save()
    site = SiteSettings.objects.get()
    site.phone = "0999 999 999"
    site.save()
    user = get_user_model().objects.get(username="quantri")
    user.set_password("mat-khau-rieng-cua-toi")
    user.save()

    output = run_demo()

    assert AdministrativeUnit.objects.count() == len(COMMUNES) + 1
    assert get_user_model().objects.count() == len(ACCOUNTS) == 5
    assert AdministrativeUnit.objects.get(code="loc-an").name == "Lộc An (đã sửa)"
    assert SiteSettings.objects.get().phone == "0999 999 999"
    assert get_user_model().objects.get(username="quantri").check_password("mat-khau-rieng-cua-toi")
    assert "its password was kept" in output


def test_demo_writer_drafts_articles_in_the_admin_but_cannot_publish(client):
    run_demo()
    user = get_user_model().objects.get(username="phongvien")
    assert user.is_staff and not user.is_superuser
    assert user.groups.get().name == roles.ROLES[roles.WRITER]["name"] == "Người viết bài"
    assert user.has_perm("articles.add_article")
    assert not user.has_perm("articles.publish_article")

    # django-axes checks every login against its request (the admin's login page passes it).
    assert client.login(request=HttpRequest(), username="phongvien", password="phongvien-demo-2026")
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/articles/article/add/")
    assert response.status_code == 200
    status = response.context["adminform"].form.fields["status"]
    assert [value for value, _label in status.choices] == ["draft", "review"]
    assert 'value="published"' not in response.content.decode()


def test_demo_reports_quote_the_figures_and_one_was_drafted_from_them(client):
    from articles.demo import DRAFTED_SLUG
    from articles.models import Article, ArticleFigure
    from indicators.reporting import build_report

    run_demo()
    jobs = build_report(2022, 10).row("LD-1").total
    assert (jobs.value_text, jobs.percent_text) == ("4.884", "85,7%")

    quoting = Article.objects.get(slug="loc-ninh-ket-qua-kinh-te-xa-hoi-10-thang-nam-2022")
    assert quoting.figures.count() == 8
    assert all(f.is_frozen for f in ArticleFigure.objects.all())
    html = client.get(quoting.get_absolute_url()).content.decode()
    assert '<span class="quoted-figure">4.884</span> lao động' in html
    assert '<span class="quoted-figure">85,7%</span> kế hoạch năm' in html
    assert "[số liệu" not in html and "điều chỉnh sau khi đăng" not in html

    drafted = Article.objects.get(slug=DRAFTED_SLUG)
    assert drafted.is_published() and drafted.author.username == "bientap"
    html = client.get(drafted.get_absolute_url()).content.decode()
    assert "4.884 người" in html and "85,7% kế hoạch năm (5.700 người)" in html
    assert "[Cần kiểm tra]" not in html
    assert html.count("<h2>") >= 8  # a heading per program
