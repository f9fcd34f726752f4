"""Redis away (stopped, restarting, unreachable): readers and staff are still served, quickly,
and nothing written meanwhile comes back stale when Redis returns."""

import os
import socket
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from portal import cache as tolerant
from tests.articles.conftest import make_article

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def redis_available():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason=f"no Redis at {REDIS_URL}")


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens there once the socket is closed


def use_redis(settings, url):
    prefix = f"test-outage-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return prefix


@pytest.fixture(autouse=True)
def _fresh_outages():
    tolerant.reset_outages()
    yield
    tolerant.reset_outages()


@pytest.fixture
def redis_away(settings):
    use_redis(settings, f"redis://127.0.0.1:{closed_port()}/0")


@pytest.fixture
def real_redis(settings):
    prefix = use_redis(settings, REDIS_URL)
    yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def outage():
    return cache._cache._get_connection_pool(write=True).outage


def test_the_cache_answers_as_empty_while_redis_is_away(redis_away):
    assert cache.get("key", "default") == "default"
    cache.set("key", 1)
    assert cache.add("key", 1) is False
    with pytest.raises(ValueError):
        cache.incr("key")
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("key") is False and cache.has_key("key") is False
    assert cache.get_or_set("key", lambda: "computed") == "computed"
    assert outage().is_away()


def test_readers_and_staff_are_served_and_redis_is_tried_once_per_pause(
    client, admin_user, site_settings, redis_away, monkeypatch
):
    article = make_article(title="Lễ hội", lead="Tin", body="<p>Bài</p>")
    attempts = []
    connect = redis.connection.AbstractConnection.connect
    monkeypatch.setattr(
        redis.connection.AbstractConnection,
        "connect",
        lambda self: attempts.append(1) or connect(self),
    )
    reader = {"HTTP_USER_AGENT": "Mozilla/5.0 Firefox/128.0"}
    started = time.monotonic()
    for path in ["/", article.get_absolute_url(), "/tim-kiem/?q=lễ hội", "/", "/tin-tuc/"]:
        response = client.get(path, **reader)
        assert response.status_code == 200, path
    assert "Lễ hội" in client.get("/tin-tuc/", **reader).content.decode()
    client.force_login(admin_user)  # the session is in the database
    assert client.get(reverse("admin:index")).status_code == 200
    assert len(attempts) <= 2  # the first failure opened the breaker: no more waiting
    assert time.monotonic() - started < 10


@needs_redis
def test_a_logout_while_redis_is_away_stays_a_logout_when_it_returns(
    client, admin_user, real_redis
):
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200  # cached in Redis now
    stolen = client.cookies["sessionid"].value
    outage().until = time.monotonic() + 60  # Redis away
    assert client.post(reverse("admin:logout")).status_code == 200
    outage().until = 0  # Redis is back, with the signed-in session still in it
    client.cookies["sessionid"] = stolen
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


@needs_redis
def test_a_publication_while_redis_is_away_shows_once_it_returns(client, site_settings, real_redis):
    make_article(title="Tin thứ nhất")
    assert "Tin thứ nhất" in client.get("/tin-tuc/").content.decode()  # cached in Redis
    outage().until = time.monotonic() + 60
    make_article(title="Tin thứ hai")  # bumps the pages' generation: the write is lost
    outage().until = 0
    assert "Tin thứ hai" in client.get("/tin-tuc/").content.decode()


@needs_redis
def test_the_pause_ends_while_pages_keep_asking(real_redis, monkeypatch):
    """A busy process asks the cache every few milliseconds: the refusals of the pause must not
    prolong it, or Redis, back after a restart, would never be tried again (the soak lost the
    visitor counts its workers held, refused until they exited)."""
    monkeypatch.setattr(tolerant, "PAUSE_SECONDS", 0.3)
    outage().trip(redis.ConnectionError("Redis restarted"))
    started = time.monotonic()
    answered = None
    while answered is None and time.monotonic() - started < 2:
        if cache.get("asked all along") == 1:  # written once Redis is tried again
            answered = time.monotonic() - started
        cache.set("asked all along", 1)
        time.sleep(0.01)
    assert answered is not None and answered < 1


@needs_redis
def test_a_process_at_exit_tries_redis_again_with_the_pages_it_holds(real_redis, settings):
    from portal import visits

    settings.VISITS_BATCH_SECONDS = 60  # held in the process, not yet sent
    visits.buffer().reset()
    visits._outbox.count("reader", False, time.time(), visits.local_day(time.time()))
    outage().trip(redis.ConnectionError("Redis restarted a moment ago"))
    visits.flush_at_exit()
    assert visits._outbox.waiting() == 0
    assert sum(visits.statistics().values()) > 0
