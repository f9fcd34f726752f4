"""The database away: readers and staff get a Vietnamese 503 page at once, logged once, and the
connection pool is set to reconnect at once when the database answers again."""

import logging

import pytest
from django.conf import settings as django_settings
from django.db import InterfaceError, OperationalError, connection
from django.db.backends.signals import connection_created
from django.test import override_settings
from django.urls import path

from portal import unavailable
from portal.urls import urlpatterns as portal_urlpatterns

pytestmark = pytest.mark.django_db


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def connection_lost(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise RuntimeError("boom")


def failing_middleware(get_response):
    """A middleware whose database read fails (as sessions or two-factor checks would)."""

    def middleware(request):
        if request.path == "/tu-trung-gian/":
            raise OperationalError("the database system is shutting down")
        return get_response(request)

    return middleware


urlpatterns = [
    path("csdl-tam-dung/", database_down),
    path("mat-ket-noi/", connection_lost),
    path("hong/", broken),
    *portal_urlpatterns,
]
handler500 = "portal.unavailable.server_error"

URLS = override_settings(ROOT_URLCONF=__name__)


@pytest.fixture(autouse=True)
def _fresh_outage(monkeypatch):
    """A fresh outage state, and the pool's waiting as it was: a trip shortens it on this
    process's real pool, which later tests share (40 readers at once would get the 503 page)."""
    monkeypatch.setattr(unavailable, "outage", unavailable.Outage())
    pool = unavailable._pool()
    timeout = pool.timeout if pool is not None else None
    yield
    pool = unavailable._pool()  # perhaps a new one
    if pool is not None and timeout is not None:
        pool.timeout = timeout


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Cổng thông tin tạm thời gián đoạn" in html
    assert "chưa được lưu" in html


@URLS
@pytest.mark.parametrize("url", ["/csdl-tam-dung/", "/mat-ket-noi/"])
def test_a_view_that_cannot_reach_the_database_gets_the_503_page(client, url):
    assert_unavailable_page(client.get(url))
    assert unavailable.outage.down


@URLS
def test_a_middleware_that_cannot_reach_the_database_gets_the_503_page(client):
    # override_settings, not pytest-django's settings fixture: mixed with URLS, the fixture
    # would restore this test's URLconf after it.
    with override_settings(
        MIDDLEWARE=[*django_settings.MIDDLEWARE, f"{__name__}.failing_middleware"]
    ):
        client.raise_request_exception = False
        assert_unavailable_page(client.get("/tu-trung-gian/"))


@URLS
def test_the_outage_is_logged_once_not_per_request(client, caplog):
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            client.get("/csdl-tam-dung/")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["portal.unavailable"]
    assert "503" in errors[0].getMessage()


@URLS
def test_other_errors_keep_the_500_page(client):
    client.raise_request_exception = False
    response = client.get("/hong/")
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()
    assert not unavailable.outage.down


class FakePool:
    def __init__(self, available):
        self.timeout = 10
        self.available = available

    def get_stats(self):
        return {"pool_available": self.available}


def test_the_pool_waits_briefly_during_an_outage_and_normally_after(monkeypatch):
    pool = FakePool(available=0)
    monkeypatch.setattr(unavailable, "_pool", lambda: pool)
    outage = unavailable.Outage()
    outage.trip(OperationalError("down"))
    assert pool.timeout == unavailable.FAST_TIMEOUT
    outage.recovered()
    assert pool.timeout == 10
    assert not outage.down


def test_a_pool_with_no_connection_after_the_hold_is_replaced(monkeypatch):
    pools = [FakePool(available=0), FakePool(available=0)]
    monkeypatch.setattr(unavailable, "_pool", lambda: pools[0])
    closed = []

    def close_pool():
        closed.append(pools.pop(0))

    monkeypatch.setattr(unavailable.connections["default"], "close_pool", close_pool, raising=False)
    outage = unavailable.Outage()
    outage.trip(OperationalError("down"))
    outage.before_request()
    assert closed == []  # still within the hold: the old pool is kept
    outage.until = 0
    outage.before_request()
    assert len(closed) == 1
    assert pools[0].timeout == unavailable.FAST_TIMEOUT  # the new pool fails fast too


def test_a_pool_with_a_connection_ready_is_kept(monkeypatch):
    pool = FakePool(available=1)
    monkeypatch.setattr(unavailable, "_pool", lambda: pool)
    monkeypatch.setattr(
        unavailable.connections["default"],
        "close_pool",
        lambda: pytest.fail("the pool was replaced"),
        raising=False,
    )
    outage = unavailable.Outage()
    outage.trip(OperationalError("down"))
    outage.until = 0
    outage.before_request()


def test_a_new_connection_ends_the_outage(monkeypatch):
    outage = unavailable.Outage()
    monkeypatch.setattr(unavailable, "outage", outage)
    outage.trip(OperationalError("down"))
    # What Django sends whenever it gets a connection (from the pool, or a new one).
    connection_created.send(sender=type(connection), connection=connection)
    assert not outage.down
