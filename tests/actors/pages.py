"""Reading the map's pages in tests: HTMX requests, change messages, the actors and relationships tables."""

import json
import re

from django.http import HttpResponse

from egide.actors.models import Actor
from tests.actors.html import table_rows, text
from tests.conftest import SmallMap

HTMX = {"HTTP_HX_REQUEST": "true"}


def changed_message(response: HttpResponse) -> str:
    """The message an HTMX change sends with its egide:changed event."""
    assert response.status_code == 204
    return str(json.loads(response["HX-Trigger"])["egide:changed"]["message"])


def messages_shown(response: HttpResponse) -> list[str]:
    block = re.search(r'<div id="messages".*?</div>', response.content.decode(), re.S)
    assert block is not None
    return [text(message) for message in re.findall(r'<p class="message[^"]*"[^>]*>(.*?)</p>', block.group(0), re.S)]


def actor_names(response: HttpResponse) -> list[str]:
    """The names in the actors table, in their order (without acronyms and flags)."""
    html = response.content.decode()
    table = html.split('id="actors-table"', 1)[1].split("</table>", 1)[0]
    return [text(name) for name in re.findall(r'<tr>\s*<td><a href="/actors/\d+/">([^<]+)</a>', table)]


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
