import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.search import fold, query_words, search

from .conftest import make_article

pytestmark = pytest.mark.django_db


def test_fold_strips_diacritics_and_case():
    assert fold("LỘC NINH – Đồng Nai") == "loc ninh – dong nai"
    assert fold("Nông thôn mới đạt chuẩn") == "nong thon moi dat chuan"
    assert query_words("  Lộc, NINH!! lộc ") == ["loc", "ninh"]


@pytest.mark.parametrize("query", ["loc ninh", "LỘC NINH", "lộc ninh", "Loc Ninh", "lôc nính"])
def test_search_ignores_diacritics_and_case(query):
    found = make_article("Lộc Ninh đạt chuẩn nông thôn mới")
    make_article("Bài khác về Bình Phước")
    assert list(search(Article.objects.published(), query)) == [found]


def test_search_looks_in_title_lead_and_body_and_ranks_title_hits_first():
    in_body = make_article("Báo cáo năm", body="<p>Kết quả của huyện <b>Lộc Ninh</b></p>")
    in_lead = make_article("Tin vắn", lead="Huyện Lộc Ninh tổng kết năm 2022")
    in_title = make_article("Lộc Ninh tổng kết năm 2022")
    results = list(search(Article.objects.published(), "loc ninh"))
    assert results[0] == in_title
    assert set(results) == {in_body, in_lead, in_title}


def test_search_needs_every_word_and_skips_unpublished_and_tags_markup():
    make_article("Lộc Ninh mùa mưa")
    make_article("Lộc Ninh đạt chuẩn", status=Article.Status.DRAFT)
    make_article("Thân bài", body='<p class="ninh">chỉ có thẻ</p>')
    assert [a.title for a in search(Article.objects.published(), "loc ninh mua")] == [
        "Lộc Ninh mùa mưa"
    ]
    assert not search(Article.objects.published(), "class").exists()
    assert not search(Article.objects.published(), "   ,,, ").exists()


def test_search_text_is_refreshed_when_the_article_changes():
    article = make_article("Tin cũ")
    article.title = "Đồng Xoài"
    article.save()
    assert list(search(Article.objects.published(), "dong xoai")) == [article]


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored search document is PostgreSQL's"
)


def _stored_document(article):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document::text FROM articles_article WHERE id = %s", [article.pk]
        )
        return cursor.fetchone()[0]


def _computed_document(article):
    """The vector that search computed per query before it was stored (title A, lead B, body C)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (setweight(to_tsvector('simple', unaccent(%s)), 'A')"
            " || setweight(to_tsvector('simple', unaccent(%s)), 'B')"
            " || setweight(to_tsvector('simple', unaccent(%s)), 'C'))::text",
            [article.title, article.lead, article.body],
        )
        return cursor.fetchone()[0]


@on_postgresql
def test_postgresql_searches_the_stored_document_through_its_index():
    found = make_article("Lộc Ninh đạt chuẩn nông thôn mới", lead="Tin vắn", body="<p>Năm</p>")
    make_article("Bài khác")
    with CaptureQueriesContext(connection) as queries:
        assert list(search(Article.objects.published(), "nong thon moi")) == [found]
    sql = queries.captured_queries[0]["sql"]
    assert '"articles_article"."search_document" @@' in sql
    assert "to_tsvector" not in sql  # nothing is computed per article and query
    assert "setweight" not in sql.split(" FROM ")[0]  # nor sent back with each row

    # The search's own condition (published() adds the publication time's index to choose).
    sql, params = search(Article.objects.all(), "nong thon moi").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # two articles: a scan would be cheaper
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "articles_article_search_document" in plan


@on_postgresql
def test_postgresql_keeps_the_stored_document_current_on_every_write():
    article = make_article("Tin cũ", lead="Lời dẫn", body="<p>Thân <b>bài</b></p>")
    assert _stored_document(article) == _computed_document(article)
    assert "'cu':2A" in _stored_document(article)
    Article.objects.filter(pk=article.pk).update(title="Đồng Xoài")  # no save(), no signal
    article.refresh_from_db()
    assert _stored_document(article) == _computed_document(article)
    assert list(search(Article.objects.published(), "dong xoai")) == [article]
    assert not search(Article.objects.published(), "tin cu").exists()

    before = _stored_document(article)
    with connection.cursor() as cursor:  # a view count does not recompute it (the trigger's
        cursor.execute(  # column list), which would make counting views slow
            "UPDATE articles_article SET search_document = NULL WHERE id = %s", [article.pk]
        )
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    assert _stored_document(article) is None
    article.refresh_from_db()
    article.save()
    assert _stored_document(article) == before


def test_search_page_lists_counts_paginates_and_escapes(client, django_assert_max_num_queries):
    for number in range(12):
        make_article(f"Lộc Ninh tin số {number}")
    with django_assert_max_num_queries(9):  # with the site-wide blocks, cold
        response = client.get("/tim-kiem/", {"q": "loc ninh"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Tìm thấy 12 bài viết cho “loc ninh”." in content
    assert content.count('class="article-card"') == 10
    assert "?q=loc+ninh&amp;trang=2" in content
    second = client.get("/tim-kiem/", {"q": "loc ninh", "trang": 2}).content.decode()
    assert second.count('class="article-card"') == 2
    assert not response.cookies

    evil = client.get("/tim-kiem/", {"q": '<script>alert("x")</script>'}).content.decode()
    assert "<script>alert" not in evil
    assert "&lt;script&gt;" in evil
    assert "Tìm thấy 0 bài viết" in evil


def test_every_page_has_a_labelled_search_box(client):
    content = client.get("/").content.decode()
    assert '<form class="site-search" role="search"' in content
    assert '<label for="site-search-q">Tìm kiếm tin bài</label>' in content
    assert client.get("/tim-kiem/").status_code == 200
