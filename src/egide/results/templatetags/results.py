"""`{% actor_indicators actor %}`: on an actor's page, the indicators of programmes' results frameworks that measure
it, for the reader's programmes only (one query)."""

from typing import Any

from django import template

from egide.actors.models import Actor
from egide.results.selectors import actor_indicators as indicators_of

register = template.Library()


@register.inclusion_tag("results/_actor_indicators.html", takes_context=True)
def actor_indicators(context: dict[str, Any], actor: Actor) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"indicators": []}
    return {"indicators": list(indicators_of(user=user, actor=actor))}
