import json

import pytest
from django.utils import timezone

from articles.models import Article, ArticleRevision

from .conftest import image_upload, make_article

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/article/add/"


def form_data(**overrides):
    data = {
        "title": "Lộc Ninh đạt chuẩn",
        "slug": "",
        "lead": "Tóm tắt",
        "body": "<p>Nội dung</p><script>alert(1)</script>",
        "cover_alt": "",
        "cover_caption": "",
        "cover_credit": "",
        "byline": "",
        "source": "",
        "status": "draft",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_writer_creates_a_draft_with_a_cover_and_sends_it_to_review(client, writer):
    client.force_login(writer)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, form_data(cover=image_upload(), cover_alt="Ảnh bìa"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.author == writer and article.slug == "loc-ninh-dat-chuan"
    assert article.body == "<p>Nội dung</p>" and article.cover_width == 1600
    assert ArticleRevision.objects.get(article=article).author == writer
    change = f"/admin/articles/article/{article.pk}/change/"
    revisions = {
        "revisions-TOTAL_FORMS": "1",
        "revisions-INITIAL_FORMS": "1",
        "revisions-0-id": str(article.revisions.get().pk),
        "revisions-0-article": str(article.pk),
    }
    response = client.post(change, form_data(status="review", title="Tiêu đề mới", **revisions))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "review" and article.revisions.count() == 2


def test_writer_cannot_publish_by_posting_the_status(client, writer):
    client.force_login(writer)
    response = client.post(ADD, form_data(status="published"))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_writer_cannot_use_the_publish_action(client, writer):
    article = make_article(status="review", author=writer)
    client.force_login(writer)
    response = client.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == "review"
    assert response.status_code in {200, 302}


def test_writer_sees_and_edits_only_own_unpublished_articles(client, writer, other_writer):
    own = make_article("Của tôi", status="draft", author=writer)
    others = make_article("Của người khác", status="draft", author=other_writer)
    published = make_article("Đã đăng", author=writer)
    client.force_login(writer)
    listing = client.get("/admin/articles/article/").content.decode()
    assert "Của tôi" in listing and "Của người khác" not in listing
    assert client.get(f"/admin/articles/article/{others.pk}/change/").status_code == 302
    assert client.get(f"/admin/articles/article/{own.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/articles/article/{published.pk}/change/", form_data(title="Sửa trộm")
    )
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Đã đăng"


def test_publisher_publishes_schedules_and_unpublishes(client, publisher, writer):
    article = make_article(status="review", author=writer)
    client.force_login(publisher)
    client.post("/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.is_published()
    client.post(
        "/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == "unpublished" and not article.is_published()

    later = timezone.localtime() + timezone.timedelta(days=2)
    response = client.post(
        f"/admin/articles/article/{article.pk}/change/",
        form_data(
            status="published",
            publish_at_0=later.strftime("%d/%m/%Y"),
            publish_at_1=later.strftime("%H:%M:%S"),
            **{"revisions-TOTAL_FORMS": "0"},
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.is_scheduled()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=later + timezone.timedelta(minutes=1)).get() == article


def test_change_page_shows_the_revision_history(client, publisher):
    article = make_article("Bản một")
    article.title = "Bản hai"
    article.save(editor=publisher)
    client.force_login(publisher)
    content = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Bản một" in content and "Bản hai" in content
    assert "django_prose_editor/editor.js" in content


def test_admin_list_query_count(client, publisher, django_assert_max_num_queries):
    for number in range(15):
        make_article(f"Bài {number}", author=publisher)
    client.force_login(publisher)
    with django_assert_max_num_queries(12):
        assert client.get("/admin/articles/article/").status_code == 200


def test_the_editor_dialogs_and_inline_images_read_in_vietnamese(client, writer):
    client.force_login(writer)
    catalogue = client.get("/admin/jsi18n/").content.decode()
    # The rich-text editor's dialogs take their words from the admin's JavaScript catalogue.
    for english, vietnamese in [("Insert Table", "Chèn bảng"), ("Caption", "Chú thích")]:
        assert f"{json.dumps(english)}: {json.dumps(vietnamese)}" in catalogue
    form = client.get("/admin/articles/article/add/").content.decode()
    # Django's own Vietnamese says "Thêm một Ảnh " here.
    assert "&quot;addText&quot;: &quot;Th\\u00eam \\u1ea2nh kh\\u00e1c&quot;" in form
