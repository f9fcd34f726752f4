"""Who a reader is, as far as the portal needs to know: their address, whether they are a
robot, and how often they have written lately. Only HMAC hashes are ever stored."""

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
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def is_bot(request):
    agent = request.META.get("HTTP_USER_AGENT", "")
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
