"""Live fragments: small parts of a page that must be current even when the page is cached.

A template writes ``{% live "name" %}``, which renders a marker comment. For every HTML
response, ``LiveFragmentMiddleware`` replaces each marker with what the function registered
under that name returns for this request. The page cache stores the page with its markers, so
a cached page still shows, say, the visitor statistics of this moment. Functions must be cheap
(no database query per request) and return escaped HTML.
"""

import re

from django.utils.safestring import mark_safe

_fragments = {}
MARKER = "<!--live:{}-->"
MARKER_RE = re.compile(rb"<!--live:([a-z0-9-]+)-->")


def register(name):
    """Decorator: ``func(request) -> str`` renders the fragment ``name``."""

    def decorator(func):
        _fragments[name] = func
        return func

    return decorator


def marker(name):
    return mark_safe(MARKER.format(name))  # noqa: S308 - a fixed comment around a slug


class LiveFragmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or response.status_code != 200
            or not response.get("Content-Type", "").startswith("text/html")
            or b"<!--live:" not in response.content
        ):
            return response

        response.content = fill(request, response.content)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def fill(request, content):
    """``content`` (bytes) with each marker replaced by its fragment for this request."""

    def render(match):
        func = _fragments.get(match.group(1).decode())
        return func(request).encode() if func else b""

    return MARKER_RE.sub(render, content)


def split(content):
    """``content`` cut at its markers, for ``fill_parts``: a page served again and again is
    searched for them once (``portal.replay``)."""
    parts = MARKER_RE.split(content)  # [text, name, text, name, …, text]
    return [part if n % 2 == 0 else part.decode() for n, part in enumerate(parts)]


def fill_parts(request, parts):
    """``fill`` of the content that ``split`` cut into ``parts``."""
    if len(parts) == 1:
        return parts[0]
    out = [parts[0]]
    for n in range(1, len(parts), 2):
        func = _fragments.get(parts[n])
        if func:
            out.append(func(request).encode())
        out.append(parts[n + 1])
    return b"".join(out)
