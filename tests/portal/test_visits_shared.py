"""Visitor statistics shared by several processes: in Redis, under concurrent load, and with
real worker processes writing to one PostgreSQL database (exact totals every time)."""

import datetime
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from portal import visits
from portal.models import DailyVisits, VisitFlushState

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
ROOT = Path(__file__).resolve().parents[2]
factory = RequestFactory()
MEMORY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def redis_available():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason=f"no Redis at {REDIS_URL}")
needs_postgresql = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
)


@pytest.fixture(autouse=True)
def _fresh_local_buffer():
    """This process's memory buffer, empty, even when the suite runs with REDIS_URL."""
    visits._local.reset()
    with override_settings(CACHES=MEMORY_CACHE):
        yield
    visits._local.reset()


@pytest.fixture
def redis_cache():
    prefix = f"test-visits-{uuid.uuid4().hex[:8]}"
    backend = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
    }
    with override_settings(CACHES={"default": backend}):
        buffer = visits.buffer()
        assert buffer.shared
        yield prefix
        buffer.reset()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


def page(ip, agent=BROWSER):
    return factory.get("/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


middleware = visits.VisitMiddleware(lambda request: HttpResponse("<p>trang</p>"))


def saved():
    row = DailyVisits.objects.filter(day=datetime.date.today()).first()
    return (row.visits, row.page_views, row.bot_visits, row.bot_page_views) if row else None


@needs_redis
@pytest.mark.django_db
def test_redis_shares_visits_between_processes_and_flushes_exactly(
    redis_cache, django_assert_num_queries
):
    with django_assert_num_queries(0):
        for ip in ("10.1.0.1", "10.1.0.2"):
            middleware(page(ip))
        middleware(page("10.1.0.9", GOOGLEBOT))
    # Another worker process: the same Redis, so the same readers are still in their visit.
    other_process = visits.RedisBuffer(visits.caches["default"])
    day = datetime.date.today()
    reader = visits.visitor_id(page("10.1.0.1"))
    assert other_process.record(reader, False, time.time(), day) is False
    stats = visits.statistics()
    assert (stats["online_people"], stats["online_bots"], stats["today"]) == (2, 1, 2)
    counts = visits.flush()
    assert counts[(day, "visits")] == 2 and counts[(day, "page_views")] == 3
    assert saved() == (2, 3, 1, 1)
    assert visits.flush() == {}  # nothing left
    middleware(page("10.1.0.3"))
    assert visits.statistics()["today"] == 3
    visits.flush()
    assert saved() == (3, 4, 1, 1)
    assert visits.statistics()["today"] == 3


@needs_redis
@pytest.mark.django_db
def test_an_interrupted_flush_is_finished_by_the_next_and_never_added_twice(redis_cache):
    for ip in ("10.2.0.1", "10.2.0.2", "10.2.0.3"):
        middleware(page(ip))

    def added_then_killed(counts, *, batch):
        visits.add_counts(counts, batch=batch)  # committed…
        raise KeyboardInterrupt  # …and the process dies before clearing Redis

    buffer = visits.buffer()
    with pytest.raises(KeyboardInterrupt):
        buffer.flush(added_then_killed)
    assert saved() == (3, 3, 0, 0)
    assert visits.statistics()["today"] == 3  # the left batch is known to be in the database
    middleware(page("10.2.0.4"))  # a reader meanwhile

    def killed_before_commit(counts, *, batch):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        buffer.flush(killed_before_commit)
    assert visits.statistics()["today"] == 4
    visits.flush()  # the left batch is recognised, then the new page added
    assert saved() == (4, 4, 0, 0)
    assert visits.statistics()["today"] == 4
    assert VisitFlushState.objects.get().last_batch


@needs_redis
@pytest.mark.django_db
def test_a_flush_waits_for_no_one_while_another_process_flushes(redis_cache):
    middleware(page("10.3.0.1"))
    buffer = visits.buffer()
    buffer.client.set(buffer.lock_key, "someone else", ex=5)
    assert visits.flush() is None
    buffer.client.delete(buffer.lock_key)
    assert visits.flush()[(datetime.date.today(), "visits")] == 1


THREADS = 8
READERS = 40  # per thread
PAGES = 3  # per reader


def load(thread):
    """One worker thread: READERS readers of its own, PAGES pages each, plus a bot."""
    try:
        for reader in range(READERS):
            for _ in range(PAGES):
                middleware(page(f"10.9.{thread}.{reader}"))
        middleware(page(f"10.9.{thread}.250", GOOGLEBOT))
        visits.flush()
    finally:
        connection.close()


def run_load():
    with override_settings(VISITS_FLUSH_SECONDS=0):  # every page tries to flush
        threads = [threading.Thread(target=load, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    visits.flush()


EXPECTED = (THREADS * READERS, THREADS * READERS * PAGES, THREADS, THREADS)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_pages_and_flushes_in_one_process_are_exact():
    run_load()
    assert saved() == EXPECTED
    stats = visits.statistics()
    assert (stats["today"], stats["total"], stats["online_people"]) == (
        EXPECTED[0],
        EXPECTED[0],
        THREADS * READERS,
    )


@needs_postgresql
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_concurrent_pages_and_flushes_through_redis_are_exact(redis_cache):
    run_load()
    assert saved() == EXPECTED
    assert visits.statistics()["today"] == EXPECTED[0]
    assert not visits.buffer().client.exists(visits.buffer().pending_key)


WORKER = """
import os, sys
import django
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from portal import visits
middleware = visits.VisitMiddleware(lambda request: HttpResponse("<p>trang</p>"))
first, count, pages = map(int, sys.argv[1:4])
for n in range(first, first + count):
    for _ in range(pages):
        middleware(RequestFactory().get("/", REMOTE_ADDR=f"10.8.{n // 200}.{n % 200}",
                                         HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0"))
print("ok")
"""


def run_workers(jobs, redis_prefix=None):
    """Start one worker process per (first reader, readers, pages); they flush at exit."""
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTEST_VERSION", "REDIS_URL", "PYTEST_CURRENT_TEST")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="1",
        DATABASE_POOL="0",
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    )
    if redis_prefix:
        env.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=redis_prefix)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, *map(str, job)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and "ok" in out, err


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_worker_processes_without_redis_each_add_their_own_counts_at_exit():
    run_workers([(0, 150, 2), (150, 100, 3)])
    assert saved() == (250, 150 * 2 + 100 * 3, 0, 0)
    run_workers([(250, 10, 1)])  # a restart: the counts go on
    assert saved() == (260, 610, 0, 0)


@needs_postgresql
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_worker_processes_with_redis_share_readers_and_survive_restarts(redis_cache):
    # Two workers serve the same 120 readers at once: one visit each, every page counted.
    run_workers([(0, 120, 2), (0, 120, 3)], redis_prefix=redis_cache)
    assert saved() == (120, 600, 0, 0)
    # Restarted workers: the readers are still within their visit; 30 new readers come.
    run_workers([(0, 150, 1)], redis_prefix=redis_cache)
    assert saved() == (150, 750, 0, 0)
    assert visits.statistics()["today"] == 150


@needs_redis
@pytest.mark.django_db
def test_a_page_counts_its_reader_and_reads_the_footer_figures_in_one_round_trip(redis_cache):
    """``record_page`` counts the reader and keeps what the footer shows in the same call to
    Redis: the figures equal those read apart, this reader and bots counted in their place."""
    middleware(page("10.3.0.1"))
    middleware(page("10.3.0.9", GOOGLEBOT))
    buffer = visits.buffer()
    calls = []
    real = buffer.client.execute_command

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    buffer.client.execute_command = counted
    try:
        request = page("10.3.0.2")
        assert visits.record_page(request) is True  # a new visit
        assert calls == ["EVALSHA"]
        bot = page("10.3.0.8", GOOGLEBOT)
        assert visits.record_page(bot) is True
    finally:
        del buffer.client.execute_command
    stats = visits.statistics(snapshot=request.visits_snapshot)
    assert (stats["online_people"], stats["online_bots"], stats["today"]) == (2, 1, 2)
    with_bot = visits.statistics(snapshot=bot.visits_snapshot)
    assert with_bot == visits.statistics()  # as read apart
    assert (with_bot["online_people"], with_bot["online_bots"], with_bot["today"]) == (2, 2, 2)
    visits.flush()  # the counts now in the database, the footer the same
    assert visits.statistics()["today"] == 2


class Calls:
    """The Redis commands a buffer's client sends, by name."""

    def __init__(self, buffer):
        self.buffer, self.names = buffer, []
        self.real = buffer.client.execute_command

    def __enter__(self):
        def counted(*args, **kwargs):
            self.names.append(args[0])
            return self.real(*args, **kwargs)

        self.buffer.client.execute_command = counted
        return self.names

    def __exit__(self, *exc):
        del self.buffer.client.execute_command


@pytest.fixture
def outbox(monkeypatch, settings):
    """Pages held in the process (as in production), sent only when the test says."""
    settings.VISITS_BATCH_SECONDS = 0.1
    box = visits.Outbox()
    monkeypatch.setattr(box, "_start", lambda: None)  # no thread of its own
    monkeypatch.setattr(visits, "_outbox", box)
    return box


@needs_redis
@pytest.mark.django_db
def test_held_pages_cost_no_round_trip_and_reach_redis_together(redis_cache, outbox):
    buffer = visits.buffer()
    with Calls(buffer) as calls:
        first = page("10.4.0.1")
        middleware(first)  # nothing recent to show: sent at once, with its own figures
        assert calls == ["EVALSHA"]
        assert visits.statistics(snapshot=first.visits_snapshot)["today"] == 1
        for ip, agent in [
            ("10.4.0.1", BROWSER),
            ("10.4.0.2", BROWSER),
            ("10.4.0.2", BROWSER),
            ("10.4.0.9", GOOGLEBOT),
            ("10.4.0.3", BROWSER),
        ]:
            request = page(ip, agent)
            middleware(request)
            # the footer shows the figures of the last answer, without asking again
            assert request.visits_snapshot == first.visits_snapshot
        assert calls == ["EVALSHA"]
        assert outbox.waiting() == 5
        outbox.send(buffer)
        assert calls == ["EVALSHA", "EVALSHA"] and outbox.waiting() == 0
    stats = visits.statistics()
    assert (stats["online_people"], stats["online_bots"], stats["today"]) == (3, 1, 3)
    visits.flush()
    assert saved() == (3, 5, 1, 1)  # five pages of people, one of a robot
    # A reader whose visit goes on is not a new visit, from this process or another.
    middleware(page("10.4.0.2"))
    outbox.send(buffer)
    visits.flush()
    assert saved() == (3, 6, 1, 1)


@needs_redis
@pytest.mark.django_db
def test_pages_held_while_redis_is_away_are_sent_once_when_it_answers(
    redis_cache, outbox, monkeypatch, caplog
):
    buffer = visits.buffer()
    real = buffer.record_many
    answers = []

    def flaky(readers, page_views, now):
        if len(answers) == 2:  # the second call of a send fails: the first one's readers stay
            answers.append("failed")
            raise redis.ConnectionError("Redis is away")
        answers.append(len(readers))
        return real(readers, page_views, now)

    monkeypatch.setattr(buffer, "record_many", flaky)
    monkeypatch.setattr(visits, "MANY_READERS", 2)
    for n in range(5):
        middleware(page(f"10.5.0.{n}"))  # the first is sent at once, alone
    assert answers == [1] and outbox.waiting() == 4
    assert outbox.try_send(buffer) is None  # two readers sent, then Redis fails
    assert answers == [1, 2, "failed"] and outbox.waiting() == 4  # the pages go last
    assert "Redis did not answer; 4 pages held in the process" in caplog.text
    middleware(page("10.5.0.4"))  # a page meanwhile: counted, not sent (Redis rests)
    assert outbox.waiting() == 5
    assert outbox.try_send(buffer) is None and answers == [1, 2, "failed"]
    outbox.retry_after = 0  # Redis is back
    outbox.send(buffer)
    assert answers == [1, 2, "failed", 2] and outbox.waiting() == 0
    visits.flush()
    assert saved() == (5, 6, 0, 0)  # every page once, every reader one visit


@needs_redis
@pytest.mark.django_db
def test_a_process_sends_what_it_holds_before_its_last_flush(redis_cache, outbox):
    middleware(page("10.6.0.1"))
    middleware(page("10.6.0.2"))
    middleware(page("10.6.0.2"))
    assert outbox.waiting() == 2
    visits.flush_at_exit()  # what atexit runs when a worker stops
    assert outbox.waiting() == 0
    assert saved() == (2, 3, 0, 0)


@needs_redis
@pytest.mark.django_db
def test_the_process_sends_what_it_holds_within_the_batch_interval(
    redis_cache, settings, monkeypatch
):
    settings.VISITS_BATCH_SECONDS = 0.05
    box = visits.Outbox()  # with its thread
    monkeypatch.setattr(visits, "_outbox", box)
    for _ in range(3):
        middleware(page("10.7.0.1"))
    buffer = visits.buffer()
    deadline = time.monotonic() + 5
    while box.waiting() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert box.waiting() == 0 and box.thread.is_alive()
    pending = buffer.client.hgetall(buffer.pending_key)
    assert visits._parse(pending)[(visits.local_day(time.time()), "page_views")] == 3


@needs_postgresql
@needs_redis
@pytest.mark.django_db(transaction=True)
def test_concurrent_pages_held_and_sent_in_batches_through_redis_are_exact(
    redis_cache, settings, monkeypatch
):
    settings.VISITS_BATCH_SECONDS = 0.005  # many sends while the threads count
    box = visits.Outbox()
    monkeypatch.setattr(visits, "_outbox", box)
    run_load()
    box.send(visits.buffer())
    visits.flush()
    assert saved() == EXPECTED
    assert visits.statistics()["today"] == EXPECTED[0]
