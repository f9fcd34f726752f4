"""Staff login: the password, then a code for those who turned codes on; the lockout page."""

import time
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_failure_limit,
    get_lockout_response,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from portal import two_factor
from portal.models import SiteSettings

PENDING_KEY = "portal:2fa-pending"
PENDING_SECONDS = 300


class StaffLoginView(LoginView):
    """Django's login; a user with codes on is asked for one before being signed in."""

    def form_valid(self, form):
        user = form.get_user()
        device = two_factor.confirmed_device(user)
        if device is None:
            return super().form_valid(form)
        # The password was right: remember who, not signed in until the code is right too.
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("admin:two_factor_login")


def admin_login(site, request, extra_context=None):
    """The admin's login page (AdminSite.login with the view above)."""
    if request.method == "GET" and site.has_permission(request):
        return redirect("admin:index")
    context = {
        **site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=site.name)
    context.update(extra_context or {})
    request.current_app = site.name
    return StaffLoginView.as_view(
        extra_context=context,
        authentication_form=site.login_form or AdminAuthenticationForm,
        template_name=site.login_template or "admin/login.html",
        next_page=reverse("admin:index", current_app=site.name),
    )(request)


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def two_factor_login(site, request):
    """The second step of signing in: the code from the authenticator app."""
    user, pending = _pending_user(request)
    device = two_factor.confirmed_device(user) if user is not None else None
    if device is None:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("The time to enter the code ran out: sign in again."))
        return redirect("admin:login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return get_lockout_response(request, None, credentials)

    form = two_factor.CodeForm(request.POST if request.method == "POST" else None)
    form.fields["otp_token"].widget.attrs["autofocus"] = True
    if form.is_valid():
        verified = two_factor.verify(device, form)
        if verified is not None:
            del request.session[PENDING_KEY]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, verified)
            target = pending["next"]
            if not url_has_allowed_host_and_scheme(
                target, {request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("admin:index")
            return redirect(target)
        # A wrong code counts as a failed login: five lock the account out like passwords.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
    context = {
        **site.each_context(request),
        "title": _("Two-step verification"),
        "form": form,
        "username": user.get_username(),
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/portal/two_factor_login.html", context)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: our page, in Vietnamese, status 429."""
    cool_off = get_cool_off(request) or timedelta(0)
    username = get_client_username(request, credentials)
    last = (
        AccessAttempt.objects.filter(
            username=username, ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Signing in is locked for a while"),
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(cool_off.total_seconds() // 60),
        "retry_at": (last or timezone.now()) + cool_off,
        "site_settings": SiteSettings.load(),
    }
    # Rendered now: django-axes' middleware returns it after the view, past template rendering.
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    return render(request, "admin/portal/lockout.html", context, status=status)
