"""Template filters for article pages."""

from django import template

from portal.formatting import format_datetime

register = template.Library()


@register.filter
def vn_datetime(value):
    """{{ article.publish_at|vn_datetime }} → Thứ sáu, 28/10/2022 04:00."""
    return format_datetime(value)
