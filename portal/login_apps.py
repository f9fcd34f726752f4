"""django-axes under a Vietnamese name; login messages that lack a Vietnamese translation.

django-axes ships no Vietnamese translation, and Django 5.2 changed the message of a too short
password without updating its own: listing their ids here puts them in the project's catalogue
(LOCALE_PATHS comes first), so the lists of attempts and the password errors read in Vietnamese.
"""

from axes.apps import AppConfig
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy


class LockStatusMixin:
    """The lock column of django-axes' list of attempts, under a translated heading."""

    @admin.display(description=_("Status"))
    def status(self, obj):
        return super().status(obj)


class AxesConfig(AppConfig):
    """The lists of failed and successful staff logins, named in the admin's language."""

    verbose_name = _("Login security")


AXES_MESSAGES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]

PASSWORD_MESSAGES = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        12,
    ),
]
