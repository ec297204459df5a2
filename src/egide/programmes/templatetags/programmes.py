"""`{% actor_programmes actor %}`: the programmes that support an actor, those the reader may see (the actor's page)."""

from typing import Any

from django import template
from django.template.context import Context

from egide.actors.models import Actor
from egide.programmes.selectors import programmes_supporting

register = template.Library()


@register.inclusion_tag("programmes/_actor_programmes.html", takes_context=True)
def actor_programmes(context: Context, actor: Actor) -> dict[str, Any]:
    return {"programmes": list(programmes_supporting(user=context["request"].user, actor=actor))}
