"""Running the rules over a country's graph, on a date, and comparing two dates."""

import datetime
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from egide.core import taxonomy
from egide.governance.findings import Evidence, Finding
from egide.governance.graph import Graph, Step, new, weakest
from egide.governance.rules import RULE_BY_CODE, RULES, Rule
from egide.governance.texts import (
    LINKS,
    MESSAGES,
    PART_OF,
    english_phrase,
    french_phrase,
    french_plural,
    sentence,
)

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
PRINCIPLE_ORDER = {term.code: index for index, term in enumerate(taxonomy.PRINCIPLES)}
AREA_ORDER = {term.code: index for index, term in enumerate(taxonomy.AREAS_OF_ACTION)}


def page_order(finding: Finding) -> tuple[int, int, int, str, str]:
    """The order of the Governance tab: by principle, area of action, severity, rule, then key."""
    return (
        PRINCIPLE_ORDER.get(finding.principle, len(PRINCIPLE_ORDER)),
        AREA_ORDER.get(finding.area, len(AREA_ORDER)),
        SEVERITY_ORDER.get(finding.severity, len(SEVERITY_ORDER)),
        finding.rule,
        finding.key,
    )


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
        for checked in rule.check(dated, parameters_for(rule, overrides)):
            # The rule's finding with the rule's severity, principle and area: made from its fields in order
            # (rule, key, subjects, evidence, confidence; references last), tens of thousands on a large map.
            found = new(Finding, (*checked[:5], rule.severity, rule.principle, rule.area, checked.references))
            earlier = findings.get(found.key)
            if earlier is not None:
                # The same finding twice (two records of one link, or a link recorded in both directions): one
                # finding, as its key says, with both pieces of evidence.
                found = earlier._replace(
                    evidence=earlier.evidence + found.evidence,
                    confidence=weakest((earlier.confidence, found.confidence)),
                )
            findings[found.key] = found
    return sorted(findings.values(), key=lambda item: (SEVERITY_ORDER.get(item.severity, 3), item.rule, item.key))


def visible_findings(findings: Iterable[Finding], *, nodes: set[int], edges: set[int]) -> list[Finding]:
    """The findings that rest only on records the reader may see: a finding or a piece of evidence that involves
    a hidden actor or relationship is left out whole, the chain searched for a missing link included."""
    return visible_and_named(findings, nodes=nodes, edges=edges)[0]


def visible_and_named(
    findings: Iterable[Finding], *, nodes: set[int], edges: set[int]
) -> tuple[list[Finding], set[int], set[int]]:
    """`visible_findings`, with the actors and relationships the kept findings name (see
    egide.governance.cache.named_part): each finding's records gathered once for both."""
    kept = []
    named_nodes: set[int] = set()
    named_edges: set[int] = set()
    for item in findings:
        item_nodes = set(item.subjects)
        item_edges: set[int] = set()
        lower: set[int] = set()  # the searched chains' lower ends, named but not read for visibility (as before)
        for evidence in item.evidence:
            item_nodes.update(evidence.subjects)
            item_edges.update(evidence.edges)
            for step in evidence.steps:
                item_nodes.add(step.upper)
                item_nodes.add(step.lower)
                if step.edge is not None:
                    item_edges.add(step.edge.id)
            for step in evidence.searched:
                item_nodes.add(step.upper)
                lower.add(step.lower)
                if step.edge is not None:
                    item_edges.add(step.edge.id)
        if item_nodes <= nodes and item_edges <= edges:
            kept.append(item)
            named_nodes |= item_nodes
            named_nodes |= lower
            named_edges |= item_edges
    return kept, named_nodes, named_edges


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


class _Words:
    """Actors' names as a sentence in one language uses them (French with the article each record gives), each
    made once."""

    def __init__(self, graph: Graph, *, french: bool) -> None:
        self.graph = graph
        self.french = french
        self._phrases: dict[tuple[int, str], str] = {}

    def actor(self, node: int, case: str = "") -> str:
        found = self._phrases.get((node, case))
        if found is None:
            found = self._phrases[(node, case)] = self._phrase(node, case)
        return found

    def _phrase(self, node: int, case: str) -> str:
        found = self.graph.nodes.get(node)
        if found is None:
            return "?"
        if not self.french:
            return english_phrase(found.name, found.article_fr)
        return french_phrase(found.name, found.article_fr, case)

    def plural(self, node: int | None) -> bool:
        found = self.graph.nodes.get(node) if node is not None else None
        return found is not None and french_plural(found.article_fr)

    def link(self, step: Step) -> str:
        if step.edge is not None:
            # In the edge's own direction, whichever way the chain runs: "A reports to B".
            code = step.edge.type
            english, french, case = LINKS.get(code, ((code, code), (code, code), ""))
            first, second = step.edge.source, step.edge.target
        else:
            english, french, case = PART_OF
            first, second = step.lower, step.upper  # the child is part of the parent
        verb = (french if self.french else english)[1 if self.plural(first) else 0]
        return f"{self.actor(first)} {verb} {self.actor(second, case if self.french else '')}"


_FIELDS: dict[str, frozenset[str]] = {}


def _fields(text: str) -> frozenset[str]:
    """The names a text's placeholders read."""
    found = _FIELDS.get(text)
    if found is None:
        found = _FIELDS[text] = frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)
    return found


def words_for(graph: Graph, *, language: str) -> _Words:
    """What `describe` reads actors' names with; one for many descriptions of the same graph saves making each
    name again."""
    return _Words(graph, french=language == "fr")


def describe(evidence: Evidence, graph: Graph, *, language: str, words: _Words | None = None) -> str:
    """The evidence in words, in English or French, naming the actors and relationships it rests on, and, for a
    missing link, every body above the subject that was searched. `words`, from `words_for` on the same graph and
    language, may be given."""
    if words is None:
        words = words_for(graph, language=language)
    above = list(dict.fromkeys(step.upper for step in evidence.searched))
    message = f"{evidence.message}+above" if above and f"{evidence.message}+above" in MESSAGES else evidence.message
    english_text, french_text = MESSAGES[message]
    text = french_text if words.french else english_text
    subjects = evidence.subjects
    # Only what the text names is made: the chain's words cost most, and many texts do not name it.
    values: dict[str, str] = {}
    for name in _fields(text):
        if name == "subject":
            values[name] = words.actor(subjects[0]) if subjects else ""
        elif name == "de_subject":
            values[name] = words.actor(subjects[0], "de") if subjects else ""
        elif name == "other":
            values[name] = words.actor(subjects[1]) if len(subjects) > 1 else ""
        elif name == "above":
            values[name] = ", ".join(words.actor(node) for node in above)
        elif name == "path":
            values[name] = "; ".join(words.link(step) for step in evidence.steps)
        elif name == "detail":
            values[name] = evidence.detail
        else:
            plural = words.plural(subjects[0] if subjects else None)
            values["it"] = "them" if plural else "it"
            values["ses"] = "leurs" if plural else "ses"
            values["lui"] = "leur" if plural else "lui"
    return sentence(text.format_map(values))


def evidence_records(evidence: Evidence) -> tuple[set[int], set[int]]:
    """The actors and relationships whose citations back a piece of evidence, not every record it names: a link
    rests on its relationship (a place in the hierarchy on the child, whose record holds it); a fact about an
    actor, or a link missing for it, on that actor, with the links above it that were searched."""
    nodes: set[int] = set()
    edges: set[int] = set(evidence.edges)
    for step in (*evidence.steps, *evidence.searched):
        if step.edge is not None:
            edges.add(step.edge.id)
        else:
            nodes.add(step.lower)
    if evidence.kind in ("fact", "missing"):
        nodes.update(evidence.subjects)
    return nodes, edges


def evidence_sources(evidence: Evidence, graph: Graph) -> list[str]:
    """The sources of the facts a piece of evidence rests on (`evidence_records`), as the graph names them."""
    nodes, edges = evidence_records(evidence)
    sources: list[str] = []
    for edge in edges:
        found = graph.edge_by_id.get(edge)
        sources.extend(found.sources if found is not None else ())
    for node in nodes:
        if node in graph.nodes:
            sources.extend(graph.nodes[node].sources)
    return sorted(set(sources))


def rule_of(finding: Finding) -> Rule:
    return RULE_BY_CODE[finding.rule]
