import re
import threading

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.cache import cache
from django.db import connection
from django.test import Client

from articles.feedback import VISITOR_COOKIE
from articles.models import Article, ArticleView, Comment, Rating, Tag
from portal import pagecache

from .conftest import make_article

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def reader(ip="203.0.113.7", agent=BROWSER, **kwargs):
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent, **kwargs)


# Views -------------------------------------------------------------------------------------


def test_a_view_counts_once_per_visitor_and_day_and_bots_not_at_all():
    article = make_article("Lộc Ninh")
    url = article.get_absolute_url()
    first = reader()
    for _ in range(3):
        response = first.get(url)
    # Reading sets no cookie at all: the rating and comment forms live on their own pages.
    assert not response.cookies
    reader(ip="203.0.113.8").get(url)
    reader(agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)").get(
        url
    )
    reader(agent="").get(url)
    reader(agent="curl/8.4").get(url)
    article.refresh_from_db()
    assert article.view_count == 2
    assert ArticleView.objects.filter(article=article).count() == 2
    # The second reader got the cached page and was counted all the same; the page shows the
    # count as of its rendering until it is rendered again.
    assert "1 lượt xem" in first.get(url).content.decode()
    pagecache.bump()
    assert "2 lượt xem" in first.get(url).content.decode()


def test_previews_are_not_counted(client, publisher):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(publisher)
    client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    article.refresh_from_db()
    assert article.view_count == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_concurrent_views_from_many_visitors_are_all_counted():
    article = make_article("Đông người đọc")
    url = article.get_absolute_url()
    # Fewer readers at once than a process has pooled connections (DATABASE_POOL_MAX, 10, one
    # held by the test itself): more threads than connections would wait for one and get the
    # 503 page, which a server never sees (its WEB_THREADS are fewer than its connections).
    visitors = 8
    barrier = threading.Barrier(visitors)
    errors = []

    def read(number):
        try:
            client = reader(ip=f"198.51.100.{number}")
            barrier.wait()
            assert client.get(url).status_code == 200
            client.get(url)  # the same visitor again: not counted twice
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=read, args=(n,)) for n in range(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    article.refresh_from_db()
    assert article.view_count == visitors
    assert ArticleView.objects.filter(article=article).count() == visitors


# Ratings -----------------------------------------------------------------------------------


def test_rating_is_one_per_visitor_and_a_changed_mind_replaces_it():
    article = make_article("Lộc Ninh")
    visitor = reader()
    rate_url = f"{article.get_absolute_url()}danh-gia/"
    response = visitor.post(rate_url, {"score": "2"})
    assert response.status_code == 302
    assert response["Location"] == rate_url
    assert "Cảm ơn bạn đã đánh giá." in visitor.get(rate_url).content.decode()
    assert VISITOR_COOKIE in response.cookies
    assert response.cookies[VISITOR_COOKIE]["httponly"]
    visitor.post(rate_url, {"score": "5"})
    assert list(Rating.objects.values_list("score", flat=True)) == [5]
    reader(ip="203.0.113.9").post(rate_url, {"score": "3"})
    content = visitor.get(article.get_absolute_url()).content.decode()
    assert "4,0/5 · 2 lượt đánh giá" in content


def test_rating_summary_uses_vietnamese_number_format():
    article = make_article("Lộc Ninh")
    scores = [5] * 10 + [4] * 3 + [3] * 2 + [2] + [1]  # 71 / 17 = 4,18
    Rating.objects.bulk_create(
        Rating(article=article, visitor=f"v{n}", score=score) for n, score in enumerate(scores)
    )
    content = reader().get(article.get_absolute_url()).content.decode()
    assert "4,2/5 · 17 lượt đánh giá" in content


@pytest.mark.parametrize("score", ["0", "6", "abc", ""])
def test_invalid_ratings_are_refused(score):
    article = make_article()
    reader().post(f"{article.get_absolute_url()}danh-gia/", {"score": score})
    assert not Rating.objects.exists()


def test_rating_form_works_without_javascript_and_needs_csrf():
    article = make_article()
    content = reader().get(article.get_absolute_url()).content.decode()
    # The cached article page asks with a GET form (no token, no cookie) ...
    assert '<form method="get" action="/tin-tuc/bai-viet-thu/danh-gia/"' in content
    assert content.count('type="radio" name="score"') == 5
    assert "csrfmiddlewaretoken" not in content
    # ... and the rating page, with the reader's choice kept, posts it with a CSRF token.
    strict = reader(enforce_csrf_checks=True)
    rate_url = f"{article.get_absolute_url()}danh-gia/"
    page = strict.get(rate_url, {"score": "4"})
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" in page.content.decode()
    assert 'value="4" required checked' in page.content.decode().replace('id="id_score_1" ', "")
    assert strict.post(rate_url, {"score": "4"}).status_code == 403
    assert not Rating.objects.exists()
    token = page.cookies["csrftoken"].value
    response = strict.post(rate_url, {"score": "4", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Rating.objects.get().score == 4
    assert reader().put(rate_url).status_code == 405


def test_rating_answers_json_for_the_in_page_script():
    article = make_article()
    rate_url = f"{article.get_absolute_url()}danh-gia/"
    assert "lượt đánh giá" not in reader().get(article.get_absolute_url()).content.decode()
    answer = reader().post(rate_url, {"score": "4"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "message": "Cảm ơn bạn đã đánh giá.",
        "summary": "4,0/5 · 1 lượt đánh giá",
    }
    refused = reader().post(rate_url, {"score": "9"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    assert refused.json()["message"] == "Vui lòng chọn từ 1 đến 5 sao."
    # A rating leaves the cached page be (any reader could empty the page cache otherwise):
    # the article page shows it once rendered again.
    assert "lượt đánh giá" not in reader().get(article.get_absolute_url()).content.decode()
    cache.clear()
    pagecache.forget_held_pages()
    assert "4,0/5 · 1 lượt đánh giá" in reader().get(article.get_absolute_url()).content.decode()


def test_ratings_are_rate_limited_per_ip():
    article = make_article()
    url = f"{article.get_absolute_url()}danh-gia/"
    for _ in range(25):
        reader().post(url, {"score": "5"})  # a new cookie each time: a new "visitor"
    assert Rating.objects.count() == 20


def test_unpublished_articles_cannot_be_rated_or_commented():
    article = make_article(status=Article.Status.DRAFT)
    url = article.get_absolute_url()
    assert reader().post(f"{url}danh-gia/", {"score": "4"}).status_code == 404
    assert reader().post(f"{url}y-kien/", {}).status_code == 404


# Comments ----------------------------------------------------------------------------------

COMMENT = {"name": "Nguyễn Văn A", "email": "a@example.vn", "text": "Dòng 1\nDòng 2", "website": ""}


def test_comments_wait_for_moderation_and_then_show_escaped_without_email():
    article = make_article("Lộc Ninh")
    visitor = reader()
    evil = dict(COMMENT, text="<script>alert(1)</script>\nDòng 2", name="<b>Tên</b>")
    comment_url = f"{article.get_absolute_url()}y-kien/"
    assert visitor.get(article.get_absolute_url()).status_code == 200  # cached now
    response = visitor.post(comment_url, evil)
    assert response.status_code == 302
    assert response["Location"] == comment_url
    assert "được đăng sau khi kiểm duyệt" in visitor.get(comment_url).content.decode()
    comment = Comment.objects.get()
    assert not comment.approved
    page = visitor.get(article.get_absolute_url()).content.decode()
    assert "alert(1)" not in page
    assert "0 ý kiến" in page
    comment.approved = True
    comment.save()
    page = visitor.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Dòng 2" in page
    assert "&lt;b&gt;Tên&lt;/b&gt;" in page
    assert "<script>alert" not in page
    assert "a@example.vn" not in page
    assert "1 ý kiến" in page


def test_invalid_comment_shows_errors_and_keeps_nothing():
    article = make_article()
    response = reader().post(f"{article.get_absolute_url()}y-kien/", dict(COMMENT, email="x"))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Comment.objects.exists()


def test_honeypot_and_rate_limit_stop_spam():
    article = make_article()
    url = f"{article.get_absolute_url()}y-kien/"
    assert reader().post(url, dict(COMMENT, website="http://spam.example")).status_code == 302
    assert not Comment.objects.exists()
    statuses = [reader().post(url, COMMENT).status_code for _ in range(7)]
    assert statuses == [302] * 5 + [429] * 2
    assert Comment.objects.count() == 5
    assert reader(ip="203.0.113.99").post(url, COMMENT).status_code == 302


def test_comments_need_csrf():
    article = make_article()
    strict = reader(enforce_csrf_checks=True)
    assert strict.post(f"{article.get_absolute_url()}y-kien/", COMMENT).status_code == 403


def test_moderators_approve_comments_in_the_admin(admin_client):
    article = make_article()
    comment = Comment.objects.create(article=article, name="B", email="b@example.vn", text="Hay")
    assert "changelist" in admin_client.get("/admin/articles/comment/").content.decode()
    response = admin_client.post(
        "/admin/articles/comment/",
        {"action": "approve", "_selected_action": [comment.pk]},
        follow=True,
    )
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.approved
    assert admin_site.is_registered(Comment)


# The article page --------------------------------------------------------------------------


def test_article_page_links_tags_shares_and_describes_itself(category):
    tag = Tag.objects.create(name="Nông thôn mới")
    article = make_article(
        "Lộc Ninh </script> & bạn",
        lead="Sapo",
        categories=[category],
        tags=[tag],
        byline="Phóng viên",
    )
    content = reader().get(article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in content
    assert '<meta property="og:title" content="Lộc Ninh &lt;/script&gt; &amp; bạn">' in content
    assert '<script type="application/ld+json">' in content
    assert '"@type": "NewsArticle"' in content
    assert "\\u003C/script\\u003E \\u0026 bạn" in content
    assert '<a class="tag" href="/tin-tuc/the/nong-thon-moi/" rel="tag">' in content
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver" in content
    assert "https://sp.zalo.me/share_to_zalo?url=" in content
    assert "mailto:?subject=" in content
    # The one script is the portal's own rating helper.
    assert re.findall(r"<script src=\"([^\"]+)\"", content) == ["/static/js/rating.js"]


def test_article_page_queries_stay_bounded(category, django_assert_max_num_queries):
    tags = [Tag.objects.create(name=f"Thẻ {n}") for n in range(6)]
    article = make_article("Lộc Ninh", categories=[category], tags=tags)
    for n in range(8):
        Comment.objects.create(
            article=article, name=f"N{n}", email="n@example.vn", text="x", approved=True
        )
        Rating.objects.create(article=article, visitor=f"v{n}", score=4)
        make_article(f"Liên quan {n}", categories=[category], tags=tags[:2])
    visitor = reader()
    visitor.get("/")  # settle the site settings cache
    # The article (its ratings' summary and whether it has comments or hand-picked related
    # articles in the same query), categories, tags, images, comments, related by tags…
    with django_assert_max_num_queries(11):
        response = visitor.get(article.get_absolute_url())
    assert "8 ý kiến" in response.content.decode()
    assert "4,0/5 · 8 lượt đánh giá" in response.content.decode()
    with django_assert_max_num_queries(1):
        visitor.get(article.get_absolute_url())  # cached, and already counted today
    with django_assert_max_num_queries(5):  # the view: select, (savepoint) insert, update
        reader(ip="203.0.113.50").get(article.get_absolute_url())  # cached, a new view


def test_an_article_without_comments_or_picks_asks_for_neither(
    category, django_assert_max_num_queries
):
    tag = Tag.objects.create(name="Nông thôn mới")
    plain = make_article("Không ý kiến", categories=[category], tags=[tag])
    picked = make_article("Bài chọn tay", categories=[category])
    make_article("Cùng thẻ", categories=[category], tags=[tag])
    visitor = reader()
    visitor.get("/")  # settle the site settings cache
    # The article, categories, tags, images, the reader's view (5), related by tags, by category
    with django_assert_max_num_queries(11) as captured:
        page = visitor.get(plain.get_absolute_url()).content.decode()
    asked = [query["sql"] for query in captured.captured_queries]
    assert "0 ý kiến" in page and "Cùng thẻ" in page
    assert not [sql for sql in asked if sql.startswith('SELECT "articles_comment"')]
    assert not [sql for sql in asked if "articles_article_related" in sql.split(" WHERE ")[0]]
    plain.related.add(picked)
    cache.clear()
    page = visitor.get(plain.get_absolute_url()).content.decode()
    assert page.index("Bài chọn tay") < page.index("Cùng thẻ")  # hand-picked first


def test_tag_page_lists_published_articles_with_pagination(django_assert_max_num_queries):
    tag = Tag.objects.create(name="Nông thôn mới")
    for n in range(12):
        make_article(f"Tin {n}", tags=[tag])
    make_article("Bản nháp", status=Article.Status.DRAFT, tags=[tag])
    with django_assert_max_num_queries(10):  # with the site-wide blocks, cold
        response = reader().get("/tin-tuc/the/nong-thon-moi/")
    content = response.content.decode()
    assert "Thẻ: Nông thôn mới" in content
    assert content.count('class="article-card"') == 10
    assert "Bản nháp" not in content
    assert (
        reader()
        .get("/tin-tuc/the/nong-thon-moi/?trang=2")
        .content.decode()
        .count('class="article-card"')
        == 3 - 1
    )
    assert reader().get("/tin-tuc/the/khong-co/").status_code == 404


def test_editors_moderate_comments_and_writers_do_not(client, publisher, writer):
    article = make_article()
    comment = Comment.objects.create(article=article, name="B", email="b@example.vn", text="Hay")
    client.force_login(writer)
    assert client.get("/admin/articles/comment/").status_code == 403
    client.force_login(publisher)
    assert "0 ý kiến" in reader().get(article.get_absolute_url()).content.decode()
    client.post("/admin/articles/comment/", {"action": "approve", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.approved
    # A bulk approval sends no signal, yet the cached article page shows the comment at once.
    assert "1 ý kiến" in reader().get(article.get_absolute_url()).content.decode()


def test_a_readers_repeated_views_cost_no_query_once_the_first_is_committed(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """A cached article page counts its reader's view; once that view is committed, the
    same reader's later views that day are answered from the cache, not the database."""
    article = make_article("Đọc nhiều lần")
    url = article.get_absolute_url()
    first = reader()
    with django_capture_on_commit_callbacks(execute=True):
        first.get(url)
    first.get(url)  # cached page, the view already known: no query at all
    with django_assert_max_num_queries(0):
        assert first.get(url).status_code == 200
    # Another reader is still counted, through the database.
    with django_capture_on_commit_callbacks(execute=True):
        reader(ip="203.0.113.9").get(url)
    article.refresh_from_db()
    assert article.view_count == 2
    assert ArticleView.objects.filter(article=article).count() == 2


def test_a_counted_view_is_then_known_in_the_process_without_asking_the_cache(
    django_capture_on_commit_callbacks, monkeypatch
):
    """Once the view is committed, the process holds its marker: the same reader's cached
    article page again asks the cache nothing about it (a Redis round trip per page)."""
    from articles import feedback

    article = make_article("Đọc lại")
    url = article.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        reader().get(url)
    asked = []
    real_get = feedback.cache.get

    def counting_get(key, *args, **kwargs):
        if str(key).startswith("articles:viewed:"):
            asked.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(feedback.cache, "get", counting_get)
    for _ in range(3):
        assert reader().get(url).status_code == 200
    assert asked == []
    # Another process (nothing held) asks the cache once, then holds the marker too.
    feedback.forget_held_views()
    reader().get(url)
    reader().get(url)
    assert len(asked) == 1
    assert ArticleView.objects.filter(article=article).count() == 1


def test_a_view_not_committed_leaves_no_marker():
    """Without a commit (the request's transaction failed) the next view goes to the database
    again, so a served view is never skipped uncounted."""
    article = make_article("Chưa lưu")
    url = article.get_absolute_url()
    first = reader()
    first.get(url)  # inside the test's transaction: on_commit never runs
    ArticleView.objects.filter(article=article).delete()
    first.get(url)
    assert ArticleView.objects.filter(article=article).count() == 1
