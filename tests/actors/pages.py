"""Reading the map's pages in tests: HTMX requests, change messages, the actors and relationships tables."""

import json

from django.http import HttpResponse

from egide.actors.models import Actor
from tests.actors.html import element, elements, table_rows, text_of
from tests.conftest import SmallMap

HTMX = {"HTTP_HX_REQUEST": "true"}


def changed_message(response: HttpResponse) -> str:
    """The message an HTMX change sends with its egide:changed event."""
    assert response.status_code == 204
    return str(json.loads(response["HX-Trigger"])["egide:changed"]["message"])


def messages_shown(response: HttpResponse) -> list[str]:
    """The messages in the page's message area, in their order."""
    area = element(response.content.decode(), "#messages")
    return [text_of(message) for message in area.select("p.message")]


def actor_names(response: HttpResponse) -> list[str]:
    """The names in the actors table, in their order (without acronyms and flags)."""
    rows = elements(response.content.decode(), "#actors-table table tbody > tr")
    return [text_of(link) for row in rows if (link := row.select_one("td:first-child > a[href^='/actors/']"))]


def relationship_rows(response: HttpResponse) -> list[tuple[str, str, str]]:
    return [
        (row[0], row[1], row[2]) for row in table_rows(response.content.decode(), "relationships-table") if len(row) > 2
    ]


def army_form(small_map: SmallMap, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name_en": "Armed Forces",
        "name_fr": "Forces armées",
        "acronym_en": "FACA",
        "kind": "armed_forces",
        "reference": "FACA",
        "parent": small_map.defence.pk,
        "statutory": "on",
        "confidence": "medium",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def relationship_form(source: Actor, type: str, target: Actor, **fields: object) -> dict[str, object]:
    return {
        "source": source.pk,
        "type": type,
        "target": target.pk,
        "ongoing": "on",
        "strength": "moderate",
        "confidence": "medium",
        **fields,
    }
