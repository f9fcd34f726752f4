"""Reader feedback rules: who a visitor is, bots, daily views, and rate limits.

A visitor is known by a random first-party cookie that is set only when they rate or comment;
before that (and for view counts), by their IP address and browser. Only HMAC hashes of these
are stored, never the values themselves.
"""

import re
import secrets
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, Count, F
from django.utils.translation import ngettext

from articles.models import Article, ArticleView, Rating
from portal import readers, visits
from portal.formatting import format_number
from portal.readers import client_ip, digest, ip_hash, is_bot  # noqa: F401 - used by views

VISITOR_COOKIE = "ban_doc"
VISITOR_COOKIE_AGE = 365 * 24 * 3600
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# A day and a little: the marker of a view outlives the day it is for.
VIEW_MARKER_SECONDS = 26 * 3600
# Views already counted, held in the process too (a set of markers, given up whole when full):
# a reader's cached article page again is then answered without the round trip to the cache.
# A marker is held only once the cache or the database said the view was counted.
HELD_VIEW_MARKERS = 20_000
_held_views = set()
_held_views_lock = threading.Lock()
RATE_LIMITS = {
    # action: (attempts, seconds) per IP address
    "rate": (20, 600),
    "comment": (5, 600),
}


def visitor_hash(request):
    """A stable hash for this visitor: their cookie if they have one, else IP and browser."""
    token = request.COOKIES.get(VISITOR_COOKIE, "")
    if _valid_token(token):
        return digest("cookie", token)
    return digest("ip", client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300])


def _valid_token(token):
    return bool(token) and bool(TOKEN_PATTERN.fullmatch(token))


def feedback_visitor(request):
    """(hash, new token or None) for a visitor who rates: the cookie's token, or a new one.

    The caller sets a new token as a cookie with ``set_visitor_cookie``: reading alone sets none.
    """
    token = request.COOKIES.get(VISITOR_COOKIE, "")
    if _valid_token(token):
        return digest("cookie", token), None
    token = secrets.token_urlsafe(24)
    return digest("cookie", token), token


def set_visitor_cookie(response, token):
    if token:
        response.set_cookie(
            VISITOR_COOKIE,
            token,
            max_age=VISITOR_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def rate_limited(request, action):
    """Count one attempt of ``action`` from the request's IP; True when over the limit."""
    return readers.rate_limited(request, f"articles:{action}", *RATE_LIMITS[action])


def record_view(request, article_id):
    """Count one view per visitor, article and day; bots are not counted. True if counted."""
    if is_bot(request):
        return False
    day, visitor = visits.local_day(), visitor_hash(request)
    # A reader's later views of the same article that day count nothing: a marker in the cache
    # answers them without the database query (a cached page's hit would otherwise pay one on
    # every request). The marker is set only once the view is committed, so a view is never
    # skipped that was not counted; while Redis is away the database decides, as before.
    seen = f"articles:viewed:{article_id}:{day.isoformat()}:{visitor}"
    if seen in _held_views:
        return False
    if cache.get(seen):
        _hold_view(seen)
        return False
    _row, created = ArticleView.objects.get_or_create(
        article_id=article_id, day=day, visitor=visitor
    )
    if created:
        Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)

    def committed():
        cache.set(seen, 1, VIEW_MARKER_SECONDS)
        _hold_view(seen)

    transaction.on_commit(committed)
    return created


def _hold_view(seen):
    with _held_views_lock:
        if len(_held_views) >= HELD_VIEW_MARKERS:
            _held_views.clear()  # yesterday's among them; the cache still answers for today's
        _held_views.add(seen)


def forget_held_views():
    """Give up the view markers held in the process (tests, after a cache.clear())."""
    with _held_views_lock:
        _held_views.clear()


def rate(visitor, article, score):
    """Store the visitor's score for the article, replacing an earlier one."""
    Rating.objects.update_or_create(article=article, visitor=visitor, defaults={"score": score})


def rating_summary(article):
    """The article's ratings as "4,2/5 · 17 lượt đánh giá" (one query, none when the article
    was read with them: ``with_detail``); "" when none."""
    if hasattr(article, "rating_count"):
        average = article.rating_average  # the database's AVG: a Decimal on PostgreSQL
        summary = {
            "average": None if average is None else float(average),
            "count": article.rating_count or 0,
        }
    else:
        summary = Rating.objects.filter(article=article).aggregate(
            average=Avg("score"), count=Count("pk")
        )
    if not summary["count"]:
        return {"count": 0, "average": None, "text": ""}
    count = summary["count"]
    text = ngettext("%(count)s rating", "%(count)s ratings", count) % {
        "count": format_number(count)
    }
    summary["text"] = f"{format_number(summary['average'], 1)}/5 · {text}"
    return summary
