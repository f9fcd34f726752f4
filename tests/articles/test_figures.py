"""Figures quoted in articles: chosen in the admin, written on the page as the results pages do."""

import pytest

from articles.models import Article, ArticleFigure
from indicators.reporting import build_report
from tests.articles.conftest import make_article
from tests.articles.test_admin_workflow import form_data

pytestmark = pytest.mark.django_db


def quote(article, number, **kwargs):
    kwargs.setdefault("year", 2026)
    kwargs.setdefault("month", 2)
    return ArticleFigure.objects.create(article=article, number=number, **kwargs)


def figure_rows(**rows):
    data = {"figures-TOTAL_FORMS": str(len(rows)), "figures-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows.values()):
        data.update({f"figures-{i}-{key}": value for key, value in row.items()})
    return data


def test_editor_quotes_a_figure_picked_from_lists(client, admin_user, data):
    client.force_login(admin_user)
    page = client.get("/admin/articles/article/add/")
    assert 'name="figures-0-indicator"' in page.content.decode()
    row = {
        "number": "1",
        "measure": "year_to_date",
        "indicator": str(data["jobs"].pk),
        "program": "",
        "unit": "",
        "year": "2026",
        "month": "2",
    }
    body = "<p>Việc làm mới cho [số liệu 1] lao động.</p>"
    response = client.post(
        "/admin/articles/article/add/", form_data(body=body, **figure_rows(a=row))
    )
    assert response.status_code == 302
    figure = ArticleFigure.objects.get()
    assert figure.token == "[số liệu 1]" and figure.indicator == data["jobs"]
    change = client.get(f"/admin/articles/article/{figure.article_id}/change/")
    assert "<code>[số liệu 1]</code>" in change.content.decode()


def test_invalid_combination_is_refused_in_vietnamese_and_nothing_is_lost(client, admin_user, data):
    client.force_login(admin_user)
    row = {
        "number": "1",
        "measure": "table",
        "indicator": str(data["jobs"].pk),
        "program": "",
        "unit": "",
        "year": "2026",
        "month": "13",
    }
    response = client.post(
        "/admin/articles/article/add/",
        form_data(title="Báo cáo tháng", **figure_rows(a=row)),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hãy chọn chương trình" in html
    assert "Báo cáo tháng" in html
    assert not Article.objects.exists()


def test_page_writes_figures_as_the_results_pages_do(client, data, django_assert_max_num_queries):
    article = make_article(
        body="<p>Đạt [số liệu 1] lao động, [số liệu 2] kế hoạch; xã: [số liệu 3].</p>"
        "<p>[số liệu 4]</p><p>[số liệu 9]</p>"
    )
    quote(article, 1, measure="year_to_date", indicator=data["jobs"])
    quote(article, 2, measure="percent", indicator=data["jobs"])
    quote(article, 3, measure="month", indicator=data["jobs"], unit=data["commune"])
    quote(article, 4, measure="table", program=data["program"])
    total = build_report(2026, 2).row("JOBS").total
    assert total.value_text == "4.884" and total.percent_text == "85,7%"
    results = client.get("/ket-qua/").content.decode()
    assert total.value_text in results and total.percent_text in results
    with django_assert_max_num_queries(30):
        html = client.get(article.get_absolute_url()).content.decode()
    assert "Đạt <span" in html
    assert '<span class="quoted-figure">4.884</span> lao động' in html
    assert '<span class="quoted-figure">85,7%</span> kế hoạch' in html
    assert '<span class="quoted-figure">2.884</span>' in html
    assert "<caption>Lao động – việc làm" in html and "5.700" in html
    assert "[số liệu" not in html  # the unknown 9 shows nothing to readers


def test_queries_do_not_grow_with_the_figures(client, data, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = make_article(body="<p>[số liệu 1]</p>")
    quote(article, 1, measure="year_to_date", indicator=data["jobs"])
    with CaptureQueriesContext(connection) as few:
        client.get(article.get_absolute_url())
    body = "".join(f"<p>[số liệu {n}]</p>" for n in range(1, 21))
    Article.objects.filter(pk=article.pk).update(body=body)
    for n in range(2, 21):
        quote(article, n, measure="percent", indicator=data["jobs"], month=1 + n % 2)
    from django.core.cache import cache

    cache.clear()
    # Two months quoted: one more report than with one figure, whatever the number of figures.
    with CaptureQueriesContext(connection) as many:
        client.get(article.get_absolute_url())
    one_report = len(many) - len(few)
    assert one_report <= 12
    quote(article, 21, measure="target", indicator=data["jobs"], month=1)
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        client.get(article.get_absolute_url())
    assert len(more) == len(many)


def test_a_period_without_approved_data_reads_no_data_yet(client, data):
    article = make_article(body="<p>Tháng 5: [số liệu 1].</p>")
    quote(article, 1, measure="month", indicator=data["jobs"], month=5)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="quoted-figure">chưa có số liệu</span>' in html


def test_staff_preview_flags_an_unknown_token(client, admin_user, data):
    article = make_article(body="<p>[số liệu 7]</p>", status=Article.Status.DRAFT)
    client.force_login(admin_user)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "quoted-figure-unknown" in html and "[số liệu 7]" in html
