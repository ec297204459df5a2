"""Reads for the map's pages: a user's remembered layout, and the command tree of the map a reader may see."""

import datetime

from egide.core.users import Caller
from egide.governance.selectors import reader_graph
from egide.maps.models import MapPreference
from egide.maps.tree import CommandTree, command_tree


def map_layout(*, user: Caller) -> str | None:
    """The layout the user chose last, if any (an anonymous visitor's lives in the session)."""
    if user is None or not user.is_authenticated:
        return None
    return MapPreference.objects.filter(user=user).values_list("layout", flat=True).first()


def country_command_tree(*, user: Caller, country: str, as_of: datetime.date | None = None) -> CommandTree:
    """The organisation chart of the part of the country's map the user may see (through the governance
    selectors, hence `accounts.selectors`), with the relationships that held on `as_of` (all of them when None)."""
    graph = reader_graph(user=user, country=country)
    return command_tree(graph.on(as_of) if as_of is not None else graph)
