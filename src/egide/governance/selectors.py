"""Reading a country's graph and its findings for a user: computed on the map that user may see.

A reader who may see every record of the country (the command line, platform staff, often the owner's members)
gets the findings of the whole map. Any other reader gets those of the part they may see, as if the hidden records
did not exist: a hidden record can neither show them a finding nor make one disappear (which would tell them that
the record exists, and, in a comparison, when it began). Decisions are attached by the finding's key either way.

`country_findings` keeps the engine's answer per map version, day and reader (egide.governance.cache): while the
map, the rules' parameters and the reader's reach stay the same, a request reads neither the graph nor runs the
rules; the decisions are read on every request.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from sys import intern
from typing import Any

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from egide.accounts.selectors import reach_of
from egide.actors import selectors as map_selectors
from egide.actors.models import Actor, Citation, Relationship
from egide.actors.versions import map_version, map_versions
from egide.core.fuzzy_dates import DAY, FuzzyDate
from egide.core.labels import active_language
from egide.core.users import Caller
from egide.governance import cache
from egide.governance.engine import Comparison, compare, page_order, run, visible_and_named, visible_findings
from egide.governance.findings import Finding
from egide.governance.graph import Edge, Graph, Node
from egide.governance.graph import new as new_tuple
from egide.governance.models import FindingDecision, RuleSetting


def country_graph(*, country: str) -> Graph:
    """The country's whole graph, every record included: findings are computed on what is, then filtered.

    Three queries of plain rows (no model instances: at 10,000 actors and 50,000 relationships, making them
    cost more than the rules themselves)."""
    return country_graphs(countries=[country])[country]


def country_graphs(*, countries: Sequence[str]) -> dict[str, Graph]:
    """`country_graph` of several countries at once, in the same three queries whatever their number."""
    french = active_language() == "fr"
    actor_sources: dict[int, list[str]] = defaultdict(list)
    relationship_sources: dict[int, list[str]] = defaultdict(list)
    for actor_id, relationship_id, title, locator in Citation.objects.filter(
        source__country__in=list(countries)
    ).values_list("actor_id", "relationship_id", "source__title", "locator"):
        # The passage relied on goes with the title: "Constitution, art. 23" says which fact it backs.
        passage = locator.strip()
        title = f"{title}, {passage}" if passage else title
        if actor_id is not None:
            actor_sources[actor_id].append(title)
        else:
            relationship_sources[relationship_id].append(title)
    no_sources: tuple[str, ...] = ()
    # The few values of the families, kinds, types and levels (`intern`): one string each rather than one per row,
    # which the shared cache's entry then writes once and refers back to.
    nodes: dict[str, list[Node]] = {country: [] for country in countries}
    for (
        country,
        id,
        reference,
        name_en,
        name_fr,
        family,
        kind,
        statutory,
        legitimacy_disputed,
        mandate_text,
        mandate_reference,
        parent,
        confidence,
        article_fr,
    ) in Actor.objects.filter(country__in=list(countries)).values_list(
        "country",
        "id",
        "reference",
        "name_en",
        "name_fr",
        "family",
        "kind",
        "statutory",
        "legitimacy_disputed",
        "mandate_text",
        "mandate_reference",
        "parent_id",
        "confidence",
        "article_fr",
    ):
        nodes[country].append(
            new_tuple(
                Node,
                (
                    id,
                    reference,
                    (name_fr if french and name_fr else name_en),
                    intern(family),
                    intern(kind),
                    statutory,
                    legitimacy_disputed,
                    bool(mandate_text.strip() or mandate_reference.strip()),
                    parent,
                    intern(confidence),
                    tuple(actor_sources[id]) if id in actor_sources else no_sources,
                    intern(article_fr),
                ),
            )
        )
    # A map's relationships share few dates (years, months): each distinct date and precision is made once, and
    # SQLite gives the dates as text, read once each rather than through the driver's converter on every row.
    dates: dict[tuple[Any, str], FuzzyDate] = {}

    def fuzzy(value: Any, precision: str) -> FuzzyDate:
        key = (value, precision)
        found = dates.get(key)
        if found is None:
            day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
            found = dates[key] = FuzzyDate(day, intern(precision) if precision else DAY)
        return found

    as_text = connection.vendor == "sqlite"
    start_date: str | Cast = Cast("start_date", CharField()) if as_text else "start_date"
    end_date: str | Cast = Cast("end_date", CharField()) if as_text else "end_date"
    edges: dict[str, list[Edge]] = {country: [] for country in countries}
    for (
        country,
        id,
        source,
        target,
        type,
        legal_basis,
        start,
        start_precision,
        end,
        end_precision,
        ongoing,
        confidence,
    ) in Relationship.objects.filter(country__in=list(countries)).values_list(
        "country",
        "id",
        "source_id",
        "target_id",
        "type",
        "legal_basis",
        start_date,
        "start_precision",
        end_date,
        "end_precision",
        "ongoing",
        "confidence",
    ):
        edges[country].append(
            new_tuple(
                Edge,
                (
                    id,
                    source,
                    target,
                    intern(type),
                    legal_basis,
                    fuzzy(start, start_precision) if start is not None else None,
                    fuzzy(end, end_precision) if end is not None else None,
                    ongoing,
                    intern(confidence),
                    tuple(relationship_sources[id]) if id in relationship_sources else no_sources,
                ),
            )
        )
    return {country: Graph.build(nodes[country], edges[country]) for country in countries}


def rule_overrides(*, country: str) -> dict[str, dict[str, Any]]:
    return {setting.rule: setting.parameters for setting in RuleSetting.objects.filter(country=country)}


@dataclass(frozen=True, slots=True)
class CountryFindings:
    """The findings of a map and the team's decisions on them. `graph` is the reader's graph; from
    `country_findings`, only the actors and relationships the findings name (all that describing them reads)."""

    graph: Graph
    findings: list[Finding]
    decisions: dict[str, FindingDecision]
    as_of: datetime.date | None
    # From `country_findings`: the cache entry's key, the findings in the Governance tab's order and the actors
    # concerned by each rule's findings (see egide.governance.cache.CachedRun); else empty, computed when asked.
    key: str = ""
    ordered: tuple[Finding, ...] = ()
    concerned: dict[str, tuple[tuple[int, str], ...]] | None = None

    def open(self) -> list[Finding]:
        return [item for item in self.findings if item.key not in self.decisions]

    def in_page_order(self) -> Sequence[Finding]:
        """The findings in the Governance tab's order (principle, area of action, severity, rule, key)."""
        if self.ordered or not self.findings:
            return self.ordered
        return sorted(self.findings, key=page_order)

    def concerned_by_rule(self) -> dict[str, tuple[tuple[int, str], ...]]:
        """For each rule, the actors its findings concern, as (id, name) pairs by name."""
        if self.concerned is not None:
            return self.concerned
        return cache.concerned_by_rule(self.graph, self.findings)


def _visible_ids(user: Caller, country: str) -> tuple[set[int], set[int]]:
    nodes = set(map_selectors.actors_visible(user=user).filter(country=country).values_list("id", flat=True))
    edges = set(map_selectors.relationships_visible(user=user).filter(country=country).values_list("id", flat=True))
    return nodes, edges


def reader_graph(*, user: Caller, country: str, graph: Graph | None = None) -> Graph:
    """The graph the user's findings are computed on: the whole country's when the user may see all of it (the
    platform itself, platform staff), else the part the user may see."""
    whole = graph or country_graph(country=country)
    if reach_of(user).superuser:
        return whole
    nodes, edges = _visible_ids(user, country)
    if whole.nodes.keys() <= nodes and whole.edge_by_id.keys() <= edges:
        return whole  # one run serves: the whole graph keeps its memo of reaches
    return whole.restricted_to(nodes=nodes, edges=edges)


def _findings_on(graph: Graph, *, country: str, as_of: datetime.date | None) -> CountryFindings:
    findings = run(graph, as_of=as_of, overrides=rule_overrides(country=country))
    # Every record of a reader's graph is one the reader may see; checked again all the same, as a safety net.
    findings = visible_findings(findings, nodes=set(graph.nodes), edges=set(graph.edge_by_id))
    decisions = _decisions(country, frozenset(item.key for item in findings))
    return CountryFindings(graph=graph, findings=findings, decisions=decisions, as_of=as_of)


def reader_scope(user: Caller) -> str:
    """Who reads, as far as the visibility rules tell readers apart (see `Reach.scope`)."""
    return reach_of(user).scope


def _decisions(country: str, keys: frozenset[str]) -> dict[str, FindingDecision]:
    return {
        decision.key: decision
        for decision in FindingDecision.objects.filter(country=country).select_related("decided_by")
        if decision.key in keys
    }


def _computed_run(
    user: Caller, country: str, as_of: datetime.date | None, overrides: dict[str, dict[str, Any]], *, extras: bool
) -> cache.CachedRun:
    return _run_on(reader_graph(user=user, country=country), overrides, as_of=as_of, extras=extras)


def country_findings(
    *,
    user: Caller,
    country: str,
    as_of: datetime.date | None = None,
    graph: Graph | None = None,
    once: bool = False,
) -> CountryFindings:
    """The findings of the map the user may see, with the team's decisions on them. `user` None means the
    platform (the command line): the whole map. `graph`, when given, is the country's whole graph (then nothing
    is cached). `once`: the answer is read once, by a process about to end (the command line); with a cache that
    no other process reads (`cache.shared`), a computed answer is then not written to it, nor is what only later
    readers of the entry use (the page's order, the actors concerned by rule) made in advance."""
    if graph is not None:
        return _findings_on(reader_graph(user=user, country=country, graph=graph), country=country, as_of=as_of)
    # The version is read before the records: an answer is never kept under a version older than its map.
    version = map_version(country=country)
    overrides = rule_overrides(country=country)
    key = cache.run_key(
        country=country,
        version=version,
        as_of=as_of,
        language=active_language(),
        overrides=overrides,
        reader=reader_scope(user),
    )
    share = not once or cache.shared()
    found = cache.cached_run(key, lambda: _computed_run(user, country, as_of, overrides, extras=share), share=share)
    return CountryFindings(
        graph=found.graph,
        findings=list(found.findings),
        decisions=_decisions(country, found.keys),
        as_of=as_of,
        key=key,
        ordered=found.ordered,
        concerned=found.concerned,
    )


def country_comparison(
    *, user: Caller, country: str, earlier: datetime.date, later: datetime.date
) -> tuple[CountryFindings, CountryFindings, Comparison]:
    """Both dates read on the same map, the one the user may see: what "disappeared" did so on that map."""
    graph = reader_graph(user=user, country=country)
    before = _findings_on(graph, country=country, as_of=earlier)
    after = _findings_on(graph, country=country, as_of=later)
    return before, after, compare(before.findings, after.findings)


def _keys_by_country(*, user: Caller, countries: list[str]) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Each country's cache key for the reader's run of the rules today, and its team's rule parameters."""
    versions = map_versions(countries=countries)
    overrides: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for country, rule, parameters in RuleSetting.objects.filter(country__in=countries).values_list(
        "country", "rule", "parameters"
    ):
        overrides[country][rule] = parameters
    language, scope = active_language(), reader_scope(user)
    keys = {
        country: cache.run_key(
            country=country,
            version=versions[country],
            as_of=None,
            language=language,
            overrides=overrides[country],
            reader=scope,
        )
        for country in countries
    }
    return keys, overrides


def _runs_computed(
    *, user: Caller, countries: list[str], keys: dict[str, str], overrides: dict[str, dict[str, Any]]
) -> dict[str, cache.CachedRun]:
    """The runs of these countries, whose answer is not kept: their graphs and the records the user may see read
    for all of them at once, each run computed and kept."""
    graphs = country_graphs(countries=countries)
    if not reach_of(user).superuser:
        nodes: dict[str, set[int]] = defaultdict(set)
        for country, pk in (
            map_selectors.actors_visible(user=user).filter(country__in=countries).values_list("country", "id")
        ):
            nodes[country].add(pk)
        edges: dict[str, set[int]] = defaultdict(set)
        for country, pk in (
            map_selectors.relationships_visible(user=user).filter(country__in=countries).values_list("country", "id")
        ):
            edges[country].add(pk)
        graphs = {
            country: graph
            if graph.nodes.keys() <= nodes[country] and graph.edge_by_id.keys() <= edges[country]
            else graph.restricted_to(nodes=nodes[country], edges=edges[country])
            for country, graph in graphs.items()
        }
    return {
        country: cache.cached_run(keys[country], partial(_run_on, graphs[country], overrides[country]))
        for country in countries
    }


def _decided(countries: list[str]) -> dict[str, set[str]]:
    decided: dict[str, set[str]] = defaultdict(set)
    for country, key in FindingDecision.objects.filter(country__in=countries).values_list("country", "key"):
        decided[country].add(key)
    return decided


def open_findings_by_country(*, user: Caller, countries: Sequence[str]) -> dict[str, list[Finding]]:
    """The open findings (no decision taken on them) of each country's map as the user may see it, as
    `country_findings(...).open()` gives them one country at a time, in a number of queries that does not grow
    with the number of countries: the versions, the rules' parameters and the decisions of all the countries at
    once, and, for the countries whose answer is not kept yet, their graphs and the records the user may see."""
    chosen = sorted(set(countries))
    if not chosen:
        return {}
    keys, overrides = _keys_by_country(user=user, countries=chosen)
    runs: dict[str, cache.CachedRun] = {}
    missing = []
    for country in chosen:
        found = cache.kept(keys[country])
        if found is None:
            missing.append(country)
        else:
            runs[country] = found
    if missing:
        runs.update(_runs_computed(user=user, countries=missing, keys=keys, overrides=overrides))
    decided = _decided(chosen)
    return {
        country: [item for item in runs[country].findings if item.key not in decided[country]] for country in chosen
    }


def open_severities_by_country(*, user: Caller, countries: Sequence[str]) -> dict[str, dict[str, int]]:
    """The number of open findings of each severity in each country (countries without any left out), as
    `open_findings_by_country` counts them, in as many queries; from the findings' keys and severities kept beside
    each answer (egide.governance.cache.severities_kept), so that a page of every country does not load every
    country's findings."""
    chosen = sorted(set(countries))
    if not chosen:
        return {}
    keys, overrides = _keys_by_country(user=user, countries=chosen)
    severities: dict[str, cache.Severities] = {}
    missing = []
    for country in chosen:
        found = cache.severities_kept(keys[country])
        if found is None:
            missing.append(country)
        else:
            severities[country] = found
    if missing:
        computed = _runs_computed(user=user, countries=missing, keys=keys, overrides=overrides)
        for country, run in computed.items():
            severities[country] = cache.severities_of(run)
            cache.severities_keep(keys[country], severities[country])
    decided = _decided(chosen)
    counts: dict[str, dict[str, int]] = {}
    for country in chosen:
        tally = Counter(severity for key, severity in severities[country] if key not in decided[country])
        if tally:
            counts[country] = dict(tally)
    return counts


def _run_on(
    graph: Graph, overrides: dict[str, dict[str, Any]], *, as_of: datetime.date | None = None, extras: bool = True
) -> cache.CachedRun:
    """The cache entry of a run of the rules on a reader's graph; without `extras`, neither the findings in the
    page's order nor the actors concerned by rule (computed when asked: see `CountryFindings`)."""
    findings = run(graph, as_of=as_of, overrides=overrides)
    # Every record of a reader's graph is one the reader may see; checked again all the same, as a safety net.
    findings, *ids = visible_and_named(findings, nodes=set(graph.nodes), edges=set(graph.edge_by_id))
    named = cache.named_part(graph, findings, ids=(ids[0], ids[1]))
    return cache.CachedRun(
        graph=named,
        findings=tuple(findings),
        keys=frozenset(item.key for item in findings),
        ordered=tuple(sorted(findings, key=page_order)) if extras else (),
        concerned=cache.concerned_by_rule(named, findings) if extras else None,
    )
