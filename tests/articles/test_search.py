import pytest

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
