"""Visitor statistics counted in this process's memory (no Redis): counting, flushing, display."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import reverse

from portal import admin_visits, fragments, visits
from portal.models import DailyVisits

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
factory = RequestFactory()
MEMORY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _fresh_buffer():
    """This process's memory buffer, empty, even when the suite runs with REDIS_URL."""
    visits._local.reset()
    with override_settings(CACHES=MEMORY_CACHE):
        yield
    visits._local.reset()


def page(path="/", ip="10.0.0.1", agent=BROWSER, **extra):
    return factory.get(path, REMOTE_ADDR=ip, HTTP_USER_AGENT=agent, **extra)


def serve(request, response=None):
    middleware = visits.VisitMiddleware(lambda r: response or HttpResponse("<p>trang</p>"))
    return middleware(request)


def writes(captured):
    statements = (query["sql"].split()[0].upper() for query in captured.captured_queries)
    return [verb for verb in statements if verb in ("INSERT", "UPDATE", "DELETE")]


def saved(day=None):
    row = DailyVisits.objects.filter(day=day or datetime.date.today()).first()
    if row is None:
        return (0, 0, 0, 0)
    return (row.visits, row.page_views, row.bot_visits, row.bot_page_views)


def test_a_visit_is_the_first_page_after_thirty_minutes_away_and_bots_are_apart():
    buffer = visits._local
    day = datetime.date(2026, 11, 28)
    start = 1_000_000.0
    assert buffer.record("reader", False, start, day) is True
    assert buffer.record("reader", False, start + 60, day) is False
    # 29 minutes after the last page: the same visit; 30 minutes after: a new one.
    assert buffer.record("reader", False, start + 60 + 29 * 60, day) is False
    assert buffer.record("reader", False, start + 60 + 29 * 60 + 30 * 60, day) is True
    assert buffer.record("crawler", True, start, day) is True
    assert buffer.pending == {
        (day, "visits"): 2,
        (day, "page_views"): 4,
        (day, "bot_visits"): 1,
        (day, "bot_page_views"): 1,
    }


@pytest.mark.django_db
def test_pages_are_counted_without_a_query_and_flushed_in_one_write(
    django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_num_queries(0):
        for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            serve(page(ip=ip))
            serve(page(ip=ip))
        serve(page(agent=GOOGLEBOT))
        serve(page(agent=""))  # no user agent at all: a script, not a reader
    assert saved() == (0, 0, 0, 0)
    # A new day: an UPDATE that finds no row, then the INSERT; then one UPDATE a flush.
    with django_assert_max_num_queries(6) as flushed:
        visits.flush()
    assert writes(flushed) == ["UPDATE", "INSERT"]
    assert saved() == (3, 6, 2, 2)
    serve(page(ip="10.0.0.4"))
    serve(page(ip="10.0.0.1"))  # still in its visit
    with django_assert_max_num_queries(3) as flushed:
        visits.flush()
    assert writes(flushed) == ["UPDATE"]
    assert saved() == (4, 8, 2, 2)
    with django_assert_num_queries(0):  # nothing new: no transaction at all
        visits.flush()


@pytest.mark.django_db
def test_only_html_pages_are_counted():
    serve(page("/static/css/portal.css"))
    serve(page("/media/links/a.png"))
    serve(page("/admin/jsi18n/"))
    serve(page("/healthz"))
    serve(page("/rss/"), JsonResponse({"a": 1}))
    serve(page("/khong-co/"), HttpResponse("<p>404</p>", status=404))
    serve(factory.post("/", REMOTE_ADDR="10.0.0.9", HTTP_USER_AGENT=BROWSER))
    assert visits._local.pending == {}
    serve(page("/tin-tuc/"), HttpResponseNotModified())  # the browser shows its copy again
    serve(page("/tin-tuc/"))
    visits.flush()
    assert saved() == (1, 2, 0, 0)


@pytest.mark.django_db
def test_a_failed_flush_loses_nothing(monkeypatch):
    serve(page(ip="10.0.0.1"))
    serve(page(ip="10.0.0.2"))

    def broken(counts, *, batch=None):
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        visits._local.flush(broken)
    assert visits.statistics()["today"] == 2  # still shown from the buffer
    serve(page(ip="10.0.0.3"))
    visits.flush()
    assert saved() == (3, 3, 0, 0)
    assert visits._local.pending == {}


@pytest.mark.django_db
def test_a_restart_continues_the_counts():
    for ip in ("10.0.0.1", "10.0.0.2"):
        serve(page(ip=ip))
    visits.flush_at_exit()  # what atexit runs when the process stops
    visits._local.reset()  # the new process starts with an empty buffer
    serve(page(ip="10.0.0.3"))
    stats = visits.statistics()
    assert (stats["today"], stats["month"], stats["total"]) == (3, 3, 3)
    call_command("flush_visits", stdout=(out := __import__("io").StringIO()))
    assert "1 visits" in out.getvalue()
    assert saved() == (3, 3, 0, 0)


@pytest.mark.django_db
def test_days_are_kept_and_summed_by_day_month_and_total(django_assert_max_num_queries):
    today = datetime.date.today()
    DailyVisits.objects.create(day=datetime.date(2020, 1, 5), visits=1_000_000, page_views=1)
    DailyVisits.objects.create(day=today.replace(day=1) - datetime.timedelta(days=1), visits=20)
    if today.day > 1:
        DailyVisits.objects.create(day=today.replace(day=1), visits=300)
    serve(page(ip="10.0.0.1"))
    serve(page(ip="10.0.0.2", agent=GOOGLEBOT))
    with django_assert_max_num_queries(1):
        stats = visits.statistics()
    month = 301 if today.day > 1 else 1
    assert stats == {
        "online": 2,
        "online_people": 1,
        "online_bots": 1,
        "today": 1,
        "month": month,
        "total": 1_000_020 + month,
    }
    with django_assert_max_num_queries(0):  # the summary of the database is cached
        visits.statistics()
    visits.flush()
    assert visits.statistics()["total"] == 1_000_020 + month
    assert DailyVisits.objects.count() == (4 if today.day > 1 else 3)


def test_online_means_seen_in_the_last_five_minutes():
    buffer = visits._local
    day = datetime.date(2026, 11, 28)
    now = time.time()
    buffer.record("a", False, now - 6 * 60, day)
    buffer.record("b", False, now - 4 * 60, day)
    buffer.record("c", False, now, day)
    buffer.record("bot", True, now - 60, day)
    *_counts, people, bots = buffer.snapshot(now)
    assert (people, bots) == (2, 1)


@pytest.mark.django_db
def test_the_fragment_shows_the_figures_in_vietnamese_on_every_page(django_assert_num_queries):
    DailyVisits.objects.create(day=datetime.date(2020, 1, 5), visits=1_234_566)
    template = Template('{% load live %}<footer>{% live "visitor-stats" %}</footer>')
    html = template.render(Context())
    stack = fragments.LiveFragmentMiddleware(
        visits.VisitMiddleware(lambda request: HttpResponse(html))
    )
    for n in range(9):
        stack(page(ip=f"10.0.1.{n}"))
    for agent in (GOOGLEBOT, "Mozilla/5.0 (compatible; bingbot/2.0)"):
        stack(page(agent=agent))
    request = page(ip="10.0.1.99")
    request.LANGUAGE_CODE = "vi"
    body = stack(request).content.decode()
    assert '<section class="visitor-stats" aria-labelledby="visitor-stats-title">' in body
    assert "<dt>Đang trực tuyến</dt><dd>12 (khách: 10, máy tìm kiếm: 2)</dd>" in body
    assert "<dt>Hôm nay</dt><dd>10</dd>" in body
    assert "<dt>Tổng</dt><dd>1.234.576</dd>" in body
    with django_assert_num_queries(0):  # a cached page stays without a query
        stack(page(ip="10.0.1.1"))


@pytest.mark.django_db
def test_cached_public_pages_are_counted(client, site_settings):
    for _ in range(3):
        response = client.get("/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.2.1")
        assert response.status_code == 200
    client.get("/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.2.2")
    visits.flush()
    assert saved() == (2, 4, 0, 0)


@pytest.mark.django_db
def test_staff_read_the_days_under_a_chart(admin_client, django_assert_max_num_queries):
    today = datetime.date.today()
    DailyVisits.objects.create(day=today - datetime.timedelta(days=2), visits=1500, page_views=4)
    DailyVisits.objects.create(day=today, visits=40, bot_visits=7, bot_page_views=9)
    url = reverse("admin:portal_dailyvisits_changelist")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url, HTTP_USER_AGENT=BROWSER)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in body and "<rect" in body
    assert body.count("<rect") == admin_visits.CHART_DAYS
    busiest = (today - datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    assert f"{busiest}: 1.500" in body
    assert "1.540 lượt truy cập" in body  # the chart's description
    assert "7 / 9" in body  # search engines: visits / pages
    assert reverse("admin:portal_dailyvisits_add") not in body  # nobody adds or edits a day
    assert admin_client.get(reverse("admin:portal_dailyvisits_add")).status_code == 403


def test_the_chart_scales_its_bars_to_the_busiest_day(db):
    today = datetime.date(2026, 11, 28)
    DailyVisits.objects.create(day=today, visits=100)
    DailyVisits.objects.create(day=today - datetime.timedelta(days=1), visits=50)
    chart = admin_visits.daily_chart(today, days=3)
    heights = [bar["height"] for bar in chart["bars"]]
    assert heights[0] == 0 and heights[2] == 2 * heights[1] > 0
    assert chart["total"] == 150 and chart["busiest"].day == today


def test_the_page_is_served_without_the_block_when_the_figures_cannot_be_read(monkeypatch):
    def away(now=None):
        raise ConnectionError("Redis away")

    monkeypatch.setattr(visits, "statistics", away)
    assert visits.visitor_stats_fragment(page()) == ""


@pytest.mark.django_db
def test_counts_across_midnight_go_to_their_own_days_and_a_batch_is_added_once():
    before, after = datetime.date(2026, 11, 30), datetime.date(2026, 12, 1)
    DailyVisits.objects.create(day=before, visits=10, page_views=30)
    counts = {(before, "visits"): 2, (before, "page_views"): 5, (after, "bot_visits"): 1}
    visits.add_counts(counts, batch="lot-1")
    visits.add_counts(counts, batch="lot-1")  # the same batch again: already in
    visits.add_counts(counts)  # the memory buffer has no batches: always added
    assert saved(before) == (14, 40, 0, 0)
    assert saved(after) == (0, 0, 2, 0)
    assert DailyVisits.objects.totals(after) == {"today": 0, "month": 0, "total": 14}
