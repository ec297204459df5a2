"""The dashboard's rows written as HTML in Python: one row per country the reader may see, each with five links,
counts, a band, money by area and indicators. Written by Django's template language they were about two thirds of
the page's time at 190 countries (benchmarks/coordination.py). Every value is escaped, as the template would; the
markup is the one dashboard.html would write (it includes these rows)."""

from collections.abc import Iterable
from html import escape
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from egide.coordination.amounts import money_format
from egide.core.links import code_address, pk_address

NOTHING = '<span class="muted">—</span>'


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def rows(cells: Iterable[dict[str, Any]]) -> SafeString:
    """The table's body: for each row of `dashboard_views._cells`, the country and its links, its region, its open
    findings by severity and in all, its latest assessment, its money and its indicators."""
    detail, governance = code_address("country-detail"), code_address("country-governance")
    assessments, coordination = code_address("country-assessments"), code_address("country-coordination")
    context, assessment = code_address("country-context"), pk_address("assessment-detail")
    whole = money_format(0)
    words = {
        word: _text(gettext(word)) for word in ("Governance", "Assessments", "Coordination", "Context", "no score")
    }
    written = []
    for cell in cells:
        row = cell["row"]
        code = row.country
        parts = [
            f'<tr id="country-{_text(code)}">\n'
            f'    <th scope="row"><a href="{_text(detail(code))}">{_text(row.name)}</a> '
            f'<small class="muted">{_text(code)}</small>\n'
            f'      <small class="dashboard-links no-print"><a href="{_text(governance(code))}">{words["Governance"]}'
            f'</a> · <a href="{_text(assessments(code))}">{words["Assessments"]}</a> · '
            f'<a href="{_text(coordination(code))}">{words["Coordination"]}</a> · '
            f'<a href="{_text(context(code))}">{words["Context"]}</a></small></th>\n'
            f"    <td>{_text(row.region_name or '—')}</td>\n    "
        ]
        for index, count in enumerate(cell["severities"]):
            severe = " severe" if index == 0 and count else ""
            parts.append(f'<td class="number{severe}">{_text(count)}</td>')
        parts.append(
            f'\n    <td class="number findings-total"><a href="{_text(governance(code))}">'
            f"{_text(row.findings_total)}</a></td>\n"
            f'    <td class="assessment">{_assessment(row.assessment, assessment, words["no score"])}</td>\n'
            f'    <td class="number money">{_money(row, cell["top_areas"], whole)}</td>\n    '
        )
        for value in cell["indicators"]:
            shown = (
                f'{_text(floatformat(value.value, "-2"))} <small class="muted">({_text(value.year)})</small>'
                if value
                else NOTHING
            )
            parts.append(f'<td class="number indicator">{shown}</td>')
        parts.append("\n  </tr>")
        written.append("".join(parts))
    return mark_safe("".join(written))  # every value in it is escaped


def _assessment(latest: Any, address: Any, no_score: str) -> str:
    if not latest:
        return NOTHING
    band = f'<span class="band" title="{_text(latest.band_label)}">{_text(latest.band)}</span> ' if latest.band else ""
    score = f"{_text(floatformat(latest.score, '0'))}/100" if latest.score is not None else no_score
    day = _text(date_format(latest.as_of, "SHORT_DATE_FORMAT"))
    return f'<a href="{_text(address(latest.pk))}">{band}{score}</a><br><small class="muted">{day}</small>'


def _money(row: Any, top_areas: list[tuple[str, Any]], whole: Any) -> str:
    if row.money is None:
        return NOTHING
    parts = [f"<strong>{_text(whole(row.money))}</strong>"]
    parts += [f'<small class="money-area">{_text(area)}: {_text(whole(amount))}</small>' for area, amount in top_areas]
    if row.excluded:
        left_out = ngettext(
            "%(counter)s amount without a rate left out", "%(counter)s amounts without a rate left out", row.excluded
        ) % {"counter": row.excluded}
        parts.append(f'<small class="muted">{_text(left_out)}</small>')
    return "".join(parts)
