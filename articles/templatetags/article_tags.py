"""Template filters for article pages."""

from django import template

from portal.formatting import format_datetime, format_number

register = template.Library()


@register.filter
def vn_datetime(value):
    """{{ article.publish_at|vn_datetime }} → Thứ sáu, 28/10/2022 04:00."""
    return format_datetime(value)


@register.filter
def vn_number(value, decimals=0):
    """{{ 4884|vn_number }} → 4.884."""
    return format_number(value, decimals)
