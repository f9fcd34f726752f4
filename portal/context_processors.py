from django.conf import settings

from portal.models import SiteSettings


def site(request):
    """Put the portal's settings and languages in every template."""
    return {"site": SiteSettings.load(request), "PORTAL_LANGUAGES": settings.LANGUAGES}


def blocks(request):
    """The menu, maintenance notice and links, computed only if a template uses them."""
    from portal.blocks import SiteBlocks

    return {"blocks": SiteBlocks(request)}
