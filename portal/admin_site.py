from functools import update_wrapper

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from portal import staff_login, staff_session, two_factor
from portal.login_apps import LockStatusMixin
from portal.models import SiteSettings

# Pages a staff member who must set up two-step verification may still open.
BEFORE_ENROLMENT = {"two_factor", "logout", "password_change", "password_change_done", "jsi18n"}


class PortalAdminSite(admin.AdminSite):
    """The admin, titled with the portal's name; staff login with optional two-step codes."""

    index_title = _("Portal administration")

    def each_context(self, request):
        context = super().each_context(request)
        name = SiteSettings.load().name
        context["site_header"] = name
        context["site_title"] = name
        context["staff_session"] = staff_session.page_context(request)
        return context

    def register(self, model_or_iterable, admin_class=None, **options):
        label = getattr(getattr(model_or_iterable, "_meta", None), "label", None)
        if label == "otp_totp.TOTPDevice":
            return  # django-otp's list shows secrets, in English: staff have their own page
        if label == "axes.AccessAttempt":
            admin_class = type(admin_class.__name__, (LockStatusMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        """Staff, and verified by a code if they turned codes on."""
        return super().has_permission(request) and two_factor.is_satisfied(request)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        return staff_login.admin_login(self, request, extra_context)

    def admin_view(self, view, cacheable=False):
        """Django's admin_view, keeping a POST that arrives after the session ended."""
        protected = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            name = getattr(request.resolver_match, "url_name", None)
            if not request.user.is_authenticated:
                if request.method == "POST" and name != "logout":
                    staff_session.stash_post(request)
            elif self.has_permission(request):
                if two_factor.must_enrol(request) and name not in BEFORE_ENROLMENT:
                    return redirect("admin:two_factor")
                answer = staff_session.handle_stash(self, request)
                if answer is not None:
                    return answer
            return protected(request, *args, **kwargs)

        inner = never_cache(inner) if not cacheable else inner
        if not getattr(view, "csrf_exempt", False):
            inner = csrf_protect(inner)
        return update_wrapper(inner, view)

    def get_urls(self):
        urls = [
            path(
                "two-factor/",
                self.admin_view(self.two_factor_view),
                name="two_factor",
            ),
            path(
                "two-factor/login/",
                never_cache(self.two_factor_login),
                name="two_factor_login",
            ),
            path("session/", staff_session.session_status, name="session_status"),
            path("session/extend/", staff_session.session_extend, name="session_extend"),
        ]
        return urls + super().get_urls()

    def two_factor_view(self, request):
        return two_factor.two_factor_view(request, self.each_context(request))

    def two_factor_login(self, request):
        return staff_login.two_factor_login(self, request)
