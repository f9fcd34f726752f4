"""The reader's address behind reverse proxies: REMOTE_ADDR taken from X-Forwarded-For.

Behind nginx or a load balancer, REMOTE_ADDR is the proxy's address, so every reader would look
like one (one visitor in the statistics, one rate limit for all comments). Each trusted proxy
appends the address it received the request from to ``X-Forwarded-For``; with
``TRUSTED_PROXY_COUNT`` proxies in front, the reader's address is the header's last but
``TRUSTED_PROXY_COUNT - 1`` entry. Entries further left were written by the client and are
never believed.
"""

import ipaddress

from django.conf import settings


def forwarded_client(header, proxies):
    """The address the outermost of ``proxies`` trusted proxies saw, or None."""
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    if proxies <= 0 or len(entries) < proxies:
        return None
    candidate = entries[-proxies]
    if candidate.startswith("[") and "]" in candidate:  # [2001:db8::1]:443
        candidate = candidate[1 : candidate.index("]")]
    elif candidate.count(":") == 1:  # 203.0.113.7:443
        candidate = candidate.split(":")[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class ForwardedForMiddleware:
    """Set REMOTE_ADDR to the reader's address given by the trusted proxies (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.proxies:
            client = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), self.proxies)
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
