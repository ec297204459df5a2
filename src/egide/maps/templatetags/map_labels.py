"""Labels of the command tree's codes, in the reader's language."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from egide.core import taxonomy
from egide.maps.tree import PART_OF

register = template.Library()


@register.filter
def kind_label(code: str) -> str:
    kind = taxonomy.KIND_BY_CODE.get(code)
    return kind.label if kind else code


@register.filter
def link_label(code: str) -> str:
    """How an actor hangs from the one above it: a relationship type's label, or “part of” (the hierarchy)."""
    if code == PART_OF:
        return _("part of")
    kind = taxonomy.RELATIONSHIP_TYPE_BY_CODE.get(code)
    return kind.label if kind else code


@register.filter
def commanders_of(actor_id: int, commanders: dict[int, list[Any]] | None) -> list[Any]:
    """Who commanded the actor on the tree's day (egide.duediligence.commanders), for readers who may read them."""
    return (commanders or {}).get(actor_id, [])
