"""Findings as plain JSON-ready data: what the API answers and `egide governance check --format json` prints.

The shapes are those declared in egide.governance.schemas (FindingOut, FindingsOut, ComparisonOut), which the API
keeps for its OpenAPI document; the answers themselves are built here as dicts and written by
egide.core.json_output, since making tens of thousands of schema objects cost more than finding the findings.
Nothing here imports django-ninja or pydantic, so that the command line starts without them.
"""

import datetime
import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings

from egide.core import taxonomy
from egide.core.json_output import dumps
from egide.core.labels import active_language
from egide.governance.engine import Comparison, describe, evidence_sources, words_for
from egide.governance.findings import Evidence, Finding
from egide.governance.graph import Graph
from egide.governance.models import FindingDecision
from egide.governance.rules import RULE_BY_CODE
from egide.governance.selectors import CountryFindings

Document = dict[str, Any]


def moment(value: datetime.datetime) -> str:
    """A date and time as the API has always written them (Django's JSON encoder): milliseconds, and "Z" for UTC."""
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    if text.endswith("+00:00"):
        text = text.removesuffix("+00:00") + "Z"
    return text


def decision_document(decision: FindingDecision | None) -> Document | None:
    if decision is None:
        return None
    return {
        "status": decision.status,
        "comment": decision.comment,
        "decided_by": decision.decided_by.get_username() if decision.decided_by is not None else None,
        "decided_at": moment(decision.decided_at),
    }


class _Writer:
    """Findings of one graph in one language; what every finding would otherwise look up again (the language,
    the rules' titles, the actors' names) is looked up once."""

    def __init__(self, graph: Graph, *, language: str) -> None:
        self.graph = graph
        self.language = language
        french = language == "fr"
        self.titles = {code: rule.title_fr if french else rule.title_en for code, rule in RULE_BY_CODE.items()}
        self.kinds = {code: kind.label_fr if french else kind.label_en for code, kind in taxonomy.KIND_BY_CODE.items()}
        self.actors: dict[int, Document] = {}
        self.words = words_for(graph, language=language)

    def actor(self, node: int) -> Document:
        found = self.actors.get(node)
        if found is None:
            record = self.graph.nodes[node]
            found = self.actors[node] = {"id": node, "reference": record.reference, "name": record.name}
        return found

    def text(self, item: Evidence) -> str:
        """The evidence in words."""
        words = item
        if item.detail in self.kinds:
            # A kind named in the words ("no border guard on the map"): its label, not its code.
            words = Evidence(
                kind=item.kind,
                message=item.message,
                subjects=item.subjects,
                steps=item.steps,
                edges=item.edges,
                detail=self.kinds[item.detail],
                searched=item.searched,
            )
        return describe(words, self.graph, language=self.language, words=self.words)

    def evidence(self, item: Evidence) -> Document:
        searched_nodes, _searched_edges = item.searched_ids
        return {
            "kind": item.kind,
            "text": self.text(item),
            "actors": sorted(item.node_ids),
            "relationships": sorted(item.edge_ids),
            "searched": sorted(searched_nodes),
            "sources": evidence_sources(item, self.graph),
        }

    def finding(self, item: Finding, decision: FindingDecision | None) -> Document:
        nodes = self.graph.nodes
        return {
            "key": item.key,
            "rule": item.rule,
            "title": self.titles[item.rule],
            "principle": item.principle,
            "area": item.area,
            "severity": item.severity,
            "confidence": item.confidence,
            "actors": [self.actor(node) for node in item.subjects if node in nodes],
            "evidence": [self.evidence(piece) for piece in item.evidence],
            "decision": decision_document(decision),
        }


def _language() -> str:
    return "fr" if active_language() == "fr" else "en"


def finding_documents(
    items: list[Finding], graph: Graph, decisions: dict[str, FindingDecision], *, language: str = ""
) -> list[Document]:
    """Findings in the shape of FindingOut, each with the decision taken on it (found in decisions by its key)."""
    writer = _Writer(graph, language=language or _language())
    return [writer.finding(item, decisions.get(item.key)) for item in items]


Row = tuple[str, str, str, str, str, list[str]]


def finding_rows(result: CountryFindings) -> list[Row]:
    """The findings as the command's table shows them: (severity, rule, the actors' references, confidence, the
    decision's status or "open", the texts of the evidence), the same words as `findings_document` gives, without
    what the table does not print (the sources, the ids, the titles)."""
    writer = _Writer(result.graph, language=_language())
    nodes = result.graph.nodes
    decisions = result.decisions
    text = writer.text
    rows = []
    for item in result.findings:
        decision = decisions.get(item.key)
        rows.append(
            (
                item.severity,
                item.rule,
                ", ".join(nodes[node].reference for node in item.subjects if node in nodes) or "-",
                item.confidence,
                decision.status if decision is not None else "open",
                [text(piece) for piece in item.evidence] or [""],
            )
        )
    return rows


def findings_document(
    result: CountryFindings, *, country: str, as_of: datetime.date, findings: list[Finding] | None = None
) -> Document:
    """A country's findings in the shape of FindingsOut: all of them, or those given."""
    chosen = result.findings if findings is None else findings
    return {
        "country": country,
        "as_of": as_of.isoformat(),
        "findings": finding_documents(chosen, result.graph, result.decisions),
    }


class _Encoded:
    """The findings of the last cache entries this process answered, each written once as JSON without its decision
    (`"decision":null`, its last member), by the entry's key (which holds the language): a warm answer joins them,
    writing only the decisions, which are read on every request."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, result: CountryFindings) -> dict[str, bytes]:
        with self._lock:
            found = self._entries.get(result.key)
            if found is not None:
                self._entries.move_to_end(result.key)
                return found
        writer = _Writer(result.graph, language=_language())
        found = {item.key: dumps(writer.finding(item, None)) for item in result.findings}
        with self._lock:
            self._entries[result.key] = found
            while len(self._entries) > settings.EGIDE_FINDINGS_IN_MEMORY:
                self._entries.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


encoded = _Encoded()
_UNDECIDED = b"null}"


def findings_json(result: CountryFindings, *, country: str, as_of: datetime.date, findings: list[Finding]) -> bytes:
    """`findings_document` of those findings, written as JSON (the same bytes as `dumps` of it). From a cache
    entry (`result.key`), each finding is written once per process; its decision, now, on every call."""
    if not result.key:
        return dumps(findings_document(result, country=country, as_of=as_of, findings=findings))
    written = encoded.get(result)
    decisions = result.decisions
    parts = []
    for item in findings:
        part = written[item.key]
        decision = decisions.get(item.key)
        if decision is not None:
            part = part[: -len(_UNDECIDED)] + dumps(decision_document(decision)) + b"}"
        parts.append(part)
    head = dumps({"country": country, "as_of": as_of.isoformat()})
    return head[:-1] + b',"findings":[' + b",".join(parts) + b"]}"


def comparison_document(
    before: CountryFindings,
    after: CountryFindings,
    comparison: Comparison,
    *,
    country: str,
    earlier: datetime.date,
    later: datetime.date,
) -> Document:
    """The comparison in the shape of ComparisonOut (its dates under their aliases, "from" and "to")."""
    return {
        "country": country,
        "from": earlier.isoformat(),
        "to": later.isoformat(),
        "appeared": finding_documents(comparison.appeared, after.graph, after.decisions),
        "disappeared": finding_documents(comparison.disappeared, before.graph, before.decisions),
        "stayed": finding_documents(comparison.stayed, after.graph, after.decisions),
    }
