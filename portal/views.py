"""Site-wide pages: home, health check and error pages."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from articles.views import home_news
from indicators.models import AdministrativeUnit
from portal.pagecache import public_page

logger = logging.getLogger(__name__)


def _units_context():
    return {
        "jurisdiction": AdministrativeUnit.objects.jurisdiction(),
        "communes": AdministrativeUnit.objects.active().communes(),
    }


@public_page
def home(request):
    return render(request, "portal/home.html", _units_context() | home_news())


@public_page
def units(request):
    context = _units_context()
    context["breadcrumbs"] = [(_("Administrative units"), None)]
    return render(request, "portal/units.html", context)


def set_language(request, language):
    """Remember the reader's language in a cookie and go back to the page they were on.

    A plain link rather than Django's POST form, so that public pages carry no CSRF token
    and stay cacheable; the choice only changes the reader's own preference.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404(_("This language is not available."))
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
