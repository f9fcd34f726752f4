"""Anonymous public pages: no cookie, cached until their content changes, 304 when unchanged."""

import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles.models import Article, ArticleImage, Tag
from portal import pagecache

from .conftest import image_upload, make_article

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def reader(**kwargs):
    return Client(HTTP_USER_AGENT=BROWSER, **kwargs)


@pytest.fixture
def article(category):
    tag = Tag.objects.create(name="Nông thôn mới")
    return make_article("Lộc Ninh về đích", categories=[category], tags=[tag], lead="Sapo")


def without_live(content):
    return re.sub(rb'<section class="visitor-stats".*?</section>', b"", content, flags=re.S)


def public_urls(article, category):
    return [
        "/",
        "/tin-tuc/",
        category.get_absolute_url(),
        "/tin-tuc/the/nong-thon-moi/",
        article.get_absolute_url(),
        "/tim-kiem/?q=loc+ninh",
        "/don-vi-hanh-chinh/",
    ]


def test_anonymous_pages_set_no_cookie_and_are_served_from_the_cache(
    article, category, django_assert_max_num_queries
):
    for url in public_urls(article, category):
        first = reader().get(url)
        assert first.status_code == 200, url
        assert not first.cookies, url
        assert first["Cache-Control"] == "max-age=0, must-revalidate", url
        assert first.has_header("ETag") and first.has_header("Last-Modified"), url
        assert "Cookie" in first["Vary"], url
        limit = 5 if url == article.get_absolute_url() else 0  # a cached article counts a view
        with django_assert_max_num_queries(limit):
            again = reader(REMOTE_ADDR="198.51.100.2").get(url)
        # The same page, but for its live fragments (the visitor statistics in the footer).
        assert without_live(again.content) == without_live(first.content), url
        assert again["ETag"] == first["ETag"], url
        assert not again.cookies, url


def test_conditional_get_answers_304_until_the_content_changes(article, category):
    url = article.get_absolute_url()
    first = reader().get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert reader().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert reader().get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert reader().get(url, HTTP_IF_NONE_MATCH='"another"').status_code == 200
    for page in ["/", category.get_absolute_url()]:
        response = reader().get(page)
        assert reader().get(page, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    article.title = "Lộc Ninh về đích sớm"
    article.save()
    changed = reader().get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Lộc Ninh về đích sớm" in changed.content.decode()
    assert "Lộc Ninh về đích sớm" in reader().get("/").content.decode()
    assert "Lộc Ninh về đích sớm" in reader().get(category.get_absolute_url()).content.decode()


def test_a_304_still_counts_the_readers_view(article):
    url = article.get_absolute_url()
    etag = reader(REMOTE_ADDR="198.51.100.1").get(url)["ETag"]
    assert reader(REMOTE_ADDR="198.51.100.3").get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    article.refresh_from_db()
    assert article.view_count == 2


@pytest.mark.parametrize(
    "change",
    [
        "unpublish",
        "new_article",
        "tag_removed",
        "image_added",
        "category_renamed",
    ],
)
def test_every_change_readers_could_see_reaches_the_cached_pages(article, category, change):
    urls = public_urls(article, category)
    before = {url: reader().get(url).content for url in urls}
    if change == "unpublish":
        article.status = Article.Status.UNPUBLISHED
        article.save()
    elif change == "new_article":
        make_article("Tin mới nhất", categories=[category])
    elif change == "tag_removed":
        article.tags.clear()
    elif change == "image_added":
        ArticleImage.objects.create(article=article, image=image_upload(), caption="Ảnh mới")
    elif change == "category_renamed":
        category.name = "Tin tức mới"
        category.save()
    changed = {url for url in urls if reader().get(url).content != before[url]}
    detail, tag_page = article.get_absolute_url(), "/tin-tuc/the/nong-thon-moi/"
    must_change = {
        "unpublish": {detail, "/", "/tin-tuc/", category.get_absolute_url(), tag_page},
        "new_article": {"/", "/tin-tuc/", category.get_absolute_url()},
        "tag_removed": {detail, tag_page},
        "image_added": {detail},
        "category_renamed": {detail, "/", category.get_absolute_url()},
    }[change]
    assert must_change <= changed


def test_staff_and_readers_with_a_session_are_never_served_the_cache(client, article, publisher):
    draft = make_article("Bản nháp riêng", status=Article.Status.DRAFT)
    assert reader().get(draft.get_absolute_url()).status_code == 404
    client.force_login(publisher)
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "no-cache" in preview["Cache-Control"]
    # The reader still gets a 404, not the publisher's preview.
    assert reader().get(draft.get_absolute_url()).status_code == 404
    assert "Bản nháp riêng" not in reader().get("/tin-tuc/").content.decode()


def test_each_language_has_its_own_cached_page(article):
    assert "Tin tức" in reader().get("/tin-tuc/").content.decode()
    english = reader()
    english.cookies["django_language"] = "en"
    assert ">News<" in english.get("/tin-tuc/").content.decode()
    assert "Tin tức" in reader().get("/tin-tuc/").content.decode()


def test_a_scheduled_article_appears_at_its_time_though_pages_are_cached(category):
    make_article("Tin đã đăng", categories=[category])
    due = timezone.now() + timedelta(seconds=2)
    make_article("Tin hẹn giờ", publish_at=due, categories=[category])
    assert "Tin hẹn giờ" not in reader().get("/").content.decode()
    assert "Tin hẹn giờ" not in reader().get(category.get_absolute_url()).content.decode()
    time.sleep(max((due - timezone.now()).total_seconds(), 0) + 1.1)
    assert "Tin hẹn giờ" in reader().get("/").content.decode()
    assert "Tin hẹn giờ" in reader().get(category.get_absolute_url()).content.decode()


def test_a_page_rendered_before_a_change_commits_is_not_served_after_it(
    article, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """A reader's request may render the old content while an editor's save is still in its
    transaction; that page must not outlive the commit."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.title = "Tên mới"
        article.save()
        reader().get("/")  # rendered and cached inside the editor's transaction
        with django_assert_max_num_queries(0):
            reader().get("/")
    assert callbacks  # the commit bumps the generation once more
    with pytest.raises(pytest.fail.Exception), django_assert_max_num_queries(0):
        reader().get("/")  # rendered again


def test_a_process_holds_the_generation_a_second_and_forgets_it_on_its_own_bump(monkeypatch):
    """With Redis, the generation read is kept in the process for a second: a cached page
    then costs one round trip. Another process's bump shows a second later at most; this
    process's own at once."""
    monkeypatch.setattr(pagecache, "_holds", lambda: True)
    monkeypatch.setitem(pagecache._held, "value", None)
    first = pagecache.generation()
    cache.incr(pagecache.GENERATION_KEY)  # another process's bump
    assert pagecache.generation() == first  # held
    monkeypatch.setitem(pagecache._held, "until", time.monotonic() - 0.001)  # a second later
    assert pagecache.generation() == first + 1
    pagecache.bump()  # this process's own change
    assert pagecache.generation() == first + 2


def test_a_cached_page_is_answered_above_the_session_and_the_url_resolver(
    monkeypatch, article, django_assert_max_num_queries
):
    """CachedPageMiddleware answers a hit before the sessions, the URLs and the view, yet the
    answer has every header of a rendered page, and the article still counts the view."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.urls.resolvers import URLResolver

    from articles.models import ArticleView

    url = article.get_absolute_url()
    rendered = reader().get(url)
    assert rendered.status_code == 200

    def refuse(*args, **kwargs):
        raise AssertionError("a cached page went past CachedPageMiddleware")

    monkeypatch.setattr(SessionMiddleware, "process_request", refuse)
    monkeypatch.setattr(URLResolver, "resolve", refuse)
    with django_assert_max_num_queries(5):  # the reader's view of the day, counted
        hit = reader(REMOTE_ADDR="198.51.100.7").get(url)
    assert hit.status_code == 200
    assert without_live(hit.content) == without_live(rendered.content)
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "ETag",
    ):
        assert hit[header] == rendered[header], header
    assert hit["X-Request-Id"] != rendered["X-Request-Id"]  # the request log's, its own
    assert hit["Content-Language"] == "vi"
    assert "Cookie" in hit["Vary"]
    assert ArticleView.objects.filter(article=article).count() == 2
    # An address not in ALLOWED_HOSTS is refused there too, not served the page.
    assert reader().get(url, HTTP_HOST="evil.example").status_code == 400


def test_a_page_held_in_the_process_costs_no_round_trip(monkeypatch, article):
    """With Redis, a page read once is held in the process: served again without asking the
    cache, and never past a change (the generation) or its entry's own end."""
    monkeypatch.setattr(pagecache, "_holds", lambda: True)
    reads = []
    real_get = pagecache.cache.get

    def get(key, *args, **kwargs):
        if key.startswith("pages:") and ":next-change" not in key:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(pagecache.cache, "get", get)
    url = "/tin-tuc/"
    assert reader().get(url).status_code == 200  # rendered, stored
    reader().get(url)  # read from the cache, then held
    reads.clear()
    for _ in range(3):
        assert reader().get(url).status_code == 200
    assert reads == []
    article.title = "Lộc Ninh về đích sớm"
    article.save()  # bumps the generation: a new key, read from the cache and rendered
    changed = reader().get(url)
    assert "Lộc Ninh về đích sớm" in changed.content.decode()
    assert reads
    # An entry past its end is not served from the process either.
    for entry in pagecache._pages.values():
        entry["expires"] = time.time() - 1
    reads.clear()
    reader().get(url)
    assert reads


@pytest.fixture
def connections_kept():
    """As Django's test client does: the test's transaction is open, and closing the connection
    at a request's start or end (PostgreSQL), as a raw WSGI call and the replay's hook do, would
    throw it away."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_a_page_served_from_the_cache_is_served_again_in_front_of_django(article, connections_kept):
    """portal.replay: the same request again is answered without Django's request cycle, with
    the same bytes and headers, the reader still counted and the article's view too; anything
    else (a session, a conditional GET, another generation) goes to Django."""
    import io
    import sys

    from django.core.handlers.wsgi import WSGIHandler

    from articles.models import ArticleView
    from portal import visits
    from portal.replay import CachedPageFront

    calls = []
    django_app = WSGIHandler()

    def counted(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return django_app(environ, start_response)

    front = CachedPageFront(counted)
    url = article.get_absolute_url()

    def get(ip="198.51.100.20", **extra):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": url,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": ip,
            "HTTP_USER_AGENT": BROWSER,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            **extra,
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, dict(headers)

        body = b"".join(front(environ, start_response))
        return answer["status"], answer["headers"], body

    get()  # rendered
    status, learned_headers, learned_body = get()  # from the cache, through Django: learned
    assert len(calls) == 2 and status.startswith("200")
    views_before = ArticleView.objects.filter(article=article).count()
    pages_before = visits.statistics()["today"]
    status, headers, body = get(ip="198.51.100.21")
    assert len(calls) == 2  # not through Django
    assert status == "200 OK"
    assert without_live(body) == without_live(learned_body)
    for name in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Content-Type", "Vary"):
        assert headers[name] == learned_headers[name], name
    assert headers["X-Request-ID"] != learned_headers["X-Request-ID"]
    assert int(headers["Content-Length"]) == len(body)
    assert ArticleView.objects.filter(article=article).count() == views_before + 1
    assert visits.statistics()["today"] == pages_before + 1  # a new reader, a new visit
    # Not replayed: a session, a conditional GET, a HEAD; then a change of content.
    get(HTTP_COOKIE="sessionid=abc")
    get(HTTP_IF_NONE_MATCH=headers["ETag"])
    get(REQUEST_METHOD="HEAD")
    assert len(calls) == 5
    article.title = "Lộc Ninh đổi tên"
    article.save()
    status, headers, body = get()
    assert len(calls) == 6 and "Lộc Ninh đổi tên".encode() in body
