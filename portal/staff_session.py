"""Staff sessions: an idle timeout that slides with use, its warning, and typed data kept past it.

A signed-in session ends SESSION_COOKIE_AGE seconds after the last request (the end is saved at
most every thirtieth of that, not on every request). Admin pages get the seconds left and two
URLs: one tells the time left without extending it, the other extends it (session-timeout.js).

A form sent after the session ended is refused by the admin and sent to the login page. Its
fields are kept in the new session for the person who was signed in on this browser (a signed
cookie says who) and offered again on the same page after signing in; files cannot be kept.
"""

import re
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

STASH_KEY = "portal:stash:"
STASH_SECONDS = 12 * 3600
STASH_MAX_CHARACTERS = 2_000_000
IDENTITY_COOKIE = "portal_staff"
IDENTITY_SALT = "portal.staff_session.identity"
IDENTITY_SECONDS = 30 * 24 * 3600
RESTORED = "_portal_restored"
DISCARD = "_portal_discard"
MANAGEMENT = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")


def restart_clock(session):
    """Let the session run for the whole idle time from now."""
    session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))


def _start_at_login(sender, request, user, **kwargs):
    if getattr(request, "session", None) is not None:
        restart_clock(request.session)


user_logged_in.connect(_start_at_login, dispatch_uid="portal-session-login")


def session_passive(view):
    """Mark a view whose requests do not count as activity (asking for the time left)."""
    view.session_passive = True
    return view


class StaffSessionMiddleware:
    """Slide a signed-in session's end with each request; remember who signed in here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user_id = request.session.get(SESSION_KEY)
        if user_id is not None and identity(request) != str(user_id):
            response.set_signed_cookie(
                IDENTITY_COOKIE,
                str(user_id),
                salt=IDENTITY_SALT,
                max_age=IDENTITY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "session_passive", False):
            return None
        session = request.session
        if session.get(SESSION_KEY) is None:
            return None
        idle = settings.SESSION_COOKIE_AGE
        if "_session_expiry" not in session or session.get_expiry_age() < idle - max(1, idle // 30):
            restart_clock(session)
        return None


def identity(request):
    """The id of the user last signed in on this browser, from the signed cookie, or None."""
    return request.get_signed_cookie(
        IDENTITY_COOKIE, default=None, salt=IDENTITY_SALT, max_age=IDENTITY_SECONDS
    )


def page_context(request):
    """What session-timeout.js needs on an admin page of a signed-in user, or None."""
    if not request.user.is_authenticated:
        return None
    return {
        "remaining": request.session.get_expiry_age(),
        "warning": settings.STAFF_SESSION_WARNING_SECONDS,
        "status_url": reverse("admin:session_status"),
        "extend_url": reverse("admin:session_extend"),
    }


@never_cache
@require_GET
@session_passive
def session_status(request):
    """The seconds left, without extending them (another tab may have extended them)."""
    signed_in = request.user.is_authenticated
    remaining = request.session.get_expiry_age() if signed_in else 0
    return JsonResponse({"signed_in": signed_in, "remaining": remaining})


@never_cache
@require_POST
def session_extend(request):
    """Extend the session by the whole idle time and say until when."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining": 0}, status=401)
    restart_clock(request.session)
    return JsonResponse(
        {
            "signed_in": True,
            "remaining": request.session.get_expiry_age(),
            "expires": request.session.get_expiry_date().isoformat(),
        }
    )


def stash_post(request):
    """Keep the fields of a POST refused for want of a session, for whoever typed them."""
    user_id = identity(request)
    if user_id is None:
        return
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    if sum(len(value) for values in data.values() for value in values) > STASH_MAX_CHARACTERS:
        return
    request.session[STASH_KEY + request.path] = {
        "user": user_id,
        "data": data,
        "files": sorted(request.FILES),
        "at": time.time(),
    }
    # The session of the login page keeps it longer than the idle time of a signed-in one.
    request.session.set_expiry(STASH_SECONDS)


def _bookkeeping(name):
    """Fields the form keeps for itself (buttons, formset counts): not shown to the user."""
    return name.startswith("_") or "__prefix__" in name or MANAGEMENT.search(name) is not None


def handle_stash(site, request):
    """For a signed-in user at a page with kept data: offer it (GET) or settle it (POST).

    Returns the response to send instead of the page, or None to show the page.
    """
    key = STASH_KEY + request.path
    stash = request.session.get(key)
    if stash is None:
        return None
    if stash["user"] != str(request.user.pk) or time.time() - stash["at"] > STASH_SECONDS:
        del request.session[key]  # someone else's, or too old: never shown
        return None
    if request.method == "POST":
        del request.session[key]
        if DISCARD in request.POST:
            messages.info(request, _("What you typed before the session ended was discarded."))
            return redirect(request.get_full_path())
        if RESTORED in request.POST:
            messages.info(request, _("Restored what you typed before the session ended."))
        return None
    fields = [(name, value) for name, values in stash["data"].items() for value in values]
    context = {
        **site.each_context(request),
        "title": _("What you typed before the session ended"),
        "fields": fields,
        "shown": [(name, value) for name, value in fields if value and not _bookkeeping(name)],
        "files": stash["files"],
        "restored": RESTORED,
        "discard": DISCARD,
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/portal/restore_post.html", context)
