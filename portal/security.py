"""Security headers that settings alone cannot give: the policy's run-time parts, and more.

The Content-Security-Policy is settings.CONTENT_SECURITY_POLICY (django-csp). Two of its
sources are only known once the portal runs, and ``CSPMiddleware`` below adds them:

* the origin the uploads come from when another host serves them (an S3 bucket or a CDN), as
  the storage writes their addresses: pictures keep showing whatever MEDIA_ORIGIN says;
* on the admin pages with django-prose-editor (articles, intro pages), the hash of the one
  inline script the portal allows: the editor's import map (a ``<script type="importmap">``
  block naming its modules, which browsers check as a script). Its addresses carry
  collectstatic's hashes, so its own hash is computed from the rendered map. The editor (Tiptap)
  also writes its base styles into a ``<style>`` element it makes and cannot be told not to, so
  these pages, and only these staff pages, allow inline styles ('unsafe-inline' in style-src).
  Public pages allow neither inline scripts nor inline styles.

Every middleware here sits outside the page cache (portal.pagecache is a view decorator), so
a page served from the cache gets the same headers as one just rendered.
"""

import base64
import hashlib
import re
from functools import cache
from urllib.parse import urlsplit

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse

# Browser features the portal never uses, refused to the page and anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
IMPORTMAP = re.compile(r'<script type="importmap">(.*)</script>', re.DOTALL)


@cache
def media_origin():
    """The origin of the uploads' addresses when they are on another host, else None."""
    address = urlsplit(default_storage.url("csp.jpg"))
    return f"{address.scheme}://{address.netloc}" if address.netloc else None


@cache
def importmap_hash():
    """The CSP source (``'sha256-…'``) allowing django-prose-editor's inline import map."""
    from django_prose_editor.widgets import importmap

    content = IMPORTMAP.fullmatch(str(importmap.render()))[1]
    digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
    return f"'sha256-{digest}'"


@cache
def admin_prefix():
    return reverse("admin:index")


def has_prose_editor(request, response):
    """Whether the response is an admin page with django-prose-editor's import map."""
    return (
        request.path_info.startswith(admin_prefix())
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and b'<script type="importmap">' in response.content
    )


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_URL", "STATIC_URL", "ROOT_URLCONF"}:
        for func in (media_origin, importmap_hash, admin_prefix):
            func.cache_clear()
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "MEDIA_ORIGIN":
        _built.clear()


# Built policies by their parts: almost every response has the same parts, and building the
# header from them (twice: the policy and the report-only one) is a tenth of a millisecond
# that a page from the cache would otherwise pay each time.
_built = {}


def _build(parts, report_only=False):
    key = (repr(parts), report_only)
    policy = _built.get(key)
    if policy is None:
        policy = build_policy(
            config=parts.config,
            update=parts.update,
            replace=parts.replace,
            nonce=parts.nonce,
            report_only=report_only,
        )
        if parts.nonce is None and len(_built) < 64:  # a nonce is new on every request
            _built[key] = policy
    return policy


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, adding the uploads' origin and what the prose editor needs."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        update = dict(parts.update or {})
        origin = media_origin()
        if origin:
            update["img-src"] = [*update.get("img-src", []), origin]
        if has_prose_editor(request, response):
            update["script-src"] = [*update.get("script-src", []), importmap_hash()]
            update["style-src"] = [*update.get("style-src", []), "'unsafe-inline'"]
        parts.update = update or None
        return parts

    def process_response(self, request, response):
        """django-csp's, with the headers built once per set of parts (``_build``)."""
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # django-csp leaves Django's debug pages alone
        for header, report_only, exempt in (
            (HEADER, False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro"),
        ):
            parts = self.get_policy_parts(request, response, report_only=report_only)
            policy = _build(parts, report_only)
            if not policy or header in response or getattr(response, exempt, False):
                continue
            setting = "CONTENT_SECURITY_POLICY" + ("_REPORT_ONLY" if report_only else "")
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` on every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
