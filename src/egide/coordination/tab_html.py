"""The Coordination tab's long repeated parts written as HTML in Python: the matrix's rows, the overlaps' programme
links, the flows' and the timeline's table rows. A large country's tab holds thousands of cells, links and rows,
which Django's template language renders at several microseconds a node (about 60 % of the page's time,
benchmarks/coordination.py); here each is one formatted string. Every value is escaped, as the template would;
the markup is the template's own (country_coordination.html, _flows.html, _timeline.html include these)."""

from collections.abc import Callable, Iterable
from decimal import Decimal
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from egide.core.links import pk_address


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _cell(cell: dict[str, Any], empty: str) -> str:
    if not cell["count"]:
        return empty
    parts = ['<td class="number filled"']
    if cell["titles"]:
        parts.append(f' title="{_text(cell["titles"])}"')
    parts.append(f'><span class="cell-count">{cell["count"]}</span>')
    if cell["imported"]:
        own = f"{cell['imported']} " if cell["own"] else ""
        parts.append(f' <span class="cell-origin" title="{_text(cell["imported_title"])}">{own}IATI</span>')
    parts.append("\n      ")
    if cell["committed"]:
        parts.append(f'<span class="cell-money cell-committed">{_text(cell["committed"])}</span>')
    parts.append("\n      ")
    if cell["spent"]:
        parts.append(f'<span class="cell-money cell-spent">{_text(cell["spent"])}</span>')
    parts.append("</td>")
    return "".join(parts)


def matrix_rows(matrix: Iterable[dict[str, Any]]) -> SafeString:
    """The matrix's body rows: a partner's name, then its cells (count, origin, money), an empty cell a dot."""
    empty = f'<td class="number"><span class="muted" aria-label="{_text(gettext("none"))}">·</span></td>'
    return mark_safe(  # every value in it is escaped above
        "".join(
            f'<tr><th scope="row">{_text(row["partner"].name)}</th>'
            + "".join(_cell(cell, empty) for cell in row["cells"])
            + "</tr>"
            for row in matrix
        )
    )


def programme_links(programmes: Iterable[Any]) -> SafeString:
    """An overlap's programmes as list items linking to each programme's page."""
    address = pk_address("programme-detail")
    return mark_safe(  # every value in it is escaped
        "".join(
            f'<li><a href="{_text(address(programme.pk))}">{_text(programme.title)}</a></li>'
            for programme in programmes
        )
    )


def flow_rows(rows: Iterable[dict[str, Any]], formatted: Callable[[Decimal], str]) -> SafeString:
    """The flows table's body: from (its layer), to (its layer), the amount."""
    labelled: dict[str, str] = {}

    def layer(name: str) -> str:
        if name not in labelled:
            labelled[name] = gettext("%(layer)s:") % {"layer": _text(name)}
        return labelled[name]

    return mark_safe(  # every value in it is escaped
        "".join(
            f'<tr><td><span class="muted">{layer(row["source_layer"])}</span> {_text(row["source"])}</td>'
            f'<td><span class="muted">{layer(row["target_layer"])}</span> {_text(row["target"])}</td>'
            f'<td class="number">{_text(formatted(row["amount"]))}</td></tr>'
            for row in rows
        )
    )


def timeline_rows(rows: Iterable[dict[str, Any]], formatted: Callable[[Decimal], str]) -> SafeString:
    """The timeline table's body: partner, period, committed, disbursed and spent."""
    return mark_safe(  # every value in it is escaped
        "".join(
            f"<tr><td>{_text(row['partner'])}</td><td>{_text(row['period'])}</td>"
            f'<td class="number">{_text(formatted(row["committed"]))}</td>'
            f'<td class="number">{_text(formatted(row["spent"]))}</td></tr>'
            for row in rows
        )
    )
