import pytest

from articles.models import ArticleSlug
from articles.slugs import vietnamese_slugify

from .conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Lộc Ninh đạt chuẩn", "loc-ninh-dat-chuan"),
        ("ĐẠI HỘI Đảng bộ huyện", "dai-hoi-dang-bo-huyen"),
        ("Ưu tiên thủy lợi, khuyến nông: 100%!", "uu-tien-thuy-loi-khuyen-nong-100"),
        ("Ờ ỡ ợ ứ ữ ỹ ỷ ỵ", "o-o-o-u-u-y-y-y"),
    ],
)
def test_vietnamese_titles_become_readable_ascii_keeping_every_letter(title, slug):
    assert vietnamese_slugify(title) == slug


def test_slug_is_made_from_the_title_and_kept_unique():
    first = make_article("Lộc Ninh đạt chuẩn")
    second = make_article("Lộc Ninh đạt chuẩn")
    assert first.slug == "loc-ninh-dat-chuan"
    assert second.slug == "loc-ninh-dat-chuan-2"


def test_an_edited_slug_is_kept_and_the_old_one_redirects(client):
    article = make_article("Lộc Ninh đạt chuẩn")
    article.slug = "nong-thon-moi-loc-ninh"
    article.save()
    assert ArticleSlug.objects.get().slug == "loc-ninh-dat-chuan"
    response = client.get("/tin-tuc/loc-ninh-dat-chuan/")
    assert response.status_code == 301
    assert response["Location"] == "/tin-tuc/nong-thon-moi-loc-ninh/"
    assert client.get("/tin-tuc/nong-thon-moi-loc-ninh/").status_code == 200


def test_an_old_slug_is_not_given_to_another_article():
    article = make_article("Lộc Ninh đạt chuẩn")
    article.slug = "moi"
    article.save()
    other = make_article("Lộc Ninh đạt chuẩn")
    assert other.slug == "loc-ninh-dat-chuan-2"


def test_changing_back_to_an_old_slug_keeps_working(client):
    article = make_article("Tên đầu")
    article.slug = "ten-hai"
    article.save()
    article.slug = "ten-dau"
    article.save()
    assert list(ArticleSlug.objects.values_list("slug", flat=True)) == ["ten-hai"]
    assert client.get("/tin-tuc/ten-hai/")["Location"] == "/tin-tuc/ten-dau/"
