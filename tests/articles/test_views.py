from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ArticleImage, Category, Tag

from .conftest import image_upload, make_article

pytestmark = pytest.mark.django_db


def test_article_page_shows_everything_a_reader_needs(client, category):
    tag = Tag.objects.create(name="Nông thôn mới")
    when = timezone.make_aware(timezone.datetime(2022, 10, 28, 4, 0))
    make_article(
        "Lộc Ninh đạt chuẩn",
        publish_at=when,
        lead="Sapo ngắn",
        body="<p>Thân bài</p>",
        source="Văn phòng UBND huyện",
        categories=[category],
        tags=[tag],
    )
    related = make_article("Bài liên quan", tags=[tag])
    response = client.get("/tin-tuc/loc-ninh-dat-chuan/")
    content = response.content.decode()
    assert response.status_code == 200
    for text in [
        "<h1",
        "Lộc Ninh đạt chuẩn",
        "Thứ sáu, 28/10/2022 04:00",
        "Sapo ngắn",
        "<p>Thân bài</p>",
        "Nguồn tin: Văn phòng UBND huyện",
        "Nông thôn mới",
        related.get_absolute_url(),
        "Bản xem trước",
    ]:
        assert (text in content) == (text != "Bản xem trước"), text


@pytest.mark.parametrize("status", ["draft", "review", "unpublished"])
def test_unpublished_articles_are_404_for_readers_and_previewed_for_staff(
    client, publisher, status
):
    article = make_article(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(publisher)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Bản xem trước" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_scheduled_article_appears_on_its_own_at_its_time(client):
    article = make_article(publish_at=timezone.now() + timedelta(hours=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    article.publish_at = timezone.now() - timedelta(seconds=1)
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_category_page_lists_its_and_its_subcategories_articles_with_pagination(client, category):
    sub = Category.objects.create(name="Kinh tế", parent=category)
    for number in range(12):
        make_article(f"Tin số {number}", categories=[sub if number % 2 else category])
    make_article("Bản nháp", status="draft", categories=[category])
    first = client.get(category.get_absolute_url()).content.decode()
    second = client.get(category.get_absolute_url() + "?trang=2").content.decode()
    assert first.count('class="article-card"') == 10
    assert second.count('class="article-card"') == 2
    assert "Bản nháp" not in first + second
    assert "Kinh tế" in first


def test_home_shows_featured_and_latest_per_category(client, category):
    other = Category.objects.create(name="Thông báo", order=2)
    make_article("Tin nổi bật", featured=True, categories=[category])
    make_article("Thông báo lịch tiếp dân", categories=[other])
    make_article("Nháp bí mật", status="draft", categories=[other])
    content = client.get("/").content.decode()
    assert "Tin nổi bật" in content and "Thông báo lịch tiếp dân" in content
    assert "Nháp bí mật" not in content
    assert 'href="/tin-tuc/"' in content  # the "Tin tức" item of the main menu


def _many(category, count=6):
    tags = [Tag.objects.create(name=f"Thẻ {n}") for n in range(5)]
    articles = []
    for number in range(count):
        article = make_article(
            f"Bài {number}",
            categories=[category],
            tags=tags,
            featured=number < 3,
            cover=image_upload(size=(500, 300)),
            cover_alt="ảnh",
        )
        for _n in range(3):
            ArticleImage.objects.create(
                article=article, image=image_upload(size=(500, 300)), alt="a"
            )
        articles.append(article)
    articles[0].related.set(articles[1:])
    return articles


def test_pages_take_a_bounded_number_of_queries(client, category, django_assert_max_num_queries):
    articles = _many(category)
    # the first page also fills the site-wide blocks' cache (menu, links, notices, visits)
    with django_assert_max_num_queries(16):
        assert client.get(articles[0].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(category.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
