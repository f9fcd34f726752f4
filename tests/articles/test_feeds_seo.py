import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from articles.models import Article, Category, Tag

from .conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_site_feed_lists_latest_published_articles(client, django_assert_max_num_queries):
    make_article("Lộc Ninh <đạt> chuẩn", lead="Sapo & tóm tắt")
    make_article("Bản nháp", status=Article.Status.DRAFT)
    with django_assert_max_num_queries(6):
        response = client.get("/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own feed
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Lộc Ninh <đạt> chuẩn"]
    # Feed readers show the description as HTML: the plain-text lead is escaped for it.
    assert channel.find("item").findtext("description") == "Sapo &amp; tóm tắt"
    assert channel.find("item").findtext("link").endswith("/tin-tuc/loc-ninh-dat-chuan/")


def test_category_feed_lists_the_category_and_its_subcategories(client, category):
    sub = Category.objects.create(name="Kinh tế", parent=category)
    make_article("Trong mục", categories=[category])
    make_article("Trong mục con", categories=[sub])
    make_article("Ngoài mục")
    response = client.get(f"/rss/{category.slug}/")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    titles = {item.findtext("title") for item in root.iter("item")}
    assert titles == {"Trong mục", "Trong mục con"}
    assert client.get("/rss/khong-co/").status_code == 404
    assert "/rss/" in client.get("/").content.decode()


def test_sitemap_lists_published_articles_categories_and_tags(client, category):
    tag = Tag.objects.create(name="Nông thôn mới")
    article = make_article("Lộc Ninh", categories=[category], tags=[tag])
    make_article("Bản nháp", status=Article.Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    content = response.content.decode()
    assert f"http://testserver{article.get_absolute_url()}" in content
    assert "ban-nhap" not in content
    assert f"http://testserver{category.get_absolute_url()}" in content
    assert "http://testserver/tin-tuc/the/nong-thon-moi/" in content
    assert "<lastmod>" in content


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    content = response.content.decode()
    assert "Disallow: /admin/" in content
    assert "Sitemap: http://testserver/sitemap.xml" in content
