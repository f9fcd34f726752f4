"""WSGI entry point, used by gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# A page Django just served from the page cache is served again in front of it (portal.replay).
from portal.replay import CachedPageFront  # noqa: E402 - needs the settings set up above

application = CachedPageFront(application)
