"""Two-factor codes (TOTP) for staff: enrol, verify, turn off, and reset for a lost phone."""

from base64 import b32encode
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import SiteSettings

CACHE_SECONDS = 300
DEVICE_NAME = "authenticator app"


def _cache_key(user_id):
    return f"portal:2fa:{user_id}"


def confirmed_device(user):
    """The user's confirmed TOTP device, read from the database, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_device(user):
    """Whether the user turned two-factor codes on (cached: asked on every admin page)."""
    value = cache.get(_cache_key(user.pk))
    if value is None:
        value = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        cache.set(_cache_key(user.pk), value, CACHE_SECONDS)
    return value


def _forget(sender, instance, **kwargs):
    cache.delete(_cache_key(instance.user_id))


def _remember_at_login(sender, request, user, **kwargs):
    # Asked once at login, so that admin pages do not ask the database again.
    has_device(user)


post_save.connect(_forget, sender=TOTPDevice, dispatch_uid="portal-2fa-save")
post_delete.connect(_forget, sender=TOTPDevice, dispatch_uid="portal-2fa-delete")
user_logged_in.connect(_remember_at_login, dispatch_uid="portal-2fa-login")


def is_verified(request):
    """Whether this session was confirmed by a code (django-otp's middleware says)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def is_satisfied(request):
    """A signed-in user needs a code only once they turned codes on."""
    return is_verified(request) or not has_device(request.user)


def must_enrol(request):
    """Whether this staff member must set up codes before using the admin."""
    return settings.STAFF_2FA_REQUIRED and not is_verified(request)


class CodeForm(forms.Form):
    """Six digits from the authenticator app."""

    otp_token = forms.RegexField(
        label=gettext_lazy("Code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={
            "required": gettext_lazy("Enter the 6-digit code shown by the authenticator app."),
            "invalid": gettext_lazy("The code is 6 digits, for example 123456."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def token(self):
        return self.cleaned_data["otp_token"].strip()


def verify(device, form):
    """Check the form's code against the device; add the form's error and return False if not.

    Wrong codes slow down (django-otp doubles the wait after each); a code is accepted once.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            if extra and extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                form.add_error(
                    "otp_token",
                    ngettext(
                        "%(count)d wrong code in a row: wait a few seconds and try again.",
                        "%(count)d wrong codes in a row: wait a few seconds and try again.",
                        extra["failure_count"],
                    )
                    % {"count": extra["failure_count"]},
                )
            else:
                form.add_error("otp_token", _("Codes cannot be checked now; try again later."))
            return None
        if device.verify_token(form.token()):
            return device
    form.add_error(
        "otp_token",
        _("This code is not right. Check the clock of your phone and enter the newest code."),
    )
    return None


def config_url(device):
    """The otpauth:// address that authenticator apps read from the QR code."""
    issuer = SiteSettings.load().name.replace(":", "")
    label = f"{issuer}:{device.user.get_username()}"
    params = urlencode(
        {
            "secret": b32encode(device.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{quote(label)}?{params}&issuer={quote(issuer)}"


def qr_svg(data):
    """The QR code as inline SVG markup, drawn here (no image service)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    # The library writes the markup from our own data (geometry only): safe to embed.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def secret_text(device):
    """The secret key in groups of four letters, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _confirm(request, pending, form):
    if not (form.is_valid() and verify(pending, form)):
        return None
    TOTPDevice.objects.filter(pk=pending.pk).update(confirmed=True)
    pending.refresh_from_db()
    _forget(None, pending)
    otp_login(request, pending)
    messages.success(
        request, _("Two-step verification is on: from now on, signing in asks for a code.")
    )
    return redirect(request.path)


def _disable(request, device, form):
    if not (form.is_valid() and verify(device, form)):
        return None
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.user.otp_device = None
    messages.success(request, _("Two-step verification is off."))
    return redirect(request.path)


def _reset(request):
    """A superuser turns codes off for someone who lost their phone."""
    target = get_user_model().objects.filter(pk=request.POST.get("user")).first()
    if target is not None and target != request.user:
        TOTPDevice.objects.filter(user=target).delete()
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=get_user_model().objects.filter(pk=target.pk),
            action_flag=CHANGE,
            change_message=_("Two-factor codes turned off (lost phone)."),
            single_object=True,
        )
        messages.success(
            request,
            _("Two-step verification of %(name)s is off: they sign in with the password.")
            % {"name": target.get_username()},
        )
    return redirect(request.path)


def two_factor_view(request, admin_context):
    """The "Two-step verification" page: set up, turn off, and (superusers) reset."""
    user = request.user
    device = confirmed_device(user)
    pending = None if device else TOTPDevice.objects.filter(user=user, confirmed=False).first()
    action = request.POST.get("action") if request.method == "POST" else None
    form = CodeForm(request.POST if action in ("confirm", "disable") else None)

    answer = None
    if action == "start" and device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        answer = redirect(request.path)
    elif action == "confirm" and pending is not None:
        answer = _confirm(request, pending, form)
    elif action == "disable" and device is not None:
        answer = _disable(request, device, form)
    elif action == "reset" and user.is_superuser:
        answer = _reset(request)
    if answer is not None:
        return answer

    context = {
        **admin_context,
        "title": _("Two-step verification"),
        "device": device,
        "pending": pending,
        "form": form,
        "required": settings.STAFF_2FA_REQUIRED,
    }
    if pending is not None:
        context["qr_svg"] = qr_svg(config_url(pending))
        context["secret"] = secret_text(pending)
    if user.is_superuser:
        context["others"] = (
            get_user_model()
            .objects.filter(totpdevice__confirmed=True)
            .exclude(pk=user.pk)
            .distinct()
            .order_by("username")
        )
    return TemplateResponse(request, "admin/portal/two_factor.html", context)
