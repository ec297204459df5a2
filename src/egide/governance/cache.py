"""The governance findings kept per map version, so that a page, an API call or the command line do not read the
graph and run the rules again while nothing they depend on has changed.

An entry is the engine's answer for one reader on one day: the findings and the part of the graph they name (all
that their presentation reads). Its key holds everything the answer depends on:

- the country and its map version (egide.actors.versions: a random token replaced by every change to its actors,
  relationships, citations, sources and shares);
- the day the map is read at, and the language (actors' names are read in it);
- the rule parameters of the country's team, by their content (read on every request: a handful of rows);
- who reads: "all" for those who see the whole map, else a fingerprint of the reader's reach (their organisations,
  roles and countries), the only input of the visibility rules besides the records themselves;
- the code that computes it (`CODE_VERSION`), so that an upgraded platform never reads an older one's answers.

The team's decisions on findings are not part of an entry: they are read on every request and attached by the
finding's key, since the rules' answer does not depend on them.

Entries live in two places: Django's cache (`CACHE_URL`, shared by the server's processes; see docs/caching.md),
and a few in the process's memory, which skips even loading them (a large map's findings are thousands of objects).
Both are keyed the same way, and the map version is read from the database on every request, so neither can serve
an answer older than the map.
"""

import dataclasses
import datetime
import hashlib
import io
import json
import logging
import operator
import pickle
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

import egide
from egide.core.fuzzy_dates import FuzzyDate
from egide.governance.findings import Finding
from egide.governance.graph import Graph

logger = logging.getLogger(__name__)

KEY_PREFIX = "egide:findings"
TIMEOUT_SECONDS = 7 * 24 * 3600  # an entry of an old version is never read again: it only waits to be dropped
_SOURCES = ("graph.py", "findings.py", "rules.py", "engine.py", "selectors.py", "cache.py")


def _code_version() -> str:
    digest = hashlib.sha256(f"{egide.__version__} {sys.version_info[:2]}".encode())
    folder = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


@dataclass(frozen=True, slots=True)
class CachedRun:
    """What is kept: the findings, most severe first, and the actors and relationships they name; and what every
    page would otherwise compute again from them: the findings in the Governance tab's order, and for each rule the
    actors its findings concern, by name (as (id, name) pairs). Those two are left out (`()` and None) from an
    entry that only the process computing it reads (see `shared`): whoever needs them computes them from the
    findings."""

    graph: Graph
    findings: tuple[Finding, ...]
    keys: frozenset[str]
    ordered: tuple[Finding, ...] = ()
    concerned: dict[str, tuple[tuple[int, str], ...]] | None = None


Severities = tuple[tuple[str, str], ...]
"""An entry's findings as (key, severity) pairs: all that the cross-country dashboard's counts of open findings
read, kept in the process's memory beside the entries (`severities_kept`) so that a warm dashboard reads a few
bytes per finding rather than loading every country's findings."""
SEVERITIES_IN_MEMORY = 4096
"""Every country's, for a few readers' scopes: a few kilobytes each."""


def severities_of(run: CachedRun) -> Severities:
    return tuple((item.key, item.severity) for item in run.findings)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:24]


def run_key(
    *,
    country: str,
    version: str,
    as_of: datetime.date | None,
    language: str,
    overrides: Mapping[str, Mapping[str, Any]],
    reader: str,
) -> str:
    day = as_of.isoformat() if as_of is not None else "any"
    return ":".join((KEY_PREFIX, CODE_VERSION, country, version, day, language, _digest(overrides), reader))


def concerned_by_rule(graph: Graph, findings: Iterable[Finding]) -> dict[str, tuple[tuple[int, str], ...]]:
    """For each rule, the actors its findings concern (those of the graph), as (id, name) pairs by name."""
    named: dict[str, dict[int, str]] = {}
    nodes = graph.nodes
    for finding in findings:
        actors = named.setdefault(finding.rule, {})
        for node in finding.subjects:
            if node in nodes:
                actors[node] = nodes[node].name
    return {rule: tuple(sorted(actors.items(), key=lambda item: item[1])) for rule, actors in named.items()}


def named_part(graph: Graph, findings: Iterable[Finding], *, ids: tuple[set[int], set[int]] | None = None) -> Graph:
    """The actors and relationships the findings name, with everything their words and sources read: the actors
    concerned, those of every chain found or searched, and the relationships of those chains. `ids`, when given,
    are those actors and relationships, already gathered (egide.governance.engine.visible_and_named)."""
    if ids is None:
        nodes: set[int] = set()
        edges: set[int] = set()
        for finding in findings:
            nodes |= finding.node_ids
            edges |= finding.edge_ids
            for evidence in finding.evidence:
                for step in evidence.searched:
                    nodes.update((step.upper, step.lower))
                    if step.edge is not None:
                        edges.add(step.edge.id)
    else:
        nodes, edges = ids
    return Graph(
        nodes={node: graph.nodes[node] for node in nodes if node in graph.nodes},
        edges=[edge for edge in graph.edges if edge.id in edges],
    )


class _Memory:
    """The last entries used by this process, most recent last; and, beside them, many more entries' findings by
    key and severity (`Severities`: a few bytes a finding), what a count of open findings reads."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, CachedRun] = OrderedDict()
        self._severities: OrderedDict[str, Severities] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedRun | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: str, value: CachedRun) -> None:
        capacity = settings.EGIDE_FINDINGS_IN_MEMORY
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > capacity:
                self._entries.popitem(last=False)

    def severities_get(self, key: str) -> Severities | None:
        with self._lock:
            found = self._severities.get(key)
            if found is not None:
                self._severities.move_to_end(key)
            return found

    def severities_put(self, key: str, value: Severities) -> None:
        with self._lock:
            self._severities[key] = value
            self._severities.move_to_end(key)
            while len(self._severities) > SEVERITIES_IN_MEMORY:
                self._severities.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._severities.clear()


memory = _Memory()


# The named tuples of an entry (`Node`, `Edge`, `Step`, `Evidence`, `Finding`) are pickled as tuples are, the most
# compact form. The frozen dataclass `FuzzyDate`, as its constructor's arguments: unpickled through its generated
# `__init__`, twice as fast as the dataclasses' own `__setstate__` (which looks their fields up for every object). A
# dispatch table rather than `reducer_override`: the pickler calls the latter for every object it meets, the table
# only for these types, and each entry reads its fields at once (`attrgetter`).
def _reducer(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    fields = operator.attrgetter(*names)
    return lambda obj: (cls, fields(obj))


_REDUCERS: dict[type, Callable[[Any], Any]] = {
    cls: _reducer(cls, tuple(field.name for field in dataclasses.fields(cls))) for cls in (FuzzyDate,)
}
# A graph's indexes are rebuilt on loading, and its memo starts empty.
_REDUCERS[Graph] = lambda graph: (Graph, (graph.nodes, graph.edges))


class _Pickler(pickle.Pickler):
    dispatch_table = _REDUCERS


def dumps(entry: CachedRun) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(entry)
    return buffer.getvalue()


def loads(data: bytes) -> CachedRun:
    found = pickle.loads(data)
    if not isinstance(found, CachedRun):
        raise TypeError(f"not a governance answer: {type(found)!r}")
    return found


def _shared_get(key: str) -> CachedRun | None:
    try:
        found = cache.get(key)
        return loads(found) if found is not None else None
    except Exception:  # an unreachable or broken cache costs a recomputation, never an error page
        logger.warning("governance findings: the cache could not be read", exc_info=True)
        return None


def _shared_set(key: str, value: CachedRun) -> None:
    try:
        cache.set(key, dumps(value), TIMEOUT_SECONDS)
    except Exception:
        logger.warning("governance findings: the cache could not be written", exc_info=True)


def shared() -> bool:
    """Whether Django's cache is read by other processes (Redis, files), rather than by this process alone
    (`locmem://`) or by nobody (`dummy://`). A process about to end, such as the command line, keeps nothing in
    the latter: writing a large map's entry is a fifth of its work, and nobody would read it."""
    return not isinstance(caches["default"], (LocMemCache, DummyCache))


def kept(key: str) -> CachedRun | None:
    """The entry of that key if this process or the shared cache holds it, else None (nothing is computed)."""
    found = memory.get(key)
    if found is None:
        found = _shared_get(key)
        if found is not None:
            memory.put(key, found)
    return found


def cached_run(key: str, compute: Callable[[], CachedRun], *, share: bool = True) -> CachedRun:
    """The entry of that key: from this process's memory, else from the shared cache, else computed and kept
    (in the shared cache only when `share`; in this process's memory always)."""
    found = memory.get(key)
    if found is not None:
        return found
    found = _shared_get(key)
    if found is None:
        found = compute()
        if share:
            _shared_set(key, found)
    memory.put(key, found)
    return found


def severities_keep(key: str, value: Severities) -> None:
    """Keep the findings' keys and severities of a run just computed beside its entry, in this process's memory
    only: they are a few bytes per finding, derived from the entry in any other process (`severities_kept`), and a
    second shared entry per answer would double the cache's files and writes."""
    memory.severities_put(key, value)


def severities_kept(key: str) -> Severities | None:
    """The findings' keys and severities of the entry of that key, if this process holds them, or else holds or
    finds in the shared cache the entry itself (they are then kept), else None (nothing is computed)."""
    found = memory.severities_get(key)
    if found is None:
        run = kept(key)
        if run is None:
            return None
        found = severities_of(run)
        severities_keep(key, found)
    return found
