from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.models import SiteSettings


class PortalAdminSite(admin.AdminSite):
    """The admin, titled with the portal's name."""

    index_title = _("Portal administration")

    def each_context(self, request):
        context = super().each_context(request)
        name = SiteSettings.load().name
        context["site_header"] = name
        context["site_title"] = name
        return context
