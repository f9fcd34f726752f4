"""Template filters for Vietnamese formats; they call portal.formatting."""

from django import template

from portal import formatting

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    """{{ 4884|vn_number }} → 4.884; {{ 1.754|vn_number:2 }} → 1,75."""
    return formatting.format_number(value, int(decimals))


@register.filter
def vn_percent(value, decimals=2):
    """{{ 1.75|vn_percent }} → 1,75%."""
    return formatting.format_percent(value, int(decimals))


@register.filter
def vn_money(value):
    """{{ 130000000|vn_money }} → 130.000.000 đồng."""
    return formatting.format_money(value)


@register.filter
def vn_date(value):
    """{{ day|vn_date }} → 28/10/2022."""
    return formatting.format_date(value)


@register.filter
def vn_datetime(value):
    """{{ moment|vn_datetime }} → Thứ sáu, 28/10/2022 04:00."""
    return formatting.format_datetime(value)


@register.filter
def get_item(mapping, key):
    """{{ figures|get_item:unit.pk }}: a dictionary value in a template (None if absent)."""
    return mapping.get(key) if mapping else None
