"""Visitor statistics: who is online now, visits today, this month and in total.

Counting adds no database write to a page view. ``VisitMiddleware`` records each HTML page in a
buffer and ``flush()`` adds the buffer to ``DailyVisits`` at most every ``FLUSH_SECONDS``, at
process exit and on ``manage.py flush_visits``, in one or two writes:

* with Redis as the cache (production), the buffer lives in Redis, shared by every worker
  process and kept across restarts; a flush takes the counts under a lock, as a batch whose
  id is stored with the sums in the same transaction, so a batch interrupted half-way is
  finished by the next flush and never added twice. A page costs no round trip of its own:
  each process holds its pages a tenth of a second (``Outbox``) and sends them in one Lua
  script call, whose answer is also the footer's figures; while Redis is away they wait in
  the process and go when it is back;
* otherwise (``make run``, tests without Redis) the buffer is this process's memory, flushed
  at exit; each process adds only what it counted, so the sums stay exact.

A *visitor* is an HMAC hash of their IP address and browser, never kept in the database; a
*visit* is a visitor's first page after ``SESSION_SECONDS`` without one. Bots, told apart by
their user agent (``portal.readers.is_bot``), are counted apart and never in the visits.
*Online* means seen in the last ``ONLINE_SECONDS``.
"""

import atexit
import datetime
import itertools
import logging
import os
import threading
import time
import uuid
from collections import Counter

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal import cache as portal_cache
from portal import fragments
from portal.formatting import format_number
from portal.models import DailyVisits, VisitFlushState
from portal.models.visits import COUNTERS
from portal.readers import client_ip, digest, is_bot

logger = logging.getLogger(__name__)

SESSION_SECONDS = 30 * 60
ONLINE_SECONDS = 5 * 60
SUMMARY_SECONDS = 10
LOCK_SECONDS = 120
# Staff at work in the admin are not visitors of the portal.
SKIPPED_PREFIXES = ("/admin/", "/healthz", "/favicon.ico", "/robots.txt")


def flush_seconds():
    """Seconds between automatic flushes; None: only at exit and by command (the tests)."""
    return getattr(settings, "VISITS_FLUSH_SECONDS", None if settings.TESTING else 5)


def visitor_id(request):
    """An HMAC of the reader's IP address and browser: the same reader, the same id."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return digest("visit", client_ip(request), agent)[:32]


def _field(day, name):
    return f"{day.isoformat()}:{name}"


def _pairs(flat):
    """A Lua script's HGETALL, [field, value, field, value…], as the dict redis-py makes."""
    return dict(zip(flat[::2], flat[1::2], strict=True))


def _parse(fields):
    """{"2026-11-28:visits": "3", ...} -> Counter({(date, "visits"): 3, ...})."""
    counts = Counter()
    for key, value in fields.items():
        key = key.decode() if isinstance(key, bytes) else key
        day, _sep, name = key.partition(":")
        if name in COUNTERS and int(value):
            counts[(datetime.date.fromisoformat(day), name)] += int(value)
    return counts


class LocalBuffer:
    """The counts of this process, for a cache that is not Redis."""

    shared = False

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.seen = {}  # visitor -> (last page time, is bot)
        self.pending = Counter()  # (day, counter) -> count not yet in the database
        self.inflight = Counter()  # taken by a flush, not yet committed
        self.generation = f"{os.getpid()}-{uuid.uuid4().hex[:8]}-"
        self.flushes = itertools.count()
        self.flushed = next(self.flushes)
        self.online = None  # (when counted, people, bots): counted again at most every second

    def record(self, visitor, bot, now, day):
        prefix = "bot_" if bot else ""
        with self.lock:
            last = self.seen.get(visitor)
            new = last is None or now - last[0] >= SESSION_SECONDS
            if last is None or now - last[0] >= ONLINE_SECONDS:
                self.online = None  # one more reader online
            self.seen[visitor] = (now, bot)
            self.pending[(day, prefix + "page_views")] += 1
            if new:
                self.pending[(day, prefix + "visits")] += 1
        return new

    def snapshot(self, now):
        """(generation, counts not in the database yet, batch being flushed and its counts,
        people online, bots online)."""
        since = now - ONLINE_SECONDS
        with self.lock:
            counts = self.pending + self.inflight
            if self.online is None or not 0 <= now - self.online[0] < 1:
                online = Counter(bot for seen, bot in self.seen.values() if seen > since)
                self.online = (now, online[False], online[True])
            generation = f"{self.generation}{self.flushed}"
            _when, people, bots = self.online
        return generation, counts, None, Counter(), people, bots

    def record_and_snapshot(self, visitor, bot, now, day):
        return self.record(visitor, bot, now, day), self.snapshot(now)

    def flush(self, add):
        with self.lock:
            counts, self.pending = self.pending, Counter()
            self.inflight += counts
            cutoff = time.time() - SESSION_SECONDS
            self.seen = {v: seen for v, seen in self.seen.items() if seen[0] > cutoff}
        try:
            if counts:
                add(counts, batch=None)
        except BaseException:
            with self.lock:
                self.pending += counts  # nothing lost: the next flush adds them
                self.inflight -= counts
            raise
        with self.lock:
            self.inflight -= counts
            self.flushed = next(self.flushes)
        return counts


# Count a page (the reader's visit goes on or starts; they are online), then read what
# ``snapshot`` reads, in the same round trip: a reader's page costs one call to Redis for the
# counting and the footer's figures together.
RECORD_AND_SNAPSHOT_SCRIPT = """
local returning = redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'GET')
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if not returning then redis.call('HINCRBY', KEYS[2], ARGV[3], 1) end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
local since = tonumber(ARGV[4]) - tonumber(ARGV[6])
return {
  returning and 0 or 1,
  redis.call('GET', KEYS[4]) or '0',
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGETALL', KEYS[5]),
  redis.call('ZCOUNT', KEYS[3], since, '+inf'),
  redis.call('ZCOUNT', KEYS[6], since, '+inf'),
}
"""
# Many pages counted by one process since its last call (``Outbox``), then what ``snapshot``
# reads. KEYS: pending, generation, flushing, online people, online bots, then one "seen" key
# per reader. ARGV: SESSION_SECONDS, ONLINE_SECONDS, now, the number of page-view fields, those
# fields and their counts, then per reader: id, bot (1/0), last page time, their visits field.
RECORD_MANY_SCRIPT = """
local i = 5
for _ = 1, tonumber(ARGV[4]) do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
local new = 0
for k = 6, #KEYS do
  if not redis.call('SET', KEYS[k], '1', 'EX', ARGV[1], 'GET') then
    redis.call('HINCRBY', KEYS[1], ARGV[i + 3], 1)
    new = new + 1
  end
  redis.call('ZADD', ARGV[i + 1] == '1' and KEYS[5] or KEYS[4], ARGV[i + 2], ARGV[i])
  i = i + 4
end
local since = tonumber(ARGV[3]) - tonumber(ARGV[2])
return {
  new,
  redis.call('GET', KEYS[2]) or '0',
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[3]),
  redis.call('ZCOUNT', KEYS[4], since, '+inf'),
  redis.call('ZCOUNT', KEYS[5], since, '+inf'),
}
"""
RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisBuffer:
    """The counts of every process, in the Redis of the cache."""

    shared = True

    def __init__(self, django_cache):
        self.client = django_cache._cache.get_client(write=True)
        key = django_cache.make_and_validate_key
        self.key = key
        self.pending_key = key("visits:pending")
        self.flushing_key = key("visits:flushing")
        self.generation_key = key("visits:generation")
        self.lock_key = key("visits:flush-lock")
        self.online_keys = {False: key("visits:online:people"), True: key("visits:online:bots")}
        self.record_and_snapshot_script = self.client.register_script(RECORD_AND_SNAPSHOT_SCRIPT)
        self.release_script = self.client.register_script(RELEASE_SCRIPT)
        self.record_many_script = self.client.register_script(RECORD_MANY_SCRIPT)

    def record(self, visitor, bot, now, day):
        return self.record_and_snapshot(visitor, bot, now, day)[0]

    def record_and_snapshot(self, visitor, bot, now, day):
        """``record`` and then ``snapshot``, in one round trip (one Lua script)."""
        prefix = "bot_" if bot else ""
        new, generation, pending, flushing, same, other = self.record_and_snapshot_script(
            keys=[
                self.key(f"visits:seen:{visitor}"),
                self.pending_key,
                self.online_keys[bot],  # where the reader is counted online
                self.generation_key,
                self.flushing_key,
                self.online_keys[not bot],
            ],
            args=[
                SESSION_SECONDS,
                _field(day, prefix + "page_views"),
                _field(day, prefix + "visits"),
                now,
                visitor,
                ONLINE_SECONDS,
            ],
        )
        people, bots = (other, same) if bot else (same, other)
        pending, flushing = _pairs(pending), _pairs(flushing)
        return bool(new), self._snapshot(generation, pending, flushing, people, bots)

    def record_many(self, readers, page_views, now):
        """Add counts of an ``Outbox`` in one round trip: ``readers`` [(id, bot, last page time,
        visits field)], ``page_views`` {field: count}. Returns (visits started, ``snapshot``)."""
        keys = [
            self.pending_key,
            self.generation_key,
            self.flushing_key,
            self.online_keys[False],
            self.online_keys[True],
        ]
        args = [SESSION_SECONDS, ONLINE_SECONDS, now, len(page_views)]
        args += itertools.chain.from_iterable(page_views.items())
        for visitor, bot, seen, visits_field in readers:
            keys.append(self.key(f"visits:seen:{visitor}"))
            args += [visitor, "1" if bot else "0", seen, visits_field]
        new, generation, pending, flushing, people, bots = self.record_many_script(
            keys=keys, args=args
        )
        return new, self._snapshot(generation, _pairs(pending), _pairs(flushing), people, bots)

    def snapshot(self, now):
        with self.client.pipeline(transaction=True) as pipe:
            pipe.get(self.generation_key)
            pipe.hgetall(self.pending_key)
            pipe.hgetall(self.flushing_key)
            pipe.zcount(self.online_keys[False], now - ONLINE_SECONDS, "+inf")
            pipe.zcount(self.online_keys[True], now - ONLINE_SECONDS, "+inf")
            generation, pending, flushing, people, bots = pipe.execute()
        return self._snapshot(generation, pending, flushing, people, bots)

    @staticmethod
    def _snapshot(generation, pending, flushing, people, bots):
        batch = flushing.pop(b"batch", b"").decode() or None
        return (
            f"redis-{int(generation or 0)}",
            _parse(pending),
            batch,
            _parse(flushing),
            people,
            bots,
        )

    def flush(self, add):
        token = uuid.uuid4().hex
        if not self.client.set(self.lock_key, token, nx=True, ex=LOCK_SECONDS):
            return None  # another process is flushing
        try:
            counts = Counter()
            # A batch left by an interrupted flush is finished first, then a new one taken.
            for _round in range(2):
                if not self.client.exists(self.flushing_key):
                    if not self.client.exists(self.pending_key):
                        break
                    self.client.rename(self.pending_key, self.flushing_key)
                counts += self._flush_batch(add, token)
            return counts
        finally:
            self.release_script(keys=[self.lock_key], args=[token])

    def _flush_batch(self, add, token):
        client = self.client
        client.hsetnx(
            self.flushing_key, "batch", f"{token}-{client.incr(self.key('visits:batches'))}"
        )
        fields = client.hgetall(self.flushing_key)
        batch = fields.pop(b"batch").decode()
        counts = _parse(fields)
        add(counts, batch=batch)
        with client.pipeline(transaction=True) as pipe:
            pipe.delete(self.flushing_key)
            pipe.incr(self.generation_key)
            for key in self.online_keys.values():
                pipe.zremrangebyscore(key, "-inf", time.time() - ONLINE_SECONDS)
            pipe.execute()
        return counts

    def reset(self):
        _summaries.clear()
        _outbox.reset()
        keys = [self.pending_key, self.flushing_key, self.generation_key, self.lock_key]
        keys.append(self.key("visits:batches"))
        self.client.delete(*keys, *self.online_keys.values())
        for key in self.client.scan_iter(match=self.key("visits:seen:*")):
            self.client.delete(key)


_local = LocalBuffer()


def buffer():
    """The buffer for the configured cache: Redis when it is Redis, else this process."""
    backend = caches["default"]  # one per thread
    if not isinstance(backend, RedisCache):
        return _local
    if getattr(backend, "_visits_buffer", None) is None:
        backend._visits_buffer = RedisBuffer(backend)
    return backend._visits_buffer


def batch_seconds():
    """Seconds a page may wait in this process before it goes to Redis (``Outbox``); None:
    each page goes at once, in its own round trip (the tests, unless they ask for it)."""
    return getattr(settings, "VISITS_BATCH_SECONDS", None if settings.TESTING else 0.1)


# How old the footer's figures may be on a page counted without a round trip of its own.
SNAPSHOT_SECONDS = 1.0
# Readers per script call (a long one would hold Redis up), and at most held in a process
# while Redis is away (their pages are still counted past it, their visits no longer).
MANY_READERS = 500
OUTBOX_READERS = 50_000
# After a failed call, pages wait this long before the next try.
RETRY_SECONDS = 1.0


class Outbox:
    """The pages this process counted and has not yet sent to Redis.

    With Redis, a page costs no round trip of its own: ``count`` adds it here, and a thread of
    the process sends what gathered every ``batch_seconds()`` in one script call, whose answer
    gives the footer's figures until the next. A page counted after ``SNAPSHOT_SECONDS`` of
    quiet is sent at once with what waits, in the request, so that a quiet portal's footer is
    never stale. A failed call loses nothing: what it took goes back and waits for the next,
    and at exit the process sends what is left before its last flush. Only a process killed
    outright loses the pages of its last ``batch_seconds()``.
    """

    def __init__(self):
        self.lock = threading.Lock()  # what is held, and the last answer
        self.sending = threading.Lock()  # one call to Redis at a time
        self.wake = threading.Event()
        self.thread = None
        self.reset()
        os.register_at_fork(after_in_child=self._after_fork)

    def reset(self):
        self.readers = {}  # id -> [bot, last page time, the field of their visit]
        self.page_views = Counter()  # field -> pages
        self.held = None  # the last answer: (monotonic time, wall time, snapshot)
        self.retry_after = 0.0
        self.overflowed = False
        self.failing = False

    def _after_fork(self):
        self.lock, self.sending, self.wake = threading.Lock(), threading.Lock(), threading.Event()
        self.thread = None
        self.reset()

    def waiting(self):
        with self.lock:
            return sum(self.page_views.values())

    def count(self, visitor, bot, now, day):
        """Hold one page; (time, snapshot) for its footer, or None when no answer is recent."""
        prefix = "bot_" if bot else ""
        with self.lock:
            if not self.page_views:
                self.wake.set()
            reader = self.readers.get(visitor)
            if reader is not None:
                reader[1] = max(reader[1], now)
            elif len(self.readers) < OUTBOX_READERS:
                self.readers[visitor] = [bot, now, _field(day, prefix + "visits")]
            else:
                self.overflowed = True
            self.page_views[_field(day, prefix + "page_views")] += 1
            held = self.held
        if self.thread is None:
            self._start()
        if held is not None and time.monotonic() - held[0] < SNAPSHOT_SECONDS:
            return held[1], held[2]
        return None

    def send(self, redis_buffer):
        """Send what is held, in calls of MANY_READERS readers; the new (time, snapshot)."""
        with self.sending:
            with self.lock:
                readers, self.readers = self.readers, {}
                page_views, self.page_views = self.page_views, Counter()
                overflowed, self.overflowed = self.overflowed, False
            if overflowed:
                logger.error(
                    "Visitor statistics: over %s readers held while Redis was away; "
                    "the pages of the others are counted, not their visits",
                    OUTBOX_READERS,
                )
            items = [(visitor, *reader) for visitor, reader in readers.items()]
            now, sent = time.time(), 0
            starts = range(0, max(len(items), 1), MANY_READERS)
            try:
                for start in starts:
                    chunk = items[start : start + MANY_READERS]
                    last = start == starts[-1]  # the pages go with the last call: held
                    # until then, they are what ``waiting`` tells, readers or not
                    views = page_views if last else {}
                    _new, snapshot = redis_buffer.record_many(chunk, views, now)
                    sent = start + len(chunk)
                page_views = Counter()
            except BaseException:
                self._put_back(items[sent:], page_views)
                self.retry_after = time.monotonic() + RETRY_SECONDS
                raise
            held = (time.monotonic(), now, snapshot)
            with self.lock:
                self.held = held
            if self.failing:
                self.failing = False
                logger.warning("Visitor statistics: Redis answers again, the held pages are sent")
            return held[1], held[2]

    def _put_back(self, items, page_views):
        with self.lock:
            if page_views:
                self.wake.set()
            self.page_views.update(page_views)
            for visitor, bot, seen, visits_field in items:
                reader = self.readers.get(visitor)
                if reader is None:
                    self.readers[visitor] = [bot, seen, visits_field]
                else:  # their visit began with the page sent back
                    reader[1], reader[2] = max(reader[1], seen), visits_field

    def try_send(self, redis_buffer):
        """``send``, logging a failure once an outage; None if Redis did not answer."""
        if time.monotonic() < self.retry_after:
            return None
        try:
            return self.send(redis_buffer)
        except Exception:
            if not self.failing:
                self.failing = True
                logger.warning(
                    "Visitor statistics: Redis did not answer; %s pages held in the process",
                    self.waiting(),
                    exc_info=True,
                )
            return None

    def _start(self):
        with self.lock:
            if self.thread is not None:
                return
            self.thread = threading.Thread(target=self._run, name="visits-outbox", daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            self.wake.wait()
            time.sleep(max(batch_seconds() or 0.1, self.retry_after - time.monotonic()))
            with self.lock:
                self.wake.clear()
                waiting = bool(self.page_views)
            current = buffer()
            if waiting and current.shared:
                self.try_send(current)


_outbox = Outbox()


def add_counts(counts, *, batch=None):
    """Add the counts to the days' rows in one transaction (one write a day, usually one day).

    With a ``batch`` id, a batch already added (its id is the last stored) is skipped.
    """
    by_day = {}
    for (day, name), count in counts.items():
        by_day.setdefault(day, {})[name] = count
    with transaction.atomic():
        if batch is not None:
            state, _created = VisitFlushState.objects.select_for_update().get_or_create(pk=1)
            if state.last_batch == batch:
                return
        for day, values in sorted(by_day.items()):
            increments = {name: F(name) + count for name, count in values.items()}
            if DailyVisits.objects.filter(day=day).update(**increments):
                continue
            try:
                with transaction.atomic():
                    DailyVisits.objects.create(day=day, **values)
            except IntegrityError:  # another process created the day meanwhile
                DailyVisits.objects.filter(day=day).update(**increments)
        if batch is not None:
            VisitFlushState.objects.filter(pk=1).update(last_batch=batch)


def flush():
    """Add the buffered counts to the database; returns them (None: another process is at it)."""
    return buffer().flush(add_counts)


def record(request, now=None):
    """Count one page of this request's reader; True when it starts a visit."""
    now = time.time() if now is None else now
    return buffer().record(visitor_id(request), is_bot(request), now, local_day(now))


def record_page(request, now=None):
    """``record``, keeping on the request what ``statistics`` reads (same round trip), so
    that the page's footer shows the figures as of this page, this reader counted."""
    now = time.time() if now is None else now
    visitor, bot, day = visitor_id(request), is_bot(request), local_day(now)
    current = buffer()
    if current.shared and batch_seconds():  # held in the process, sent in batches
        held = _outbox.count(visitor, bot, now, day)
        request.visits_snapshot = held or _outbox.try_send(current)
        return None
    new, snapshot = current.record_and_snapshot(visitor, bot, now, day)
    request.visits_snapshot = (now, snapshot)
    return new


def local_day(timestamp=None):
    """The portal's date (``TIME_ZONE``) at a time, held for its minute: every page asks for
    it, twice, and more on an article. The portal never activates a reader's time zone, and a
    visit belongs to the district's day whoever reads (the default zone is read once)."""
    timestamp = time.time() if timestamp is None else timestamp
    zone = timezone.get_default_timezone()
    key = (int(timestamp // 60), zone)  # time zones are offset by whole minutes
    day = _days.get(key)
    if day is None:
        moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
        day = timezone.localdate(moment, zone)
        if len(_days) > 4:
            _days.clear()
        _days[key] = day
    return day


_days = {}


# The database's summary per flush generation and day, as this process last read it:
# {key: (summary, monotonic time until which it is kept)}.
_summaries = {}


def _summary(generation, today):
    """The summary of the database for a flush generation (cached for SUMMARY_SECONDS in the
    process, then in the cache: a generation's summary changes only when a flush makes a new
    generation, so a page seldom pays a round trip or a query for it)."""
    key = f"visits:summary:{generation}:{today.isoformat()}"
    now = time.monotonic()
    held = _summaries.get(key)
    if held is not None and now < held[1]:
        return dict(held[0])
    summary = cache.get(key)
    if summary is None:
        summary = DailyVisits.objects.totals(today)
        cache.set(key, summary, SUMMARY_SECONDS)
    if buffer().shared:  # in-memory cache: reading it again costs nothing
        if len(_summaries) > 16:
            _summaries.clear()
        _summaries[key] = (dict(summary), now + SUMMARY_SECONDS)
    return summary


def statistics(now=None, snapshot=None):
    """Online people and bots, and visits today, this month and in total, as of now.

    Reads the buffer (or ``snapshot``, ``(time, buffer snapshot)`` as ``record_page`` read it)
    and a summary of the database cached for SUMMARY_SECONDS per flush generation: no query on
    most pages. While a batch is being flushed (or was left by a flush that died), the
    database is asked whether it holds the batch yet, so that no count is shown twice or
    missed.
    """
    if snapshot is not None:
        now, snapshot = snapshot
    now = time.time() if now is None else now
    today = local_day(now)
    if snapshot is None:
        snapshot = buffer().snapshot(now)
    generation, pending, batch, flushing, people, bots = snapshot
    if batch is not None:
        summary = DailyVisits.objects.totals(today)
        if not VisitFlushState.objects.filter(last_batch=batch).exists():
            pending += flushing
    else:
        summary = _summary(generation, today)
    result = {"online_people": people, "online_bots": bots, "online": people + bots, **summary}
    for (day, name), count in pending.items():
        if name != "visits" or day > today:
            continue
        result["total"] += count
        if (day.year, day.month) == (today.year, today.month):
            result["month"] += count
        if day == today:
            result["today"] += count
    return result


def _countable(request, response):
    if request.method != "GET" or request.path.startswith(SKIPPED_PREFIXES):
        return False
    if request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return False
    if response.status_code == 304:  # a page the browser already has, shown again
        return True
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


_next_flush = [0.0]


class VisitMiddleware:
    """Count every HTML page, cached ones too; flush the counts now and then and at exit."""

    def __init__(self, get_response):
        self.get_response = get_response
        if not settings.TESTING:
            atexit.register(flush_at_exit)

    def __call__(self, request):
        response = self.get_response(request)
        if _countable(request, response):
            count_page(request)
        return response


def count_page(request):
    """Count the page served to this request's reader (never failing the page), and flush the
    counts when it is time: the middleware's work, and ``portal.replay``'s for its pages."""
    try:
        record_page(request)
    except Exception:  # counting must never break a page (Redis away…)
        logger.exception("Visitor statistics: a page could not be counted")
    _maybe_flush()


def _maybe_flush():
    seconds = flush_seconds()
    now = time.monotonic()
    if seconds is None or now < _next_flush[0]:
        return
    _next_flush[0] = now + seconds
    try:
        flush()
    except Exception:
        logger.exception("Visitor statistics: the counts could not be saved, kept for later")


def flush_at_exit():
    portal_cache.try_again_now()  # the last chance: not refused by a pause begun just before
    current = buffer()
    if current.shared and _outbox.waiting():
        try:
            _outbox.send(current)
        except Exception:
            logger.exception(
                "Visitor statistics: %s pages held in the process could not be sent at exit",
                _outbox.waiting(),
            )
    try:
        flush()
    except Exception:
        logger.exception("Visitor statistics: the counts could not be saved at exit")


@fragments.register("visitor-stats")
def visitor_stats_fragment(request):
    """The footer's block: online now (people, search engines), today, this month, total."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    try:
        stats = statistics(snapshot=getattr(request, "visits_snapshot", None))
    except Exception:  # Redis or the database away: the page is served without the block
        logger.exception("Visitor statistics: the figures could not be read")
        return ""
    key = (language, *(stats[name] for name in FRAGMENT_FIGURES))
    html = _last_fragment.get(key)
    if html is None:
        html = _render_stats(language, stats)
        _last_fragment.clear()  # only the latest: the figures move on
        _last_fragment[key] = html
    return html


FRAGMENT_FIGURES = ("online", "online_people", "online_bots", "today", "month", "total")
# The block last rendered, by language and figures: consecutive pages mostly show the same.
_last_fragment = {}


def _render_stats(language, stats):
    with translation.override(language):
        online = format_html(
            "{} ({})",
            format_number(stats["online"]),
            _("visitors: %(people)s, search engines: %(bots)s")
            % {
                "people": format_number(stats["online_people"]),
                "bots": format_number(stats["online_bots"]),
            },
        )
        rows = [
            (_("Online now"), online),
            (_("Today"), format_number(stats["today"])),
            (_("This month"), format_number(stats["month"])),
            (_("Total"), format_number(stats["total"])),
        ]
        items = format_html(
            "".join(["<div><dt>{}</dt><dd>{}</dd></div>"] * len(rows)),
            *itertools.chain.from_iterable(rows),
        )
        return format_html(
            '<section class="visitor-stats" aria-labelledby="visitor-stats-title">'
            '<h2 id="visitor-stats-title">{}</h2><dl>{}</dl></section>',
            _("Visitor statistics"),
            items,
        )
