"""Messages of Django itself whose Vietnamese translation is missing or unclear.

Listing their ids here puts them in the project's catalogue, which takes precedence over
Django's own (LOCALE_PATHS comes first), so the admin and forms read well in Vietnamese.
"""

from django.utils.translation import gettext_noop

OVERRIDES = [
    gettext_noop("Enter a valid email address."),
    gettext_noop("Error:"),
    # Django says "Thêm một Ảnh " (with a stray space) under an inline.
    gettext_noop("Add another %(verbose_name)s"),
]
