"""`{% actor_incidents actor %}`: on an actor's page, the incidents in which the unit is named as responsible, among
those the reader may read (nothing for anonymous visitors, and no section when there is nothing to read)."""

from typing import Any

from django import template

from egide.actors.models import Actor
from egide.duediligence.incident_selectors import actor_incidents as incidents_of

register = template.Library()

SHOWN = 20
"""The latest ones; the country's list of incidents, filtered on the unit, holds them all."""


@register.inclusion_tag("duediligence/incidents/_actor_incidents.html", takes_context=True)
def actor_incidents(context: dict[str, Any], actor: Actor) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"incidents": []}
    found = incidents_of(user=user, actor_id=actor.pk)
    incidents = list(found[: SHOWN + 1])
    return {
        "actor": actor,
        "incidents": incidents[:SHOWN],
        "total": found.count() if len(incidents) > SHOWN else len(incidents),
    }
