from django import template
from django.template.context import Context

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: Context, name: str, value: object) -> str:
    """The current query string with one parameter replaced (for pagers and sort links)."""
    params = context["request"].GET.copy()
    params[name] = str(value)
    return str(params.urlencode())


@register.filter
def member_of(value: object, collection: object) -> bool:
    """`{{ item|member_of:collection }}`: whether the item is in the collection (for permission sets)."""
    try:
        return value in collection  # type: ignore[operator]
    except TypeError:
        return False
