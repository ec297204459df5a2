"""Pages of the governance analysis: a country's findings, the comparison of two dates, the rules and their
parameters. Thin: forms collect, the selectors read (the engine runs once per request), the services write.

Names of actors and the sources of the facts come from the country's graph, never from further queries."""

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egide.accounts.selectors import may_decide_on_findings
from egide.core import taxonomy
from egide.core.labels import Term, active_language
from egide.core.reference import countries
from egide.governance import selectors, services
from egide.governance.engine import SEVERITY_ORDER, describe, parameters_for, rule_of
from egide.governance.findings import Evidence, Finding
from egide.governance.forms import (
    OPEN,
    SEVERITIES,
    ComparisonForm,
    DecisionForm,
    FindingFilterForm,
    ReopenForm,
    RuleSettingForm,
    parameter_choices,
    parameter_kind,
    parameter_label,
    rule_title,
    years_before,
)
from egide.governance.graph import Graph
from egide.governance.models import DecisionStatus, FindingDecision
from egide.governance.rules import RULE_BY_CODE, RULES, Rule

PAGE_SIZE = 50
COMPARISON_LIMIT = 100  # findings listed per group on the comparison page (all are counted)
PRINCIPLE_ORDER = {term.code: index for index, term in enumerate(taxonomy.PRINCIPLES)}
AREA_ORDER = {term.code: index for index, term in enumerate(taxonomy.AREAS_OF_ACTION)}
SEVERITY_LABELS = dict(SEVERITIES)


# --- helpers ------------------------------------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _country_or_404(code: str) -> str:
    code = code.upper()
    if code not in countries():
        raise Http404(_("No such country."))
    return code


def _changed(request: HttpRequest, message: str, *, redirect_to: str) -> HttpResponse:
    """After a successful change: tell HTMX pages to refresh, or redirect a plain form post."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Trigger"] = json.dumps({"egide:changed": {"message": message}})
        return response
    messages.success(request, message)
    return HttpResponseRedirect(redirect_to)


def _apply_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def anchor(key: str) -> str:
    """A stable HTML id for a finding (its key may hold any character)."""
    return "finding-" + hashlib.blake2s(key.encode(), digest_size=6).hexdigest()


def _term(terms: Mapping[str, Term], code: str) -> Term:
    return terms.get(code) or Term(code, code, code)


def _severity_label(code: str) -> str:
    return str(SEVERITY_LABELS.get(code, code))


# --- findings as shown ----------------------------------------------------------------------------------------------


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
        self.type_labels = {term.code: term.label for term in taxonomy.RELATIONSHIP_TYPES}
        self.kind_labels = {term.code: term.label for term in taxonomy.KINDS}
        self.confidence_labels = {term.code: term.label for term in taxonomy.CONFIDENCE_LEVELS}

    def _evidence(self, item: Evidence) -> EvidenceRow:
        if item.detail in self.kind_labels:
            # A kind named in the words of the evidence ("no border guard on the map"): its label, not its code.
            item = dataclasses.replace(item, detail=self.kind_labels[item.detail])
        text = describe(item, self.graph, language="fr" if self.french else "en", type_labels=self.type_labels)
        sources: set[str] = set()
        for node in item.node_ids:
            if node in self.graph.nodes:
                sources.update(self.graph.nodes[node].sources)
        for edge in item.edge_ids:
            if edge in self.graph.edge_by_id:
                sources.update(self.graph.edge_by_id[edge].sources)
        return EvidenceRow(text=text, sources=sorted(sources), rests_on_records=bool(item.node_ids or item.edge_ids))

    def _actors(self, finding: Finding) -> list[Actor]:
        """The actors concerned first, then the others the evidence names, by name."""
        nodes = self.graph.nodes
        first = [node for node in dict.fromkeys(finding.subjects) if node in nodes]
        others = sorted((node for node in finding.node_ids - set(first) if node in nodes), key=lambda n: nodes[n].name)
        return [Actor(id=node, name=nodes[node].name) for node in [*first, *others]]

    def row(self, finding: Finding, decisions: Mapping[str, FindingDecision]) -> FindingRow:
        rule = rule_of(finding)
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
            node_ids=" ".join(str(node) for node in sorted(finding.node_ids)),
            edge_ids=" ".join(str(edge) for edge in sorted(finding.edge_ids)),
        )

    def rows(self, findings: Iterable[Finding], decisions: Mapping[str, FindingDecision]) -> list[FindingRow]:
        return [self.row(finding, decisions) for finding in findings]


def _grouping_order(finding: Finding) -> tuple[int, int, int, str, str]:
    return (
        PRINCIPLE_ORDER.get(finding.principle, len(PRINCIPLE_ORDER)),
        AREA_ORDER.get(finding.area, len(AREA_ORDER)),
        SEVERITY_ORDER.get(finding.severity, len(SEVERITY_ORDER)),
        finding.rule,
        finding.key,
    )


def _filtered(
    findings: list[Finding], decisions: Mapping[str, FindingDecision], form: FindingFilterForm
) -> list[Finding]:
    severity, principle, area = form.value("severity"), form.value("principle"), form.value("area")
    status, rule = form.value("status"), form.value("rule")
    chosen = []
    for finding in findings:
        decision = decisions.get(finding.key)
        if severity and finding.severity != severity:
            continue
        if principle and finding.principle != principle:
            continue
        if area and finding.area != area:
            continue
        if rule and finding.rule != rule:
            continue
        if status and (decision.status if decision else OPEN) != status:
            continue
        chosen.append(finding)
    return sorted(chosen, key=_grouping_order)


def _summary(findings: list[Finding]) -> dict[str, Any]:
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


# --- the Governance tab ---------------------------------------------------------------------------------------------


def _tab_context(request: HttpRequest, country: str, tab: str) -> dict[str, Any]:
    return {
        "country": country,
        "country_name": countries()[country].label,
        "tab": tab,
        "can_decide": may_decide_on_findings(user=request.user, country=country),
    }


def country_governance(request: HttpRequest, code: str) -> HttpResponse:
    country = _country_or_404(code)
    today = datetime.date.today()
    data = request.GET.copy()
    if not data.get("as_of"):
        data["as_of"] = today.isoformat()
    form = FindingFilterForm(data)
    as_of = form.value("as_of") or today
    result = selectors.country_findings(user=request.user, country=country, as_of=as_of)
    findings = _filtered(result.findings, result.decisions, form)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    presenter = Presenter(result.graph)
    context = _tab_context(request, country, "findings") | {
        "form": form,
        "as_of": as_of,
        "is_today": as_of == today,
        "all_count": len(result.findings),
        "open_count": len(result.open()),
        "count": len(findings),
        "page": page,
        "rows": presenter.rows(page.object_list, result.decisions),
        "summary": _summary(findings),
        "filtered": any(form.value(name) for name in ("severity", "principle", "area", "status", "rule")),
    }
    if _is_htmx(request):
        response = render(request, "governance/_findings.html", context | {"partial": True})
    else:
        context.update(
            {
                "map_url": reverse("api-1:country_map", kwargs={"code": country}),
                "actor_url_template": reverse("actor-detail", kwargs={"pk": 0}),
                "families": taxonomy.FAMILIES,
                "relationship_types": taxonomy.RELATIONSHIP_TYPES,
            }
        )
        response = render(request, "governance/country.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _visible_finding(request: HttpRequest, country: str, key: str, as_of: datetime.date | None) -> tuple[Any, Finding]:
    """The finding the user may see with this key, on the page's date; not found otherwise."""
    result = selectors.country_findings(user=request.user, country=country, as_of=as_of or datetime.date.today())
    for finding in result.findings:
        if finding.key == key:
            return result, finding
    raise Http404(_("No such finding."))


def _governance_url(country: str, as_of: datetime.date | None, key: str = "") -> str:
    url = reverse("country-governance", kwargs={"code": country})
    if as_of:
        url += f"?as_of={as_of.isoformat()}"
    return url + (f"#{anchor(key)}" if key else "")


@login_required
@require_POST
def finding_decide(request: HttpRequest, code: str) -> HttpResponse:
    """Acknowledge a finding with a comment, or mark it as a false positive with a reason."""
    country = _country_or_404(code)
    if not may_decide_on_findings(user=request.user, country=country):
        raise PermissionDenied(_("Only editors working on this country may decide on its findings."))
    form = DecisionForm(request.POST)
    form.is_valid()
    key = form.cleaned_data.get("key")
    if not key:
        return HttpResponseBadRequest(_("No such finding."))
    as_of = form.cleaned_data.get("as_of")
    _result, finding = _visible_finding(request, country, key, as_of)
    if not form.errors:
        try:
            services.finding_decide(
                user=request.user,
                country=country,
                key=finding.key,
                rule=finding.rule,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            message = (
                _("Finding marked as a false positive: %(rule)s.")
                if form.cleaned_data["status"] == DecisionStatus.FALSE_POSITIVE
                else _("Finding acknowledged: %(rule)s.")
            ) % {"rule": rule_title(rule_of(finding))}
            return _changed(request, message, redirect_to=_governance_url(country, as_of, key))
    if request.headers.get("HX-Request") == "true":
        return render(
            request,
            "governance/_decision_form.html",
            {"country": country, "form": form, "key": key, "anchor": anchor(key), "as_of": as_of},
        )
    for field_errors in form.errors.values():
        for message_text in field_errors:
            messages.error(request, str(message_text))
    return HttpResponseRedirect(_governance_url(country, as_of, key))


@login_required
@require_POST
def finding_reopen(request: HttpRequest, code: str) -> HttpResponse:
    """Withdraw the decision on a finding: it is open again."""
    country = _country_or_404(code)
    if not may_decide_on_findings(user=request.user, country=country):
        raise PermissionDenied(_("Only editors working on this country may decide on its findings."))
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("No such finding."))
    key, as_of = form.cleaned_data["key"], form.cleaned_data.get("as_of")
    result, finding = _visible_finding(request, country, key, as_of)
    decision = result.decisions.get(key)
    if decision is None:
        raise Http404(_("This finding has no decision to withdraw."))
    services.finding_reopen(user=request.user, decision=decision)
    message = _("Finding reopened: %(rule)s.") % {"rule": rule_title(rule_of(finding))}
    return _changed(request, message, redirect_to=_governance_url(country, as_of, key))


# --- comparing two dates ------------------------------------------------------------------------------------------


def country_compare(request: HttpRequest, code: str) -> HttpResponse:
    country = _country_or_404(code)
    today = datetime.date.today()
    data = request.GET.copy()
    data.setdefault("from", years_before(today, 10).isoformat())
    data.setdefault("to", today.isoformat())
    form = ComparisonForm(data)
    context = _tab_context(request, country, "compare") | {"form": form, "limit": COMPARISON_LIMIT}
    if form.is_valid():
        earlier, later = form.cleaned_data["from"], form.cleaned_data["to"]
        before, after, comparison = selectors.country_comparison(
            user=request.user, country=country, earlier=earlier, later=later
        )
        presenter = Presenter(after.graph)
        groups = []
        for name, title, findings, decisions in (
            ("appeared", _("Appeared"), comparison.appeared, after.decisions),
            ("disappeared", _("Disappeared"), comparison.disappeared, before.decisions),
            ("stayed", _("Stayed"), comparison.stayed, after.decisions),
        ):
            ordered = sorted(findings, key=_grouping_order)
            groups.append(
                {
                    "name": name,
                    "title": title,
                    "count": len(ordered),
                    "rows": presenter.rows(ordered[:COMPARISON_LIMIT], decisions),
                    "severities": [
                        {"label": label, "count": sum(1 for item in ordered if item.severity == code)}
                        for code, label in SEVERITIES
                    ],
                }
            )
        context.update({"earlier": earlier, "later": later, "groups": groups})
    return render(request, "governance/compare.html", context)


# --- rules and their parameters -----------------------------------------------------------------------------------


def _labels_for(kind: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for choice in parameter_choices(kind):
        if isinstance(choice[1], list):
            labels.update({code: str(label) for code, label in choice[1]})
        else:
            labels[choice[0]] = str(choice[1])
    return labels


def _rule_card(
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
        parameters.append(
            {
                "name": parameter.name,
                "label": parameter_label(parameter),
                "kind": kind,
                "values": shown,
                "defaults": default_shown,
                "changed": changed,
                "field": form[parameter.name] if form is not None else None,
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


def rule_list(request: HttpRequest, code: str) -> HttpResponse:
    country = _country_or_404(code)
    context = _tab_context(request, country, "rules")
    overrides = selectors.rule_overrides(country=country)
    cards = []
    for rule in RULES:
        form = (
            RuleSettingForm(rule=rule, values=parameters_for(rule, overrides))
            if context["can_decide"] and rule.parameters
            else None
        )
        cards.append(_rule_card(rule, overrides, form=form))
    context["cards"] = cards
    return render(request, "governance/rules.html", context)


@login_required
@require_POST
def rule_setting(request: HttpRequest, code: str, rule: str) -> HttpResponse:
    """Change a rule's parameters for the country (or restore its defaults)."""
    country = _country_or_404(code)
    if rule not in RULE_BY_CODE or not RULE_BY_CODE[rule].parameters:
        raise Http404(_("No such rule."))
    found = RULE_BY_CODE[rule]
    if not may_decide_on_findings(user=request.user, country=country):
        raise PermissionDenied(_("Only editors working on this country may change its rules."))
    overrides = selectors.rule_overrides(country=country)
    form = RuleSettingForm(request.POST, rule=found, values=parameters_for(found, overrides))
    restore = "restore" in request.POST
    title = rule_title(found)
    valid = form.is_valid()
    if restore or valid:
        parameters = (
            {name: list(value) if isinstance(value, tuple) else value for name, value in found.defaults().items()}
            if restore
            else form.parameters()
        )
        try:
            services.rule_setting_set(user=request.user, country=country, rule=found.code, parameters=parameters)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            message = (_("Default parameters restored: %(rule)s.") if restore else _("Parameters saved: %(rule)s.")) % {
                "rule": title
            }
            if request.headers.get("HX-Request") != "true":
                messages.success(request, message)
                return HttpResponseRedirect(reverse("governance-rules", kwargs={"code": country}) + f"#rule-{rule}")
            overrides = selectors.rule_overrides(country=country)
            fresh = RuleSettingForm(rule=found, values=parameters_for(found, overrides))
            response = render(
                request,
                "governance/_rule.html",
                {"card": _rule_card(found, overrides, form=fresh), "country": country, "can_decide": True},
            )
            response["HX-Trigger"] = json.dumps({"egide:changed": {"message": message}})
            return response
    card = _rule_card(found, overrides, form=form)
    if request.headers.get("HX-Request") == "true":
        return render(request, "governance/_rule.html", {"card": card, "country": country, "can_decide": True})
    context = _tab_context(request, country, "rules")
    context["cards"] = [
        card
        if other.code == found.code
        else _rule_card(
            other,
            overrides,
            form=RuleSettingForm(rule=other, values=parameters_for(other, overrides)) if other.parameters else None,
        )
        for other in RULES
    ]
    return render(request, "governance/rules.html", context, status=400)
