"""Cached pages answered again in front of Django, for the requests that read them most.

Almost every request to a portal is a reader asking for a page that ``portal.pagecache`` holds.
``CachedPageMiddleware`` answers it above the staff middleware, but the request still goes
through Django's handler and the middleware above it: the request and response objects, their
headers, the signals. Measured under gunicorn (docs/performance.md), that was most of what a
cached page cost. ``CachedPageFront`` wraps the WSGI application and learns, for each request
Django answered from the page cache, what the answer was made of: the page's cache key and the
headers the whole stack gave it. A later request that is the same in everything the answer can
depend on (method, scheme, host, path, query string, language, no session or messages cookie,
no conditional headers) is then answered here from the page held in the process, provided the
page-cache generation is still the one it was learned under. What must happen on every request
still does, through the same functions the middleware call:

* the view's ``on_hit`` (the article page counts the reader's view), between Django's
  ``request_started`` and ``request_finished`` signals when it uses the database, as a
  database connection needs;
* the reader counted in the visitor statistics and the live fragments (the footer's figures)
  filled in for this request (``portal.visits``, ``portal.fragments``);
* the request id and the request's log line (``portal.request_log``).

Anything unusual goes to Django as before: a request not seen, a page no longer held, another
generation, a HEAD, a conditional GET (Django answers 304), and any error on the way (nothing is
counted twice: the reader is counted after the view's ``on_hit``, the last thing that may fail).
"""

import logging
import threading
import time

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections
from django.http.cookie import parse_cookie
from django.utils import translation

from portal import fragments, pagecache, visits
from portal.proxies import forwarded_client
from portal.request_log import (
    REQUEST_ID_HEADER,
    REQUEST_ID_PATTERN,
    QueryTimer,
    log_request,
    new_request_id,
    request_id_var,
)

logger = logging.getLogger(__name__)

# Headers made for each answer, never learned.
PER_REQUEST = {REQUEST_ID_HEADER.lower(), "content-length", "set-cookie", "date"}
# Requests learned at most (a few hundred pages, a few variants each); past it, forgotten.
MAX_LEARNED = 4096


class Learned:
    __slots__ = ("generation", "key", "etag", "headers", "hook", "parts")

    def __init__(self, generation, key, etag, headers, hook):
        self.generation, self.key, self.etag = generation, key, etag
        self.headers, self.hook = headers, hook
        self.parts = None  # the page cut at its live fragments, on its first replay


class CachedPageFront:
    """WSGI: answer again, without Django's request cycle, a page Django served from the page
    cache to the same request (see the module)."""

    def __init__(self, application):
        self.application = application
        self.learned = {}
        self.lock = threading.Lock()
        self.languages = {code for code, _name in settings.LANGUAGES}
        self.proxies = settings.TRUSTED_PROXY_COUNT
        ssl_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        self.ssl_header = ssl_header[0] if ssl_header else None

    def __call__(self, environ, start_response):
        request_key = self.request_key(environ)
        if request_key is not None:
            learned = self.learned.get(request_key)
            if learned is not None:
                answer = self.replay(environ, request_key, learned)
                if answer is not None:
                    status, headers, body = answer
                    start_response(status, headers)
                    return [body]
        response = self.application(environ, start_response)
        if request_key is not None and getattr(response, "page_cache", None) == "hit":
            self.learn(request_key, response)
        return response

    def request_key(self, environ):
        """What an answer from the page cache can depend on, or None: not one to replay."""
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            return None
        language = settings.LANGUAGE_CODE
        cookie_header = environ.get("HTTP_COOKIE")
        if cookie_header:
            cookies = parse_cookie(cookie_header)  # as Django reads them (request.COOKIES)
            if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
                return None
            if cookies.get(settings.LANGUAGE_COOKIE_NAME) in self.languages:
                language = cookies[settings.LANGUAGE_COOKIE_NAME]
        return (
            environ.get("wsgi.url_scheme"),
            environ.get(self.ssl_header) if self.ssl_header else None,
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            language,
        )

    def learn(self, request_key, response):
        if response.status_code != 200 or not getattr(response, "page_key", None):
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        key = response.page_key
        entry = pagecache.get_entry(key)
        if entry is None:
            return
        headers = tuple(
            (name, value) for name, value in response.items() if name.lower() not in PER_REQUEST
        )
        generation = int(key.split(":", 2)[1])
        with self.lock:
            if len(self.learned) >= MAX_LEARNED:
                self.learned.clear()
            self.learned[request_key] = Learned(
                generation, key, entry["etag"], headers, pagecache.has_hook(entry)
            )

    def forget(self, request_key):
        with self.lock:
            self.learned.pop(request_key, None)

    def replay(self, environ, request_key, learned):
        """(status, headers, body) for the request, or None: Django answers it."""
        if pagecache.generation() != learned.generation:
            self.forget(request_key)
            return None
        entry = pagecache.get_entry(learned.key)
        if entry is None or entry["etag"] != learned.etag:  # gone, or rendered again since
            self.forget(request_key)
            return None
        start = time.perf_counter()
        request = WSGIRequest(environ)
        if self.proxies:  # as portal.proxies.ForwardedForMiddleware
            client = forwarded_client(environ.get("HTTP_X_FORWARDED_FOR", ""), self.proxies)
            if client:
                request.META["REMOTE_ADDR"] = client
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if REQUEST_ID_PATTERN.fullmatch(given) else new_request_id()
        request.request_id = request_id
        language = request_key[-1]
        request.LANGUAGE_CODE = language
        timer = QueryTimer()
        token = request_id_var.set(request_id)
        try:
            translation.activate(language)
            if learned.hook and not self.run_hook(request, entry, timer):
                return None
            visits.count_page(request)
            try:
                if learned.parts is None:
                    learned.parts = fragments.split(entry["content"])
                body = fragments.fill_parts(request, learned.parts)
            except Exception:  # counted already: the page without its live parts, not Django's
                logger.exception("A live fragment failed; the cached page is served without it")
                body = fragments.MARKER_RE.sub(b"", entry["content"])
            log_request(
                request,
                status=200,
                duration=time.perf_counter() - start,
                timer=timer,
                size=len(body),
                page_cache="hit",
            )
        finally:
            request_id_var.reset(token)
        headers = [
            *learned.headers,
            (REQUEST_ID_HEADER, request_id),
            ("Content-Length", str(len(body))),
        ]
        return "200 OK", headers, body

    def run_hook(self, request, entry, timer):
        """The view's ``on_hit`` as in a request Django serves; False if it failed.

        Django's request signals (``close_old_connections``) come around it only when the
        database is involved: a connection this thread still holds before, or one the hook
        opened. Mostly it opens none (a reader's view of the day is counted already)."""
        connection = connections["default"]
        started = connection.connection is not None
        if started:
            signals.request_started.send(sender=self.__class__, environ=request.environ)
        try:
            with connection.execute_wrapper(timer):
                pagecache.run_hook(request, entry)
        except Exception:  # noqa: BLE001 - Django answers it (the 503 page, the error log)
            return False
        finally:
            if started or connection.connection is not None:
                signals.request_finished.send(sender=self.__class__)
        return True
