"""`{% actor_holders actor %}`: on an actor's page, who held posts in it over time, among the people the reader may
read (nothing for anonymous visitors: egide.duediligence.access)."""

from typing import Any

from django import template

from egide.actors.models import Actor
from egide.duediligence.people_selectors import actor_holders as holders_of

register = template.Library()


@register.inclusion_tag("duediligence/people/_actor_holders.html", takes_context=True)
def actor_holders(context: dict[str, Any], actor: Actor) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"holders": [], "shown": False}
    return {"holders": holders_of(user=user, actor=actor), "shown": True}
