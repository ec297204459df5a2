"""What the governance pages show: the engine's findings as rows in the active language, their order and
filters, the summary by area of action and severity, the comparison of two dates, the rules' cards.

Names of actors and the sources of the facts come from the country's graph, never from further queries."""

import dataclasses
import hashlib
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from egide.core import taxonomy
from egide.core.labels import Term, active_language
from egide.governance.engine import (
    Comparison,
    describe,
    evidence_sources,
    page_order,
    parameters_for,
    rule_of,
    words_for,
)
from egide.governance.findings import Evidence, Finding
from egide.governance.forms import (
    OPEN,
    SEVERITIES,
    FindingFilterForm,
    RuleSettingForm,
    parameter_choices,
    parameter_kind,
    parameter_label,
    rule_title,
)
from egide.governance.graph import Graph
from egide.governance.models import FindingDecision
from egide.governance.rules import RULES, Rule
from egide.governance.selectors import CountryFindings

SEVERITY_LABELS = dict(SEVERITIES)


def anchor(key: str) -> str:
    """A stable HTML id for a finding (its key may hold any character)."""
    return "finding-" + hashlib.blake2s(key.encode(), digest_size=6).hexdigest()


def _term(terms: Mapping[str, Term], code: str) -> Term:
    return terms.get(code) or Term(code, code, code)


def _severity_label(code: str) -> str:
    return str(SEVERITY_LABELS.get(code, code))


# --- findings as shown ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    text: str
    sources: list[str]
    rests_on_records: bool = True  # False for an absence that names no actor ("no ombudsman on the map")


@dataclass(frozen=True, slots=True)
class FindingRow:
    finding: Finding
    anchor: str
    title: str
    explanation: str
    principle: Term
    area: Term
    severity: str
    severity_label: str
    confidence_label: str
    actors: list[Actor]
    evidence: list[EvidenceRow]
    sources: list[str]  # when every piece of evidence rests on the same sources, they are listed once, here
    decision: FindingDecision | None
    node_ids: str
    edge_ids: str

    @property
    def heading(self) -> str:
        """Under its rule's card, a finding is named by the actors it concerns (the rule is the card's title)."""
        names = [actor.name for actor in self.actors if actor.id in self.finding.subjects]
        if names:
            return " · ".join(names)
        # A finding about the map as a whole ("no border guard on the map") is named by what it found.
        return self.evidence[0].text if self.evidence else self.title

    @property
    def key(self) -> str:
        return self.finding.key

    @property
    def status(self) -> str:
        return self.decision.status if self.decision else OPEN


class Presenter:
    """Turns the engine's findings into what the templates show, in the active language."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.french = active_language() == "fr"
        self.kind_labels = {term.code: term.label for term in taxonomy.KINDS}
        self.confidence_labels = {term.code: term.label for term in taxonomy.CONFIDENCE_LEVELS}
        self.words = words_for(graph, language="fr" if self.french else "en")

    def _evidence(self, item: Evidence) -> EvidenceRow:
        if item.detail in self.kind_labels:
            # A kind named in the words of the evidence ("no border guard on the map"): its label, not its code.
            item = item._replace(detail=self.kind_labels[item.detail])
        text = describe(item, self.graph, language="fr" if self.french else "en", words=self.words)
        sources = evidence_sources(item, self.graph)
        return EvidenceRow(text=text, sources=sources, rests_on_records=bool(item.node_ids or item.edge_ids))

    def _actors(self, finding: Finding) -> list[Actor]:
        """The actors concerned first, then the others the evidence names, by name."""
        nodes = self.graph.nodes
        first = [node for node in dict.fromkeys(finding.subjects) if node in nodes]
        others = sorted((node for node in finding.node_ids - set(first) if node in nodes), key=lambda n: nodes[n].name)
        return [Actor(id=node, name=nodes[node].name) for node in [*first, *others]]

    def row(self, finding: Finding, decisions: Mapping[str, FindingDecision]) -> FindingRow:
        rule = rule_of(finding)
        searched_nodes, searched_edges = finding.searched_ids
        evidence = [self._evidence(item) for item in finding.evidence]
        shared: list[str] = []
        if len(evidence) > 1 and all(item.sources == evidence[0].sources for item in evidence):
            shared = evidence[0].sources
            evidence = [dataclasses.replace(item, sources=[]) for item in evidence]
        return FindingRow(
            finding=finding,
            anchor=anchor(finding.key),
            title=rule_title(rule),
            explanation=rule.explanation_fr if self.french else rule.explanation_en,
            principle=_term(taxonomy.PRINCIPLE_BY_CODE, finding.principle),
            area=_term(taxonomy.AREA_BY_CODE, finding.area),
            severity=finding.severity,
            severity_label=_severity_label(finding.severity),
            confidence_label=self.confidence_labels.get(finding.confidence, finding.confidence),
            actors=self._actors(finding),
            evidence=evidence,
            sources=shared,
            decision=decisions.get(finding.key),
            node_ids=" ".join(str(node) for node in sorted(finding.node_ids | searched_nodes)),
            edge_ids=" ".join(str(edge) for edge in sorted(finding.edge_ids | searched_edges)),
        )

    def rows(self, findings: Iterable[Finding], decisions: Mapping[str, FindingDecision]) -> list[FindingRow]:
        return [self.row(finding, decisions) for finding in findings]


def _actor_links(actors: list[Actor]) -> SafeString:
    """The list items linking to the actors. On a large map a rule concerns thousands: joined here with the
    standard library's escaping, far faster than a `{% url %}` tag (or `format_html`) for each."""
    address = html.escape(reverse("actor-detail", kwargs={"pk": 0}))
    start, end = address[: address.rindex("0")], address[address.rindex("0") + 1 :]
    # Every name is escaped, and the address is Django's own.
    return mark_safe(
        "".join(f'<li><a href="{start}{actor.id}{end}">{html.escape(actor.name)}</a></li>' for actor in actors)
    )


GROUP_SIZE = 10  # findings listed under each rule's card when the page shows every rule
ACTORS_LISTED = 100  # actors named in a card's list of those concerned (all are counted)


def rule_groups(
    findings: Sequence[Finding],
    decisions: Mapping[str, FindingDecision],
    presenter: "Presenter",
    *,
    concerned: Mapping[str, Sequence[tuple[int, str]]],
    shown: Sequence[Finding] | None = None,
    limit: int = GROUP_SIZE,
) -> list[dict[str, Any]]:
    """The findings the filters keep (in the page's order) as one card per rule: each with their number, the
    number still open, the actors they concern (the first ACTORS_LISTED by name, all counted) and the first `limit`
    of them as rows; or, when `shown` is given (one page of one rule), those.

    Only the rows listed are described: the work and the page stay bounded whatever the number of findings.
    `concerned` holds the actors of each rule's findings by name (see CountryFindings.concerned_by_rule)."""
    counts: dict[str, int] = {}
    open_counts: dict[str, int] = {}
    listed: dict[str, list[Finding]] = {}
    for finding in findings:
        code = finding.rule
        counts[code] = counts.get(code, 0) + 1
        if finding.key not in decisions:
            open_counts[code] = open_counts.get(code, 0) + 1
        if shown is None:
            first = listed.setdefault(code, [])
            if len(first) < limit:
                first.append(finding)
    if shown is not None:
        for finding in shown:
            listed.setdefault(finding.rule, []).append(finding)
    groups = []
    for code, chosen in listed.items():
        rows = presenter.rows(chosen, decisions)
        head = rows[0]
        actors = concerned.get(code, ())
        named = [Actor(id=node, name=name) for node, name in actors[:ACTORS_LISTED]]
        groups.append(
            {
                "code": code,
                "anchor": f"findings-{code}",
                "title": head.title,
                "explanation": head.explanation,
                "severity": head.severity,
                "severity_label": head.severity_label,
                "principle": head.principle,
                "area": head.area,
                "count": counts.get(code, 0),
                "open_count": open_counts.get(code, 0),
                "actors": named,
                "actor_count": len(actors),
                "actors_left": len(actors) - len(named),
                "actors_html": _actor_links(named),
                "rows": rows,
            }
        )
    return groups


def filtered(
    findings: Sequence[Finding], decisions: Mapping[str, FindingDecision], form: FindingFilterForm
) -> Sequence[Finding]:
    """The findings the filters of the Governance tab keep, in their order: give them in the page's order
    (CountryFindings.in_page_order)."""
    severity, principle, area = form.value("severity"), form.value("principle"), form.value("area")
    status, rule = form.value("status"), form.value("rule")
    if not (severity or principle or area or status or rule):
        return findings
    chosen = []
    for finding in findings:
        if severity and finding.severity != severity:
            continue
        if principle and finding.principle != principle:
            continue
        if area and finding.area != area:
            continue
        if rule and finding.rule != rule:
            continue
        if status:
            decision = decisions.get(finding.key)
            if (decision.status if decision else OPEN) != status:
                continue
        chosen.append(finding)
    return chosen


def summary(findings: Iterable[Finding]) -> dict[str, Any]:
    """Counts by severity for each area of action, as a table and as the chart's data."""
    counts = {term.code: dict.fromkeys(SEVERITY_LABELS, 0) for term in taxonomy.AREAS_OF_ACTION}
    for finding in findings:
        if finding.area in counts and finding.severity in SEVERITY_LABELS:
            counts[finding.area][finding.severity] += 1
    rows = [
        {
            "area": term,
            "counts": [counts[term.code][severity] for severity in SEVERITY_LABELS],
            "total": sum(counts[term.code].values()),
        }
        for term in taxonomy.AREAS_OF_ACTION
    ]
    totals = [sum(counts[code][severity] for code in counts) for severity in SEVERITY_LABELS]
    chart = {
        "categories": [term.label for term in taxonomy.AREAS_OF_ACTION],
        "series": [
            {"code": code, "name": str(label), "data": [counts[term.code][code] for term in taxonomy.AREAS_OF_ACTION]}
            for code, label in SEVERITIES
        ],
        "total": _("Total"),
    }
    return {
        "rows": rows,
        "totals": totals,
        "total": sum(totals),
        "severities": [{"code": code, "label": label} for code, label in SEVERITIES],
        # In an attribute, not a json_script element: HTMX drops <script> elements from the content it swaps in
        # (allowScriptTags is off), and the summary is swapped in when the filters change.
        "chart_json": json.dumps(chart),
    }


# --- rules and their parameters -----------------------------------------------------------------------------------


def _labels_for(kind: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for choice in parameter_choices(kind):
        if isinstance(choice[1], list):
            labels.update({code: str(label) for code, label in choice[1]})
        else:
            labels[choice[0]] = str(choice[1])
    return labels


def _choice_groups(kind: str, field: Any) -> list[dict[str, Any]]:
    """A list parameter's choices as groups of check boxes (kinds by family), each ticked as the form says."""
    chosen = {str(value) for value in (field.value() or ())}
    groups = []
    for index, choice in enumerate(parameter_choices(kind)):
        label, options = (choice[0], choice[1]) if isinstance(choice[1], list) else ("", [choice])
        groups.append(
            {
                "label": str(label),
                "id": f"{field.auto_id}-group-{index}",
                "choices": [
                    {"value": code, "label": str(text), "checked": code in chosen, "id": f"{field.auto_id}-{code}"}
                    for code, text in options
                ],
            }
        )
    if all(not group["label"] for group in groups):  # relationship types, families: one plain list
        groups = [{"label": "", "id": f"{field.auto_id}-group-0", "choices": [c for g in groups for c in g["choices"]]}]
    return groups


def rule_card(
    rule: Rule, overrides: Mapping[str, Mapping[str, Any]], *, form: RuleSettingForm | None
) -> dict[str, Any]:
    values = parameters_for(rule, overrides)
    defaults = rule.defaults()
    parameters = []
    for parameter in rule.parameters:
        kind = parameter_kind(parameter)
        value, default = values[parameter.name], defaults[parameter.name]
        if kind == "boolean":
            shown, default_shown = ([_("Yes") if value else _("No")], [_("Yes") if default else _("No")])
            changed = bool(value) != bool(default)
        else:
            labels = _labels_for(kind)
            shown = [labels.get(code, code) for code in value]
            default_shown = [labels.get(code, code) for code in default]
            changed = set(value) != set(default)
        field = form[parameter.name] if form is not None else None
        parameters.append(
            {
                "groups": _choice_groups(kind, field) if field is not None and kind != "boolean" else [],
                "name": parameter.name,
                "label": parameter_label(parameter),
                "kind": kind,
                "values": shown,
                "defaults": default_shown,
                "changed": changed,
                "field": field,
            }
        )
    french = active_language() == "fr"
    return {
        "rule": rule,
        "anchor": f"rule-{rule.code}",
        "title": rule_title(rule),
        "explanation": rule.explanation_fr if french else rule.explanation_en,
        "principle": _term(taxonomy.PRINCIPLE_BY_CODE, rule.principle),
        "area": _term(taxonomy.AREA_BY_CODE, rule.area),
        "severity": rule.severity,
        "severity_label": _severity_label(rule.severity),
        "parameters": parameters,
        "changed": any(parameter["changed"] for parameter in parameters),
        "form": form,
    }


def rule_cards(
    overrides: Mapping[str, Mapping[str, Any]], *, can_set_rules: bool, shown: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The cards of every rule, with a form for its parameters for those who may change them; `shown` is a card
    already made (a form refused, with its errors) that stands for its rule."""
    cards = []
    for rule in RULES:
        if shown is not None and shown["rule"].code == rule.code:
            cards.append(shown)
            continue
        form = (
            RuleSettingForm(rule=rule, values=parameters_for(rule, overrides))
            if can_set_rules and rule.parameters
            else None
        )
        cards.append(rule_card(rule, overrides, form=form))
    return cards


# --- comparing two dates ------------------------------------------------------------------------------------------


def comparison_groups(
    before: CountryFindings, after: CountryFindings, comparison: Comparison, *, limit: int
) -> list[dict[str, Any]]:
    """The findings that appeared, disappeared and stayed between two dates, each group counted whole but listed
    up to `limit`, with its decisions of the date it is seen at."""
    presenter = Presenter(after.graph)
    groups = []
    for name, title, findings, decisions in (
        ("appeared", _("Appeared"), comparison.appeared, after.decisions),
        ("disappeared", _("Disappeared"), comparison.disappeared, before.decisions),
        ("stayed", _("Stayed"), comparison.stayed, after.decisions),
    ):
        ordered = sorted(findings, key=page_order)
        groups.append(
            {
                "name": name,
                "title": title,
                "count": len(ordered),
                "rows": presenter.rows(ordered[:limit], decisions),
                "severities": [
                    {"label": label, "count": sum(1 for item in ordered if item.severity == code)}
                    for code, label in SEVERITIES
                ],
            }
        )
    return groups
