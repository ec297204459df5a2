"""The dashboard's section of due-diligence alerts (`{% diligence_alerts %}` in the coordination dashboard): shown
only to a reader with unacknowledged alerts on assessments their organisation owns."""

from typing import Any

from django import template
from django.template.context import Context

from egide.duediligence.diligence_selectors import alerts_for, alerts_shown

register = template.Library()

SHOWN = 20


@register.inclusion_tag("duediligence/diligence/_dashboard_alerts.html", takes_context=True)
def diligence_alerts(context: Context) -> dict[str, Any]:
    request = context["request"]
    if not request.user.is_authenticated:
        return {"alerts": []}
    queryset = alerts_for(user=request.user)
    shown = alerts_shown(user=request.user, alerts=list(queryset[:SHOWN]))
    return {
        "alerts": shown.alerts,
        "total": queryset.count() if len(shown.alerts) == SHOWN else len(shown.alerts),
        "readable_incidents": shown.incidents,
        "readable_people": shown.people,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
