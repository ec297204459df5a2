"""The chain searches (`Graph.reach_down`, `Graph.above`) read an index of each node's chain links, built once per
graph: they must find what a search over every edge of every node finds, step for step and in the same order, and
the engine must keep every field of the findings the rules return."""

import datetime
import random
from collections import Counter

from egide.governance.engine import run
from egide.governance.graph import CHAIN_TYPES, REPORTING_TYPES, Edge, Graph, Node, Reach, Step
from egide.governance.rules import RULES
from tests.governance.graphs import model_country

DAY = datetime.date(2025, 1, 1)
TYPES = ("commands", "administers", "reports_to", "oversees", "funds", "audits")


def _random_graph(seed: int, size: int = 60) -> Graph:
    rng = random.Random(seed)
    nodes = [
        Node(
            id=index,
            reference=f"N{index}",
            name=f"Node {index}",
            family="security_providers",
            kind="police",
            parent=rng.randrange(1, index) if index > 2 and rng.random() < 0.4 else None,
        )
        for index in range(1, size + 1)
    ]
    edges = [
        Edge(id=number, source=rng.randint(1, size + 3), target=rng.randint(1, size), type=rng.choice(TYPES))
        for number in range(1, size * 3)
    ]  # a few edges start outside the graph (ids above size): they must be ignored
    return Graph.build(nodes, edges)


def _reach_down_over_every_edge(graph: Graph, starts: dict[int, tuple[Step, ...]]) -> Reach:
    reach = Reach(starts)
    queue = list(starts)
    for current in queue:
        lowers: list[tuple[int, Edge | None]] = [
            (edge.target, edge) for edge in graph.outgoing.get(current, ()) if edge.type in CHAIN_TYPES
        ]
        lowers += [(edge.source, edge) for edge in graph.incoming.get(current, ()) if edge.type in REPORTING_TYPES]
        lowers += [(child, None) for child in graph.children.get(current, ())]
        for lower, edge in lowers:
            if lower not in reach:
                reach.above[lower] = Step(upper=current, lower=lower, edge=edge)
                queue.append(lower)
    return reach


def _above_over_every_edge(graph: Graph, node: int) -> tuple[Step, ...]:
    steps: list[Step] = []
    seen = {node}
    queue = [node]
    for current in queue:
        uppers: list[tuple[int, Edge | None]] = [
            (edge.source, edge) for edge in graph.incoming.get(current, ()) if edge.type in CHAIN_TYPES
        ]
        uppers += [(edge.target, edge) for edge in graph.outgoing.get(current, ()) if edge.type in REPORTING_TYPES]
        parent = graph.nodes[current].parent if current in graph.nodes else None
        if parent is not None and parent in graph.nodes:
            uppers.append((parent, None))
        for upper, edge in uppers:
            if upper not in seen:
                seen.add(upper)
                steps.append(Step(upper=upper, lower=current, edge=edge))
                queue.append(upper)
    return tuple(steps)


def test_reach_down_and_above_find_what_a_search_of_every_edge_finds() -> None:
    for seed in range(25):
        graph = _random_graph(seed)
        rng = random.Random(seed)
        starts: dict[int, tuple[Step, ...]] = dict.fromkeys(rng.sample(sorted(graph.nodes), 3), ())
        starts[999] = ()  # a start outside the graph reaches nothing below it
        found = graph.reach_down(starts)
        expected = _reach_down_over_every_edge(graph, starts)
        assert found.above == expected.above  # the same steps, each through the same edge
        assert list(found) == list(expected)  # reached in the same (breadth-first) order
        for node in [*graph.nodes, 999]:
            assert graph.above(node) == _above_over_every_edge(graph, node)


def test_the_engine_keeps_every_field_of_a_rules_findings() -> None:
    """The engine adds each rule's severity, principle and area to its findings and changes nothing else."""
    graph = model_country().without_node("AUDIT").change("ARMY", has_mandate=False).graph()
    returned = [found for rule in RULES for found in rule.check(graph.on(DAY), rule.defaults())]
    once = {key for key, count in Counter(found.key for found in returned).items() if count == 1}
    checked = {found.key: found for found in returned if found.key in once}
    findings = run(graph, as_of=DAY)
    assert len(checked) >= 3
    rules = {rule.code: rule for rule in RULES}
    for item in findings:
        rule = rules[item.rule]
        assert (item.severity, item.principle, item.area) == (rule.severity, rule.principle, rule.area)
        assert all((item.severity, item.principle, item.area))
        if item.key in checked:  # a finding returned twice is one, with both pieces of evidence
            original = checked[item.key]
            for name in item._fields:
                if name not in ("severity", "principle", "area"):
                    assert getattr(item, name) == getattr(original, name), name
