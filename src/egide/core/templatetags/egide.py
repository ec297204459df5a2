from django import template
from django.template.context import Context

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: Context, name: str, value: object) -> str:
    """The current query string with one parameter replaced (for pagers and sort links)."""
    params = context["request"].GET.copy()
    params[name] = str(value)
    return str(params.urlencode())
