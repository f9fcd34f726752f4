"""Who a reader is, as far as the portal needs to know: their address, whether they are a
robot, and how often they have written lately. Only HMAC hashes are ever stored."""

import functools
import hashlib
import hmac
import re

from django.conf import settings
from django.core.cache import cache

BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|bingpreview|facebookexternalhit|zalo.*(link|preview)|"
    r"headless|python-requests|python-urllib|curl|wget|httpclient|go-http|okhttp|java/|"
    r"scrapy|monitor|uptime|lighthouse|pingdom|feedfetcher|preview",
    re.IGNORECASE,
)


def digest(*parts):
    return _digest(settings.SECRET_KEY, parts)


# Readers come back page after page: their hashes and whether their browser is a robot are
# held for the last few thousand (a regular expression and an HMAC on every cached page).
@functools.lru_cache(maxsize=4096)
def _digest(secret, parts):
    return hmac.new(secret.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def is_bot(request):
    return _is_bot_agent(request.META.get("HTTP_USER_AGENT", ""))


@functools.lru_cache(maxsize=1024)
def _is_bot_agent(agent):
    return not agent.strip() or bool(BOT_PATTERN.search(agent))


def ip_hash(request):
    return digest("addr", client_ip(request))


def rate_limited(request, action, limit, seconds):
    """Count one attempt of ``action`` from the request's IP address; True when over
    ``limit`` attempts in ``seconds``."""
    key = f"limit:{action}:{ip_hash(request)}"
    if cache.add(key, 1, seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return False
    return count > limit
