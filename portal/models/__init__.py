"""Site-wide models: the site's settings, the portal's blocks (links, menu, pages, contact,
maintenance notices) and visitor statistics."""

from portal.models.blocks import *  # noqa: F403
from portal.models.site import SiteSettings
from portal.models.visits import *  # noqa: F403

__all__ = ["SiteSettings"]
