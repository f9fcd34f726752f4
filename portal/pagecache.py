"""A server-side cache of the public pages that anonymous readers see, with conditional GET.

Anonymous readers make almost all of a portal's traffic and all see the same page, so the
rendered page is kept in the cache and served without touching the database again:

* only GET/HEAD requests of readers without a session or pending messages are cached, and only
  200 responses that set no cookie and ask for no other caching rule; staff previews, forms
  with CSRF tokens and error pages go through unchanged;
* every entry is keyed by a *generation* number that any change of published content bumps
  (``bump()``, called from the apps' signals), so a change shows at once on every page;
* an entry never outlives the next scheduled article's publication time (``schedule_limit``),
  so a scheduled article appears on its own at its time, with no cron job;
* each response carries an ``ETag`` (a hash of its bytes) and ``Last-Modified`` (when it was
  rendered); a reader's browser revalidates and gets ``304 Not Modified`` while nothing changed;
* a view may register ``on_hit`` to do per-request work that caching must not skip (the
  article page counts a view);
* ``CachedPageMiddleware`` answers a cached page before the middleware a reader without a
  session does not need (sessions, CSRF, authentication, two-factor, staff session, messages,
  axes) and before the URL resolver: one round trip to Redis for the page. The middleware
  above it (the request log, the security headers, the live fragments, the visitor count)
  treat it as any other page. On a miss the view renders it and its decorator stores it.

The cache must be shared by all worker processes for the generation to reach them all: Redis
in production (``REDIS_URL``); the in-memory default suits ``make run``'s single process.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from portal.middleware import reader_language

GENERATION_KEY = "pages:generation"
PAGE_SECONDS = 600
KEPT_HEADERS = ("Content-Type", "Content-Language")


# How long a process keeps the generation it read before asking Redis again: a page served
# from the cache then costs one round trip (the page) instead of two. Another process's bump
# shows here at most this late; this process's own bump at once (``_increment`` forgets it).
# Not with the in-memory cache, where reading it costs no round trip.
GENERATION_HOLD_SECONDS = 1.0
_held = {"value": None, "until": 0.0}


def _holds():
    return "locmem" not in type(cache).__module__


def generation():
    if _holds():
        held, until = _held["value"], _held["until"]
        if held is not None and time.monotonic() < until:
            return held
        value = _read_generation()
        _held["value"], _held["until"] = value, time.monotonic() + GENERATION_HOLD_SECONDS
        return value
    return _read_generation()


def _read_generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A random start: after a cache flush, no entry of an earlier generation can match.
        value = int(time.time() * 1000)
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY, value)
    return value


def bump(**_signal_kwargs):
    """Make every cached page stale: published content changed. Usable as a signal receiver.

    Bumped at once and again when the transaction commits: a page rendered between the two
    (from data not yet committed, so still the old) is not served after the commit.
    """
    _increment()
    transaction.on_commit(_increment)


def _increment():
    _held["value"] = None  # this process sees its own change at once
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing is cached under one
        generation()


# The pages this process served lately, by key, so that a page read a second time costs no
# round trip at all: an entry under a generation never changes, so holding it is exact for as
# long as the generation held above is (a second) and the entry lives (its "expires"). Bounded
# by HELD_PAGES_BYTES, the least recently used given up first.
HELD_PAGES_BYTES = 32 * 1024 * 1024
_pages = OrderedDict()  # key -> entry
_pages_lock = threading.Lock()
_pages_bytes = [0]


def get_entry(key):
    with _pages_lock:
        entry = _pages.get(key)
        if entry is not None:
            if time.time() < entry.get("expires", 0):
                _pages.move_to_end(key)
                return entry
            _forget_page(key)
    entry = cache.get(key)
    if entry is not None and _holds():
        _hold_page(key, entry)
    return entry


def _hold_page(key, entry):
    size = len(entry["content"])
    if size > HELD_PAGES_BYTES // 8:
        return
    with _pages_lock:
        if key in _pages:
            _forget_page(key)
        _pages[key] = entry
        _pages_bytes[0] += size
        while _pages_bytes[0] > HELD_PAGES_BYTES:
            _forget_page(next(iter(_pages)))


def _forget_page(key):
    """(Under ``_pages_lock``.)"""
    _pages_bytes[0] -= len(_pages.pop(key)["content"])


def forget_held_pages():
    """Give up every page and the generation held in the process (tests, after a
    cache.clear())."""
    with _pages_lock:
        _pages.clear()
        _pages_bytes[0] = 0
    _held["value"] = None


_limits = []


def schedule_limit(func):
    """Register ``func() -> datetime or None``: when published content next changes by itself
    (a scheduled article's time). No page is cached past it."""
    _limits.append(func)
    return func


def _timeout(gen):
    """Seconds to keep a page: PAGE_SECONDS, or less when a scheduled change comes sooner.

    The next change's time is looked up once per generation, not on every cached render.
    """
    now = time.time()
    key = f"pages:{gen}:next-change"
    until = cache.get(key)
    if until is None or 0 < until <= now:
        moments = [when.timestamp() for when in (limit() for limit in _limits) if when]
        until = min(moments, default=0)  # 0: nothing scheduled
        cache.set(key, until, PAGE_SECONDS)
    seconds = PAGE_SECONDS if not until else min(PAGE_SECONDS, until - now + 1)
    return max(int(seconds), 0)


def cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request, gen, language=None):
    path = request.get_full_path()
    digest = hashlib.sha256(path.encode()).hexdigest()[:32]
    language = getattr(request, "LANGUAGE_CODE", "") if language is None else language
    return f"pages:{gen}:{language}:{digest}:2"  # 2: entries name their view


def _storable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not getattr(response, "page_cache_skip", False)
    )


def _respond(request, entry):
    response = HttpResponse(entry["content"])
    for header, value in entry["headers"].items():
        response[header] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["modified"])
    response["Cache-Control"] = "max-age=0, must-revalidate"
    patch_vary_headers(response, ["Cookie"])
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["modified"], response=response
    )


# The views' on_hit functions by the name stored in their pages' entries.
_hooks = {}


def _hit(request, entry, key):
    run_hook(request, entry)
    response = _respond(request, entry)
    response.page_cache = "hit"  # for the request log
    response.page_key = key  # for portal.replay
    return response


def run_hook(request, entry):
    """The ``on_hit`` of the view that rendered the cached page, if it has one."""
    hook = _hooks.get(entry.get("view"))
    if hook:
        hook(request, entry["meta"])


def has_hook(entry):
    return entry.get("view") in _hooks


def public_page(view=None, *, on_hit=None):
    """Serve the view's page to anonymous readers from the cache (see the module's docstring).

    ``on_hit(request, meta)`` runs when a cached page is served; ``meta`` is what the view put
    in ``response.page_meta`` when it rendered the page.
    """

    def decorator(view_func):
        name = f"{view_func.__module__}.{view_func.__qualname__}"
        if on_hit:
            _hooks[name] = on_hit

        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not cacheable_request(request):
                return view_func(request, *args, **kwargs)
            gen = generation()
            key = _key(request, gen)
            # CachedPageMiddleware looked for this very key and missed: no second round trip.
            missed = getattr(request, "page_cache_missed", None) == key
            entry = None if missed else get_entry(key)
            if entry is not None:
                return _hit(request, entry, key)
            response = view_func(request, *args, **kwargs)
            if not _storable(response):
                return response
            content = response.content
            entry = {
                "content": content,
                "headers": {h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
                "etag": quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest()),
                "modified": int(time.time()),
                "meta": getattr(response, "page_meta", None),
                "view": name,
            }
            timeout = _timeout(gen)
            if timeout > 0:
                entry["expires"] = time.time() + timeout
                cache.set(key, entry, timeout)
            response = _respond(request, entry)
            response.page_cache = "miss"
            return response

        return wrapper

    return decorator(view) if view is not None else decorator


class CachedPageMiddleware:
    """Answer a page that ``public_page`` cached, before the rest of the stack (the module).

    Placed below the middleware every answer needs (the request log, the security headers,
    whitenoise, the live fragments, the visitor count) and above everything a reader without
    a session does without. What it skips cannot change a cached page: the page was stored only
    for a request without a session or messages, and is only served to one.
    """

    SKIPPED = ("/admin/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = (
            *self.SKIPPED,
            settings.STATIC_URL or "/static/",
            settings.MEDIA_URL or "/media/",
        )

    def __call__(self, request):
        if cacheable_request(request) and not request.path_info.startswith(self.skipped):
            request.get_host()  # an address not in ALLOWED_HOSTS: 400, as further down
            language = reader_language(request)
            key = _key(request, generation(), language)
            entry = get_entry(key)
            if entry is not None:
                translation.activate(language)
                request.LANGUAGE_CODE = language
                response = _hit(request, entry, key)
                response.headers.setdefault("Content-Language", language)
                return response
            request.page_cache_missed = key
        return self.get_response(request)
