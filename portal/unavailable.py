"""The database away: a Vietnamese 503 page at once, and the connections back when it returns.

While PostgreSQL restarts or fails over, every request that needs it gets the 503 page with
``Retry-After`` quickly instead of a 500 after a long wait, and pages that need no database
(those in the page cache) keep being served. Without this:

* every request would wait for a pooled connection for the pool's whole ``timeout``
  (settings: 2 s); here the first does, and then, until a connection is made again, the
  others wait ``FAST_TIMEOUT`` at most (the pool keeps trying to connect meanwhile);
* after the database is back, psycopg's pool reconnects on a back-off schedule (1, 2, 4, 8…
  seconds), which can leave the portal answering 503 long after; here the pool is replaced by
  a new one (which connects at once) when the hold ends while it has no connection ready.

``DatabaseUnavailableMiddleware`` answers for errors raised by a view; ``server_error`` (the
``handler500``) for those raised by a middleware. The outage is logged once, not per request.
"""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError, connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
HOLD_SECONDS = 2.0
FAST_TIMEOUT = 0.05


def _pool():
    """The PostgreSQL connection pool of this process, or None without one."""
    connection = connections["default"]
    return getattr(connection, "pool", None) if connection.vendor == "postgresql" else None


class Outage:
    """What this process knows of the database being away."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = False
        self.until = 0.0
        self.normal_timeout = None

    def trip(self, error):
        """A request failed on the database: the pool's waiting stays short until it connects."""
        with self.lock:
            first = not self.down
            if first:  # later failures leave the hold's end alone, or it would never end
                self.down = True
                self.until = time.monotonic() + HOLD_SECONDS
            pool = _pool()
            if pool is not None:
                if self.normal_timeout is None:
                    self.normal_timeout = pool.timeout
                pool.timeout = FAST_TIMEOUT
        if first:
            logger.error("The database is unavailable, pages answer 503 meanwhile: %s", error)

    def before_request(self):
        """When a hold ends with no connection ready, start a new pool that connects at once."""
        if not self.down or time.monotonic() < self.until:
            return
        with self.lock:
            if not self.down or time.monotonic() < self.until:
                return
            self.until = time.monotonic() + HOLD_SECONDS
            pool = _pool()
            if pool is None or pool.get_stats().get("pool_available", 0):
                return
        # Outside the lock: closing waits (briefly) for the pool's own workers.
        connection = connections["default"]
        try:
            connection.close_pool()
        except Exception:  # a pool already closed, or one that fails to close, is left behind
            logger.warning("The old database pool could not be closed", exc_info=True)
        new = _pool()
        if new is not None:
            new.timeout = FAST_TIMEOUT

    def recovered(self):
        """A connection was made: the database answers again."""
        if not self.down:
            return
        with self.lock:
            if not self.down:
                return
            self.down = False
            pool = _pool()
            if pool is not None and self.normal_timeout is not None:
                pool.timeout = self.normal_timeout
        logger.warning("The database answers again")


outage = Outage()


def _on_connection_created(sender, connection, **kwargs):
    if connection.alias == "default":
        outage.recovered()


connection_created.connect(_on_connection_created, dispatch_uid="portal.unavailable")


def unavailable_response():
    """The 503 page: rendered without the database (no context processors), never cached."""
    content = loader.get_template("503.html").render()
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # The outage is logged once by Outage.trip; Django would log (and mail) every request.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Turn a view's database connection error into the 503 page (early in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        outage.before_request()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            outage.trip(exception)
            return unavailable_response()
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page when the error is the database being away, else Django's 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        outage.trip(error)
        return unavailable_response()
    return defaults.server_error(request, template_name)
