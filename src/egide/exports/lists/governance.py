"""A country's governance findings, as the Governance tab filters them (its form, its day, its filter)."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy

from egide.core import as_of as shared_as_of
from egide.core import taxonomy
from egide.core.users import Caller
from egide.core.web import country_or_404
from egide.exports.columns import Column, Rows
from egide.exports.lists.base import ListExport, Scope, choice_labels, labels
from egide.governance import presentation, selectors
from egide.governance.engine import describe, rule_of, words_for
from egide.governance.forms import OPEN, SEVERITIES, STATUSES, FindingFilterForm, rule_title

EVIDENCE_SEPARATOR = " | "
ACTOR_SEPARATOR = "; "


def _columns() -> list[Column]:
    principles, areas = labels(taxonomy.PRINCIPLES), labels(taxonomy.AREAS_OF_ACTION)
    severities, statuses = choice_labels(SEVERITIES), choice_labels(STATUSES)
    confidences = labels(taxonomy.CONFIDENCE_LEVELS)

    def read(name: str, table: dict[str, str] | None = None) -> Any:
        return lambda row: table.get(row[name], row[name]) if table is not None else row[name]

    return [
        Column(gettext_lazy("Rule"), read("rule")),
        Column(gettext_lazy("Finding"), read("title")),
        Column(gettext_lazy("Principle"), read("principle", principles)),
        Column(gettext_lazy("Area of action"), read("area", areas)),
        Column(gettext_lazy("Severity"), read("severity", severities)),
        Column(gettext_lazy("Status"), read("status", statuses)),
        Column(gettext_lazy("Confidence"), read("confidence", confidences)),
        Column(gettext_lazy("Actors concerned"), read("actors")),
        Column(gettext_lazy("Evidence"), read("evidence")),
        Column(gettext_lazy("As of"), read("as_of")),
    ]


def _pin(request: HttpRequest, query: QueryDict) -> None:
    """The page's day when the address names none: the one the session remembers, else today."""
    if not query.get("as_of"):
        query["as_of"] = (shared_as_of.remembered(request) or datetime.date.today()).isoformat()


def _findings(*, user: Caller, scope: str, query: QueryDict, columns: list[Column]) -> Rows:
    country = country_or_404(scope)
    form = FindingFilterForm(query)
    day = form.value("as_of") or datetime.date.today()
    result = selectors.country_findings(user=user, country=country, as_of=day)
    findings = presentation.filtered(result.in_page_order(), result.decisions, form)
    language = get_language() or "en"

    def records() -> Iterator[dict[str, Any]]:
        words = words_for(result.graph, language=language)
        nodes = result.graph.nodes
        for finding in findings:
            decision = result.decisions.get(finding.key)
            yield {
                "rule": finding.rule,
                "title": rule_title(rule_of(finding)),
                "principle": finding.principle,
                "area": finding.area,
                "severity": finding.severity,
                "status": decision.status if decision is not None else OPEN,
                "confidence": finding.confidence,
                "actors": ACTOR_SEPARATOR.join(nodes[node].name for node in finding.subjects if node in nodes),
                "evidence": EVIDENCE_SEPARATOR.join(
                    describe(item, result.graph, language=language, words=words) for item in finding.evidence
                ),
                "as_of": day,
            }

    return Rows(total=len(findings), records=records)


LISTS = (
    ListExport(
        name="findings",
        title=gettext_lazy("Governance findings"),
        scopes=frozenset({Scope.COUNTRY}),
        columns=_columns,
        select=_findings,
        page=lambda scope: reverse("country-governance", kwargs={"code": scope}),
        pin=_pin,
    ),
)
