"""What a page needs to show the map (actors/_map.html): its data address on the chosen day, the layout to open
with, the addresses of the preferences, of the command tree and of the governance analysis on the same day."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from egide.core import taxonomy
from egide.maps.models import Layout
from egide.maps.selectors import map_layout

SESSION_LAYOUT = "egide.map_layout"


def with_day(url: str, day: datetime.date | None) -> str:
    """The address with `?as_of=` for that day (none: the address as it is)."""
    return f"{url}?{urlencode({'as_of': day.isoformat()})}" if day else url


def chosen_layout(request: HttpRequest) -> str:
    """The layout the reader chose last: a user's is saved with their account, a visitor's in the session."""
    layout = map_layout(user=request.user) if request.user.is_authenticated else request.session.get(SESSION_LAYOUT)
    return layout if layout in Layout.values else Layout.FORCE


def map_context(request: HttpRequest, country: str, day: datetime.date | None) -> dict[str, Any]:
    return {
        "map_url": with_day(reverse("api-1:country_map", kwargs={"code": country}), day),
        "map_as_of": day,
        "map_layout": chosen_layout(request),
        "map_layouts": Layout.choices,
        "map_preferences_url": reverse("map-preferences"),
        "command_tree_url": with_day(reverse("country-command-tree", kwargs={"code": country}), day),
        "governance_url": with_day(reverse("country-governance", kwargs={"code": country}), day),
        "map_page_url": with_day(reverse("country-detail", kwargs={"code": country}), day) + "#map",
        "actor_url_template": reverse("actor-detail", kwargs={"pk": 0}),
        "families": taxonomy.FAMILIES,
        "relationship_types": taxonomy.RELATIONSHIP_TYPES,
    }
