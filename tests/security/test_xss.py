"""Every payload through every field of articles, comments, contact messages and search.

Each payload goes in the way staff and readers type it (the admin's forms, the public forms,
the search box), then every page that shows it is read: public pages, feeds, the sitemap, the
JSON-LD block and the admin's lists, forms and history. Nothing may run; nothing may answer 500.
"""

import io
from urllib.parse import urlencode

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article, Category, Comment, Tag
from portal.models import ContactMessage
from tests.security.attack import PAYLOADS, PLAIN, admin_save, check_pages, problems_of, saved

pytestmark = pytest.mark.django_db

ARTICLE_TEXT_FIELDS = ("lead", "cover_caption", "cover_alt", "cover_credit", "byline", "source")


def picture(name="anh.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (500, 300), "teal").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def write_article(client, payload):
    """An editor publishes an article with the payload in every field (None if refused)."""
    # The form must refuse a NUL character; everything else is stored as typed.
    tag = admin_save(client, "/admin/articles/tag/add/", {"name": payload[:80]}, "tag_form")
    category = admin_save(
        client,
        "/admin/articles/category/add/",
        {"name": payload[:120], "description": payload, "order": "5"},
        "category_form",
    )
    changes = {
        "title": f"{payload} tiêu đề"[:250],
        "body": f'<p>{payload}</p><p><a href="{payload}">liên kết</a></p>{payload}',
        "status": "published",
        "images-TOTAL_FORMS": "1",
        "images-0-alt": payload[:250],
        "images-0-caption": payload[:300],
        "images-0-credit": payload[:150],
        "images-0-order": "0",
        **dict.fromkeys(ARTICLE_TEXT_FIELDS, payload),
    }
    if saved(tag) and saved(category):
        changes["tags"] = [str(Tag.objects.latest("pk").pk)]
        changes["categories"] = [str(Category.objects.latest("pk").pk)]
    files = {"cover": picture(), "images-0-image": picture("anh-2.jpg")}
    response = admin_save(
        client, "/admin/articles/article/add/", changes, "article_form", files=files
    )
    if not saved(response):
        assert "\x00" in payload, problems_of(response)
        return None
    article = Article.objects.order_by("-pk").first()
    assert article.lead == payload and article.cover  # the payload is where it was typed
    assert article.images.get().caption == payload[:300]
    return article


def comment_on(client, article, payload):
    """A reader comments (and an editor approves it); a wrong e-mail shows the form again."""
    url = f"/tin-tuc/{article.slug}/y-kien/"
    form = {"name": payload[:100], "email": "ban.doc@example.vn", "text": payload, "website": ""}
    wrong = client.post(url, {**form, "email": payload})
    assert wrong.status_code == 400
    assert not problems_of(wrong, url)
    response = client.post(url, form)
    assert response.status_code in (302, 400), response.status_code
    assert not problems_of(response, url)
    return Comment.objects.filter(article=article).first()


# Every field with each kind of payload; the rich-text body gets every payload below.
@pytest.mark.parametrize("payload", PLAIN.values(), ids=PLAIN.keys())
def test_article_fields(as_role, world, payload):
    editor = as_role("editor")
    article = write_article(editor, payload)
    if article is None:
        return
    assert "<script" not in article.body and "onerror" not in article.body
    comment = comment_on(as_role("anonymous"), article, payload)
    editor = as_role("editor")
    if comment is not None:
        approve = {"action": "approve", ACTION_CHECKBOX_NAME: [comment.pk], "index": 0}
        assert editor.post("/admin/articles/comment/", approve).status_code == 302
    category, tag = article.categories.first(), article.tags.first()
    public = [
        article.get_absolute_url(),
        f"/tin-tuc/{article.slug}/y-kien/",
        f"/tin-tuc/{article.slug}/danh-gia/",
        "/",
        "/tin-tuc/",
        "/tim-kiem/?q=tieu+de",
        "/rss/",
        "/sitemap.xml",
        "/so-do-trang/",
    ]
    if category is not None:
        public += [category.get_absolute_url(), f"/rss/{category.slug}/"]
    if tag is not None:
        public.append(f"/tin-tuc/the/{tag.slug}/")
    admin = [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/history/",
        "/admin/articles/article/?q=tieu",
        "/admin/articles/comment/",
        "/admin/articles/tag/",
        "/admin/articles/category/",
    ]
    if comment is not None:
        admin.append(f"/admin/articles/comment/{comment.pk}/change/")
    # The editor reads the article page as a preview-capable member of staff; readers get
    # every public page (cached for them).
    check_pages(editor, [*admin, article.get_absolute_url()])
    check_pages(as_role("anonymous"), public)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_writer_s_preview_and_an_editor_reading_it(as_role, world, payload):
    """A writer's draft (rich text), previewed by the writer, opened and published by an editor."""
    writer = as_role("writer")
    changes = {
        "title": f"{payload} nháp"[:250],
        "lead": payload,
        "body": payload,
        "status": "review",
    }
    response = admin_save(writer, "/admin/articles/article/add/", changes, "article_form")
    if not saved(response):
        assert "\x00" in payload
        return
    article = Article.objects.order_by("-pk").first()
    assert article.status == Article.Status.REVIEW
    check_pages(writer, [article.get_absolute_url(), f"/admin/articles/article/{article.pk}/"])
    editor = as_role("editor")
    change = f"/admin/articles/article/{article.pk}/change/"
    check_pages(editor, [article.get_absolute_url(), change])
    publish = {"action": "publish", ACTION_CHECKBOX_NAME: [article.pk], "index": 0}
    assert editor.post("/admin/articles/article/", publish).status_code == 302
    article.refresh_from_db()
    assert article.is_published()
    check_pages(as_role("anonymous"), [article.get_absolute_url(), "/rss/", "/tin-tuc/"])


@pytest.mark.parametrize("payload", PLAIN.values(), ids=PLAIN.keys())
def test_contact_messages(as_role, world, payload):
    reader = as_role("anonymous")
    form = {
        "name": payload[:120],
        "email": "",
        "phone": "",
        "subject": payload[:200],
        "message": payload,
        "website": "",
    }
    wrong = reader.post("/lien-he/", {**form, "phone": payload[:30], "email": payload})
    assert wrong.status_code == 400
    assert not problems_of(wrong, "/lien-he/ (form with errors)")
    before = ContactMessage.objects.count()
    response = reader.post("/lien-he/", form)
    assert response.status_code in (302, 400)
    assert not problems_of(response, "/lien-he/")
    if ContactMessage.objects.count() == before:
        assert "\x00" in payload
        return
    message = ContactMessage.objects.latest("pk")
    editor = as_role("editor")
    answer = admin_save(
        editor,
        f"/admin/portal/contactmessage/{message.pk}/change/",
        {"answer": payload, "status": "answered"},
        "contactmessage_form",
    )
    assert answer.status_code in (200, 302)
    check_pages(
        editor,
        [
            "/admin/portal/contactmessage/",
            f"/admin/portal/contactmessage/{message.pk}/change/",
            "/admin/portal/contactmessage/?q=a",
            "/admin/",
        ],
    )


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_search_queries_are_shown_escaped(as_role, world, payload):
    query = urlencode({"q": payload})
    check_pages(
        as_role("anonymous"),
        [f"/tim-kiem/?{query}", f"/tim-kiem/?{query}&" + urlencode({"trang": payload})],
    )
    check_pages(as_role("editor"), [f"/admin/articles/article/?{query}", f"/tim-kiem/?{query}"])
