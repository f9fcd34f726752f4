from django import template

from indicators.admin_views import todo_for

register = template.Library()


@register.simple_tag(takes_context=True)
def figures_todo(context):
    """What the signed-in staff member has to do about monthly figures."""
    return todo_for(context["request"].user)
