"""Running the rules over a country's graph, on a date, and comparing two dates."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from egide.governance.findings import Evidence, Finding
from egide.governance.graph import Graph, weakest
from egide.governance.rules import RULE_BY_CODE, RULES, Rule
from egide.governance.texts import MESSAGES, PART_OF

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def parameters_for(rule: Rule, overrides: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    values = rule.defaults()
    for name, value in (overrides or {}).get(rule.code, {}).items():
        if name in values:
            values[name] = tuple(value) if isinstance(values[name], tuple) else bool(value)
    return values


def run(
    graph: Graph,
    *,
    as_of: datetime.date | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    rules: Iterable[Rule] = RULES,
) -> list[Finding]:
    """Every rule's findings on the graph as it stood on `as_of` (all relationships when None), most severe first."""
    dated = graph.on(as_of) if as_of is not None else graph
    findings: dict[str, Finding] = {}
    for rule in rules:
        for found in rule.check(dated, parameters_for(rule, overrides)):
            found = replace(found, severity=rule.severity, principle=rule.principle, area=rule.area)
            earlier = findings.get(found.key)
            if earlier is not None:
                # The same finding twice (two records of one link, or a link recorded in both directions): one
                # finding, as its key says, with both pieces of evidence.
                found = replace(
                    earlier,
                    evidence=earlier.evidence + found.evidence,
                    confidence=weakest((earlier.confidence, found.confidence)),
                )
            findings[found.key] = found
    return sorted(findings.values(), key=lambda item: (SEVERITY_ORDER.get(item.severity, 3), item.rule, item.key))


def visible_findings(findings: Iterable[Finding], *, nodes: set[int], edges: set[int]) -> list[Finding]:
    """The findings that rest only on records the reader may see: a finding or a piece of evidence that involves
    a hidden actor or relationship is left out whole."""
    return [item for item in findings if item.node_ids <= nodes and item.edge_ids <= edges]


@dataclass(frozen=True, slots=True)
class Comparison:
    appeared: list[Finding]
    disappeared: list[Finding]
    stayed: list[Finding]


def compare(before: Iterable[Finding], after: Iterable[Finding]) -> Comparison:
    """Findings matched by their key: which appeared, which disappeared and which stayed between two runs."""
    earlier = {item.key: item for item in before}
    later = {item.key: item for item in after}
    return Comparison(
        appeared=[item for key, item in later.items() if key not in earlier],
        disappeared=[item for key, item in earlier.items() if key not in later],
        stayed=[item for key, item in later.items() if key in earlier],
    )


def _name(graph: Graph, node: int) -> str:
    found = graph.nodes.get(node)
    return found.name if found else "?"


def describe(evidence: Evidence, graph: Graph, *, language: str, type_labels: Mapping[str, str]) -> str:
    """The evidence in words, in English or French, naming the actors and relationships it rests on."""
    french = language == "fr"
    links = []
    for step in evidence.steps:
        if step.edge is not None:
            verb = type_labels.get(step.edge.type, step.edge.type)
            links.append(f"{_name(graph, step.edge.source)} {verb} {_name(graph, step.edge.target)}")
        else:
            links.append(
                f"{_name(graph, step.lower)} {PART_OF[1] if french else PART_OF[0]} {_name(graph, step.upper)}"
            )
    english_text, french_text = MESSAGES[evidence.message]
    subjects = [_name(graph, node) for node in evidence.subjects]
    return (french_text if french else english_text).format(
        subject=subjects[0] if subjects else "",
        other=subjects[1] if len(subjects) > 1 else "",
        path="; ".join(links),
        detail=evidence.detail,
    )


def rule_of(finding: Finding) -> Rule:
    return RULE_BY_CODE[finding.rule]
