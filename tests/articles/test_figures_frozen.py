"""Published figures stay as published: frozen with the article, revisions noted and listed."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import figures
from articles.models import Article, ArticleFigure
from indicators import services
from indicators.models import Achievement, MonthlyReport, ReportStatus
from tests.articles.conftest import make_article
from tests.articles.test_admin_workflow import form_data
from tests.articles.test_figures import figure_rows, quote

pytestmark = pytest.mark.django_db

BODY = "<p>Việc làm mới cho [số liệu 1] lao động, đạt [số liệu 2] kế hoạch.</p><p>[số liệu 3]</p>"
NOTE = "Số liệu đã được điều chỉnh sau khi đăng"
CHANGELIST = "/admin/articles/article/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


@pytest.fixture
def published(data):
    """An article quoting the district's jobs, their percent of plan and the program's table."""
    article = make_article(title="Kết quả tháng 2", body=BODY, status=Article.Status.DRAFT)
    quote(article, 1, measure="year_to_date", indicator=data["jobs"])
    quote(article, 2, measure="percent", indicator=data["jobs"])
    quote(article, 3, measure="table", program=data["program"])
    article.status = Article.Status.PUBLISHED
    article.save()
    return article


def reopen_february(data, user, django_capture_on_commit_callbacks):
    report = MonthlyReport.objects.get(unit=data["commune"], month=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_reopen(report=report, user=user, reason="Xã báo cáo nhầm")
    return report


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_draft_reads_the_current_data_and_is_not_frozen(client, admin_user, data):
    article = make_article(body=BODY, status=Article.Status.DRAFT)
    quote(article, 1, measure="year_to_date", indicator=data["jobs"])
    assert not ArticleFigure.objects.get().is_frozen
    client.force_login(admin_user)
    assert '<span class="quoted-figure">4.884</span>' in page(client, article)


def test_publishing_in_the_admin_freezes_the_figures(client, admin_user, data):
    client.force_login(admin_user)
    row = {
        "number": "1",
        "measure": "year_to_date",
        "indicator": str(data["jobs"].pk),
        "program": "",
        "unit": "",
        "year": "2026",
        "month": "2",
    }
    response = client.post(
        "/admin/articles/article/add/",
        form_data(body=BODY, status="published", **figure_rows(a=row)),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    figure = ArticleFigure.objects.get()
    assert figure.is_frozen and figure.frozen == {"text": "4.884"}
    assert figure.revised_at is None
    # The change page says what was published, and when.
    html = client.get(change_url(figure.article)).content.decode()
    assert "4.884, chốt ngày" in html


def test_published_figures_stay_and_a_note_links_to_the_current_ones(
    client, admin_user, data, published, django_capture_on_commit_callbacks
):
    frozen = {f.number: f.frozen for f in published.figures.all()}
    assert frozen[1] == {"text": "4.884"} and frozen[2] == {"text": "85,7%"}
    assert frozen[3]["rows"][0][2:] == ["4.884", "5.700", "85,7%"]
    assert NOTE not in page(client, published)

    reopen_february(data, admin_user, django_capture_on_commit_callbacks)

    html = page(client, published)
    assert '<span class="quoted-figure">4.884</span> lao động' in html  # as published
    assert '<span class="quoted-figure">85,7%</span> kế hoạch' in html
    assert "<td>4.884</td><td>5.700</td><td>85,7%</td>" in html
    assert NOTE in html
    link = "/ket-qua/chuong-trinh/ld/?nam=2026&amp;thang=2"
    assert f'href="{link}#cs-JOBS"' in html and f'href="{link}"' in html
    current = client.get("/ket-qua/chuong-trinh/ld/?nam=2026&thang=2").content.decode()
    assert "2.000" in current  # January only, now that February is reopened
    assert ArticleFigure.objects.filter(revised_at__isnull=False).count() == 3


def test_a_readers_page_of_frozen_figures_reads_no_indicator(
    client, admin_user, data, published, django_capture_on_commit_callbacks
):
    """Frozen figures carry their text: only a revised one needs its indicator (its link)."""

    def indicator_queries():
        with CaptureQueriesContext(connection) as captured:
            html = page(client, published)
        asked = [
            q["sql"] for q in captured.captured_queries if 'FROM "indicators_indicator"' in q["sql"]
        ]
        return html, asked

    cache.clear()
    html, asked = indicator_queries()
    assert '<span class="quoted-figure">4.884</span> lao động' in html and not asked
    assert "<td>4.884</td><td>5.700</td><td>85,7%</td>" in html  # the table's caption: its program
    assert data["program"].name in html

    reopen_february(data, admin_user, django_capture_on_commit_callbacks)
    cache.clear()
    html, asked = indicator_queries()
    assert (
        len(asked) == 1 and 'href="/ket-qua/chuong-trinh/ld/?nam=2026&amp;thang=2#cs-JOBS"' in html
    )


def test_staff_find_the_articles_quoting_revised_figures(
    client,
    admin_user,
    data,
    published,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    untouched = make_article(title="Bài không có số liệu")
    client.force_login(admin_user)
    listing = client.get(CHANGELIST + "?so_lieu=revised").content.decode()
    assert published.title not in listing

    report = reopen_february(data, admin_user, django_capture_on_commit_callbacks)

    for _ in range(5):
        make_article(title="Bài thêm")
    with django_assert_max_num_queries(12):
        listing = client.get(CHANGELIST + "?so_lieu=revised").content.decode()
    assert published.title in listing and untouched.title not in listing
    assert "Đã điều chỉnh sau khi đăng" in listing
    assert "đã thay đổi từ" in client.get(change_url(published)).content.decode()
    everything = client.get(CHANGELIST + "?so_lieu=none").content.decode()
    assert untouched.title in everything and published.title not in everything

    # February approved again with the same figure: the article is true again.
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, user=admin_user)
        services.report_approve(report=report, user=admin_user)
    assert not ArticleFigure.objects.filter(revised_at__isnull=False).exists()
    assert NOTE not in page(client, published)
    current = client.get(CHANGELIST + "?so_lieu=current").content.decode()
    assert published.title in current


def test_editor_updates_the_figures_to_the_current_data(
    client, admin_user, data, published, django_capture_on_commit_callbacks
):
    reopen_february(data, admin_user, django_capture_on_commit_callbacks)
    client.force_login(admin_user)
    response = client.post(
        CHANGELIST,
        {"action": "refresh_figures", "_selected_action": [published.pk]},
        follow=True,
    )
    assert "1 bài viết nay đọc theo số liệu hiện tại" in response.content.decode()
    html = page(client, published)
    assert '<span class="quoted-figure">2.000</span> lao động' in html
    assert NOTE not in html
    assert not ArticleFigure.objects.filter(revised_at__isnull=False).exists()


def test_a_figure_changed_after_publication_is_frozen_anew(client, admin_user, data, published):
    figure = published.figures.get(number=1)
    figure.measure = ArticleFigure.Measure.TARGET
    figure.save()
    figure.refresh_from_db()
    assert not figure.is_frozen
    published.save()  # saving the published article freezes what is not frozen yet
    figure.refresh_from_db()
    assert figure.frozen == {"text": "5.700"}


def test_a_changed_value_of_an_approved_month_is_a_revision(
    client, admin_user, data, published, django_capture_on_commit_callbacks
):
    """A figure saved on its own (a correction by the administrator) is checked too."""
    achievement = Achievement.objects.get(report__month=2)
    achievement.value = Decimal(2900)
    with django_capture_on_commit_callbacks(execute=True):
        achievement.save()
    assert ArticleFigure.objects.filter(revised_at__isnull=False).count() == 3
    assert "4.884" in page(client, published) and NOTE in page(client, published)


def test_loading_data_raw_does_not_check(data, published, django_capture_on_commit_callbacks):
    report = MonthlyReport.objects.get(unit=data["commune"], month=2)
    with django_capture_on_commit_callbacks() as callbacks:
        MonthlyReport.save_base(report, raw=True)
    assert figures._run_pending_checks not in callbacks
    assert report.status == ReportStatus.APPROVED
