from django import template

from portal import fragments

register = template.Library()


@register.simple_tag
def live(name):
    """A marker that LiveFragmentMiddleware replaces on every response (portal.fragments)."""
    return fragments.marker(name)
