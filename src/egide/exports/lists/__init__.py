"""Every list that exports, by name."""

from egide.exports.lists import assessments, governance, map, programmes
from egide.exports.lists.base import ListExport, Scope

LISTS: dict[str, ListExport] = {
    export.name: export for module in (map, governance, programmes, assessments) for export in module.LISTS
}

__all__ = ["LISTS", "ListExport", "Scope"]
