"""Django's Redis cache, made tolerant: while Redis is away, reads miss and writes are skipped.

Readers must keep being served when Redis stops (a restart, a failover): every page works
without the cache, only slower. Django's ``RedisCache`` raises on a connection error, and each
call would wait for its own timeout; here:

* ``CircuitBreakerPool`` (the connection pool of the cache, and of every other user of its
  client, such as ``portal.visits``) refuses at once, without the network, for
  ``PAUSE_SECONDS`` after a connection failed: a page pays for Redis being away once every few
  seconds, not on every call;
* ``RedisCache`` turns Redis errors into misses (``get`` returns the default, ``add`` and
  ``delete`` return False, ``incr`` raises ValueError as for a missing key) and logs the outage
  once per pause instead of once per call;
* a write lost during the outage could leave an older value in Redis (a cached session that
  was changed or deleted meanwhile in the database, the page generation that a publication
  should have bumped): the keys of lost writes are remembered and deleted as soon as Redis
  answers again, before anything else is read.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 5
# Beyond this many lost writes the oldest are forgotten (their entries expire on their own).
MAX_LOST_KEYS = 50_000
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)


class RedisAway(redis.ConnectionError):
    """Refused by the breaker, without the network: not a new failure, so it never prolongs
    the pause (else a busy process, asking every few milliseconds, would never try again)."""


class Outage:
    """What this process knows of one Redis server being away."""

    def __init__(self):
        self.lock = threading.Lock()
        self.until = 0.0
        self.lost = {}  # keys whose writes were lost, oldest first (a dict keeps the order)

    def is_away(self):
        return time.monotonic() < self.until

    def trip(self, error):
        """Leave Redis alone for PAUSE_SECONDS; True the first time in a pause."""
        with self.lock:
            first = not self.is_away()
            self.until = time.monotonic() + PAUSE_SECONDS
        if first:
            logger.warning(
                "Redis is unreachable (%s): the cache misses for %d s, pages are served without it",
                error,
                PAUSE_SECONDS,
            )
        return first

    def lose(self, keys):
        with self.lock:
            for key in keys:
                self.lost.pop(key, None)
                self.lost[key] = None
            while len(self.lost) > MAX_LOST_KEYS:
                del self.lost[next(iter(self.lost))]

    def take_lost(self):
        with self.lock:
            keys, self.lost = list(self.lost), {}
        return keys


_outages = {}
_outages_lock = threading.Lock()


def outage_for(connection_kwargs):
    """The one Outage of a server (host, port, socket path and database number)."""
    server = tuple(connection_kwargs.get(k) for k in ("host", "port", "path", "db"))
    with _outages_lock:
        return _outages.setdefault(server, Outage())


def try_again_now():
    """End every pause (a process about to exit tries Redis once more with what it holds)."""
    with _outages_lock:
        outages = list(_outages.values())
    for outage in outages:
        with outage.lock:
            outage.until = 0.0


def reset_outages():
    """Forget every outage (the tests start each from a server that answers)."""
    with _outages_lock:
        _outages.clear()


class CircuitBreakerPool(redis.ConnectionPool):
    """A connection pool that fails at once for PAUSE_SECONDS after a connection failed."""

    def __init__(self, *args, **kwargs):
        # Short timeouts: a page never waits long for a cache. One immediate retry reconnects
        # after a Redis restart closed the pooled connections; more would only add waiting.
        kwargs.setdefault("socket_connect_timeout", 0.5)
        kwargs.setdefault("socket_timeout", 1.0)
        kwargs.setdefault("retry", Retry(NoBackoff(), 1))
        super().__init__(*args, **kwargs)
        self.outage = outage_for(self.connection_kwargs)

    def get_connection(self, *args, **kwargs):
        if self.outage.is_away():
            raise RedisAway("Redis was unreachable a moment ago; not tried again yet")
        try:
            return super().get_connection(*args, **kwargs)
        except UNREACHABLE as error:
            self.outage.trip(error)
            raise


class ReusingClient(RedisCacheClient):
    """Django's cache client, keeping one ``redis.Redis`` per connection pool.

    Django's makes a new ``redis.Redis`` for every call, and building one fills its table of
    a few hundred response callbacks: a third of a millisecond, paid on every cache call of a
    page served from the cache. A ``redis.Redis`` holds no connection of its own (it takes one
    from the pool for each command), so one per pool serves every call.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """Django's RedisCache whose errors are logged and taken as misses (see the module)."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("pool_class", "portal.cache.CircuitBreakerPool")
        super().__init__(server, params)
        self._class = ReusingClient

    @property
    def _outage(self):
        pool = self._cache._get_connection_pool(write=True)
        return getattr(pool, "outage", None) or Outage()

    def _failed(self, error, keys=(), version=None):
        outage = self._outage
        if isinstance(error, RedisAway):
            pass  # the pause goes on as it was: Redis is tried again when it ends
        elif isinstance(error, UNREACHABLE):
            outage.trip(error)
        else:
            logger.warning("Redis cache error, taken as a miss: %s", error)
        if keys:
            outage.lose(self.make_and_validate_key(key, version=version) for key in keys)

    def _forget_lost(self):
        """Delete what was written elsewhere while this process could not write (see module)."""
        outage = self._outage
        if not outage.lost or outage.is_away():
            return
        keys = outage.take_lost()
        try:
            for start in range(0, len(keys), 1000):
                self._cache.delete_many(keys[start : start + 1000])
        except redis.RedisError as error:
            outage.lose(keys)
            self._failed(error)
            return
        logger.warning("Redis answers again: %d entries written meanwhile were dropped", len(keys))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_lost()
        try:
            return super().add(key, value, timeout, version)
        except redis.RedisError as error:
            self._failed(error)  # nothing changed: an older value, if any, is still right
            return False

    def get(self, key, default=None, version=None):
        self._forget_lost()
        try:
            return super().get(key, default, version)
        except redis.RedisError as error:
            self._failed(error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_lost()
        try:
            super().set(key, value, timeout, version)
        except redis.RedisError as error:
            self._failed(error, [key], version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_lost()
        try:
            return super().touch(key, timeout, version)
        except redis.RedisError as error:
            self._failed(error)
            return False

    def delete(self, key, version=None):
        self._forget_lost()
        try:
            return super().delete(key, version)
        except redis.RedisError as error:
            self._failed(error, [key], version)
            return False

    def get_many(self, keys, version=None):
        self._forget_lost()
        try:
            return super().get_many(keys, version)
        except redis.RedisError as error:
            self._failed(error)
            return {}

    def has_key(self, key, version=None):
        self._forget_lost()
        try:
            return super().has_key(key, version)
        except redis.RedisError as error:
            self._failed(error)
            return False

    def incr(self, key, delta=1, version=None):
        self._forget_lost()
        try:
            return super().incr(key, delta, version)
        except redis.RedisError as error:
            self._failed(error, [key], version)
            raise ValueError(f"Key '{key}' could not be incremented: Redis is away") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget_lost()
        try:
            return super().set_many(data, timeout, version)
        except redis.RedisError as error:
            self._failed(error, list(data), version)
            return list(data)

    def delete_many(self, keys, version=None):
        self._forget_lost()
        keys = list(keys)
        try:
            return super().delete_many(keys, version)
        except redis.RedisError as error:
            self._failed(error, keys, version)

    def clear(self):
        try:
            return super().clear()
        except redis.RedisError as error:
            self._failed(error)
            return False
