"""How the governance findings' work grows with the map, measured in one process, the sizes taking turns.

`scaling.py` times whole requests in one process per size: on a shared machine whose load changes from one size
to the next, its growth ratios mix the code's growth with the machine's. This script measures the work behind the
governance page and the findings API (the engine's part of them: no database, no HTTP) on maps of every size held
in one process, each run going through every size in turn, so that a change in the load falls on all sizes
alike and the ratios between sizes are the code's own.

For each size, a map of `benchmarks/generate.py` (the same seed as the other scripts) is made into the engine's
graph in memory, and these steps are timed, median of `--runs` rounds after one warm-up round:

- the whole map's rules (`engine.run`, dated today, as the platform and staff read it);
- a viewer's part (`Graph.restricted_to`: a fixed fifth of the actors and relationships hidden) and its rules;
- the cache entry of the viewer's findings written and read back (`governance.cache.dumps` / `loads`);
- the findings' answer built and written (`documents.finding_documents`, then `json_output.dumps`).

Growth is each step's time ratio over the data's (actors and relationships): above 1, the time grew faster than
the data. Run `python benchmarks/growth.py --help` for the options.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS_DIR))
from common import growth, load_average, machine_line, ms, now_utc  # noqa: E402
from generate import DEFAULT_SEED, generate_map  # noqa: E402

SIZES = (1_000, 5_000, 20_000)
PER_ACTOR = 5
HIDDEN = 0.2  # the share of actors and relationships a viewer does not see


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings")
    os.environ.setdefault("SECRET_KEY", "growth-benchmark-" + "x" * 40)
    import django

    django.setup()


def graph_of(actors: int, seed: int) -> Any:
    """The generated map as the engine's graph (as governance.selectors.country_graph reads it)."""
    from egide.core import taxonomy
    from egide.core.fuzzy_dates import FuzzyDate
    from egide.governance.graph import Edge, Graph, Node

    generated = generate_map(actors=actors, relationships=actors * PER_ACTOR, seed=seed)
    ids = {row["reference"]: number for number, row in enumerate(generated.actors, start=1)}
    nodes = [
        Node(
            id=ids[row["reference"]],
            reference=row["reference"],
            name=row["name_en"],
            family=taxonomy.KIND_BY_CODE[row["kind"]].family,
            kind=row["kind"],
            statutory=row["statutory"] == "yes",
            legitimacy_disputed=row["legitimacy_disputed"] == "yes",
            has_mandate=bool(row["mandate_text"] or row["mandate_reference"]),
            parent=ids.get(row["parent"]) if row["parent"] else None,
            confidence=row["confidence"] or "medium",
            sources=(row["source_title"],) if row["source_title"] else (),
        )
        for row in generated.actors
    ]
    edges = [
        Edge(
            id=number,
            source=ids[row["from"]],
            target=ids[row["to"]],
            type=row["type"],
            legal_basis=row["legal_basis"],
            start=FuzzyDate.parse(row["start"]) if row["start"] else None,
            end=FuzzyDate.parse(row["end"]) if row["end"] else None,
            ongoing=row["ongoing"] == "yes",
            confidence=row["confidence"] or "medium",
            sources=(row["source_title"],) if row["source_title"] else (),
        )
        for number, row in enumerate(generated.relationships, start=1)
    ]
    return Graph.build(nodes, edges)


def steps(graph: Any, day: datetime.date, seed: int) -> list[tuple[str, Callable[[], Any]]]:
    from egide.core.json_output import dumps
    from egide.governance import cache
    from egide.governance.documents import finding_documents
    from egide.governance.engine import run, visible_findings

    rng = random.Random(seed)
    seen_nodes = {node for node in graph.nodes if rng.random() >= HIDDEN}
    seen_edges = {edge.id for edge in graph.edges if rng.random() >= HIDDEN}
    state: dict[str, Any] = {}

    def whole() -> None:
        state["whole"] = run(graph, as_of=day)

    def viewer() -> None:
        part = graph.restricted_to(nodes=seen_nodes, edges=seen_edges)
        found = visible_findings(run(part, as_of=day), nodes=set(part.nodes), edges=set(part.edge_by_id))
        state["part"], state["found"] = part, found

    def entry() -> None:
        part, found = state["part"], state["found"]
        named = cache.named_part(part, found)
        kept = cache.CachedRun(graph=named, findings=tuple(found), keys=frozenset(item.key for item in found))
        cache.loads(cache.dumps(kept))

    def answer() -> None:
        dumps(finding_documents(state["found"], state["part"], {}, language="en"))

    return [
        ("rules on the whole map: engine.run()", whole),
        ("a viewer's part and its rules: restricted_to() + engine.run()", viewer),
        ("the viewer's cache entry written and read: cache.dumps() + loads()", entry),
        ("the viewer's answer built and written: finding_documents() + dumps()", answer),
    ]


def measure(sizes: Sequence[int], runs: int, seed: int) -> tuple[dict[int, dict[str, list[float]]], dict[int, int]]:
    day = datetime.date.today()
    graphs = {size: graph_of(size, seed) for size in sizes}
    data = {size: len(graph.nodes) + len(graph.edges) for size, graph in graphs.items()}
    plans = {size: steps(graph, day, seed) for size, graph in graphs.items()}
    timings: dict[int, dict[str, list[float]]] = {size: {name: [] for name, _ in plans[size]} for size in sizes}
    for number in range(runs + 1):  # the first round warms up
        for size in sizes if number % 2 == 0 else list(reversed(sizes)):
            for name, call in plans[size]:
                gc.collect()
                gc.disable()  # as paused_collection does around this work in the requests
                started = time.perf_counter()
                call()
                elapsed = time.perf_counter() - started
                gc.enable()
                if number:
                    timings[size][name].append(elapsed)
        print(f"round {number} done", flush=True)
    return timings, data


def render(
    timings: dict[int, dict[str, list[float]]], data: dict[int, int], args: argparse.Namespace, load: str
) -> str:
    sizes = sorted(timings)
    names = list(timings[sizes[0]])
    header = ["step"]
    for number, size in enumerate(sizes):
        if number:
            header.append("growth")
        header.append(f"{size:,} actors")
    lines = [
        f"Measured on {now_utc()} with `python benchmarks/growth.py --sizes {','.join(map(str, sizes))} "
        f"--runs {args.runs}`; load average (1 min) {load} on {os.cpu_count()} CPUs.",
        "",
        machine_line([]),
        "",
        "| " + " | ".join(header) + " |",
        "| --- |" + " ---: |" * (len(header) - 1),
    ]
    sized = [data[size] for size in sizes]
    for name in names:
        medians = [statistics.median(timings[size][name]) for size in sizes]
        ratios = growth(medians, sized)
        cells = [ms(medians[0])]
        for ratio, median in zip(ratios, medians[1:], strict=True):
            cells += [f"**×{ratio:.2f}**" if ratio > 1 else f"×{ratio:.2f}", ms(median)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="actors per map (default %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed (default %(default)s)")
    args = parser.parse_args(argv)
    _setup()
    before = load_average()
    timings, data = measure([int(size) for size in args.sizes.split(",")], args.runs, args.seed)
    print(render(timings, data, args, f"{before:.1f} before, {load_average():.1f} after"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
