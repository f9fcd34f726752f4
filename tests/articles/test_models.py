import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command

from articles.models import Article, ArticleRevision, Category, Tag

from .conftest import make_article

pytestmark = pytest.mark.django_db


def test_published_is_status_and_time(category):
    visible = make_article("Đã đăng")
    make_article("Nháp", status="draft")
    make_article("Hẹn giờ", publish_at=visible.publish_at.replace(year=2099))
    assert list(Article.objects.published()) == [visible]


def test_publishing_without_a_time_publishes_now():
    article = make_article(status="draft")
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.is_published()


def test_a_revision_is_kept_for_each_change_of_the_text_only():
    article = make_article("Một")
    article.featured = True
    article.save()
    article.title = "Hai"
    article.save()
    assert list(article.revisions.values_list("title", flat=True)) == ["Hai", "Một"]
    assert ArticleRevision.objects.count() == 2


def test_related_articles_chosen_first_then_by_shared_tags(category):
    tag = Tag.objects.create(name="Nông thôn mới")
    article = make_article("Gốc", tags=[tag])
    chosen = make_article("Chọn tay")
    shared = make_article("Cùng thẻ", tags=[tag])
    make_article("Không liên quan")
    make_article("Nháp cùng thẻ", status="draft", tags=[tag])
    article.related.add(chosen)
    assert article.related_articles() == [chosen, shared]


def test_sub_categories_are_one_level_deep(category):
    sub = Category.objects.create(name="Kinh tế", parent=category)
    assert sub.slug == "kinh-te"
    deeper = Category(name="Sâu hơn", parent=sub)
    with pytest.raises(ValidationError):
        deeper.full_clean()


def test_demo_articles_load_once_with_report_figures_and_images():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    report = Article.objects.get(slug="loc-ninh-ket-qua-kinh-te-xa-hoi-10-thang-nam-2022")
    assert "[số liệu 1] lao động, bằng [số liệu 2] kế hoạch" in report.body
    assert {f.frozen["text"] for f in report.figures.filter(number__in=[1, 2])} == {
        "4.884",
        "85,7%",
    }
    assert report.is_published() and report.cover_width == 1600
    assert default_storage.exists(report.cover.name)
    report.title = "Sửa bởi biên tập viên"
    report.save()
    count = Article.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Article.objects.count() == count >= 5
    report.refresh_from_db()
    assert report.title == "Sửa bởi biên tập viên"
    assert Category.objects.get(slug="kinh-te").parent.slug == "tin-tuc-su-kien"
