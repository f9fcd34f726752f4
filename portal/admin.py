from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One page of settings: the list goes straight to it, and it cannot be deleted."""

    fieldsets = [
        (None, {"fields": ["name", "agency", "emblem"]}),
        (
            _("Contact details shown in the footer"),
            {"fields": ["address", "phone", "email", "responsible_person", "licence"]},
        ),
        (_("Monthly figures"), {"fields": ["figures_due_day"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if SiteSettings.objects.exists():
            return redirect(reverse("admin:portal_sitesettings_change", args=[1]))
        return redirect(reverse("admin:portal_sitesettings_add"))


# Admin classes of the other site-wide pieces live beside their models.
from portal import admin_blocks, admin_users, admin_visits  # noqa: E402, F401
