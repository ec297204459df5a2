"""The map API near its limit: `GET /api/v1/countries/{code}/map` against a baseline, gzip levels, and memory.

Used by `run.py --map-api` (see its options). After run.py's child process has imported the generated map, this
module starts **probe** processes against that database, each with the Égide source folder it is told
(`PYTHONPATH`), so that two versions of the code (`--before-src`, and this worktree's) are measured on the same
data, on the same machine, in the same run:

- a timing probe per version: for a viewer (a member of an organisation: the visibility filter applies) and for
  staff (a superuser: no filter), the map request through `django.test.Client` (middleware included, the body
  read whole), with and without `Accept-Encoding: gzip`, and, in the same process, the **baseline**: the same
  two SQL statements (compiled once from the ORM's querysets, so the same columns and the same visibility
  conditions) run with `connection.cursor()`, their rows made into the same document and written by orjson. The
  baseline must give the same document as the request (checked). It also profiles one staff request (cProfile)
  and, for the newest version, times gzip at each level on the request's body;
- a memory probe per version, reader and encoding: a fresh process that signs in, makes one small request (so that
  Django, the URLs and the API are loaded), resets the kernel's peak resident size (`/proc/self/clear_refs`), then
  makes the map request, reading a streamed body chunk by chunk as a web server would, and reports the peak
  resident size above the size before the request (`VmHWM - VmRSS`).
"""

from __future__ import annotations

import functools
import gc
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import benchmark_user, database_title, nearest_rank_p95, profile_table, repeat, signed_in

BENCHMARKS_DIR = Path(__file__).resolve().parent
RUN = BENCHMARKS_DIR / "run.py"
OWN_SOURCE = BENCHMARKS_DIR.parent / "src"
START_MARKER = "<!-- map-api:start -->"
END_MARKER = "<!-- map-api:end -->"
READERS = ("viewer", "staff")
GZIP_LEVELS = range(1, 10)
BODY_AIM = 500_000  # bytes: the largest compressed body allowed at 5,000 actors
RATIO_AIM = 1.3
MEMORY_AIM = 150  # MiB, for staff at 50,000 actors
PROFILE_LINES = 14

NODE_COLUMNS = (
    "id",
    "reference",
    "name_en",
    "name_fr",
    "acronym_en",
    "acronym_fr",
    "family",
    "kind",
    "parent_id",
    "statutory",
    "legitimacy_disputed",
    "confidence",
)
EDGE_COLUMNS = (
    "id",
    "source_id",
    "target_id",
    "type",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "ongoing",
    "strength",
    "confidence",
)


# ------------------------------------------------------------------------------ in run.py's child process


def make_readers(organisation: Any) -> None:
    """The two readers the probes sign in as: a viewer in `organisation` (every country) and a superuser."""
    from egide.accounts.models import Role

    benchmark_user(READERS[0], [(organisation.pk, Role.VIEWER, [])])
    benchmark_user(READERS[1], staff=True)


def probe(kind: str, source: Path, options: list[str]) -> dict[str, Any]:
    """Run one probe process on `source`'s code with the child's settings (inherited), and read its JSON."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        output = Path(handle.name)
    environment = os.environ | {"PYTHONPATH": str(source)}
    command = [sys.executable, str(RUN), "--map-probe", kind, "--probe-output", str(output), *options]
    try:
        subprocess.run(command, check=True, env=environment, cwd=BENCHMARKS_DIR.parent)
        result: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
        return result
    finally:
        output.unlink(missing_ok=True)


def measure(
    *, country: str, runs: int, warmup: int, versions: list[tuple[str, Path]], memory: bool, timing: bool
) -> dict[str, Any]:
    """Every probe for every version: {version: {"timing": ..., "memory": {reader/encoding: MiB}}}."""
    figures: dict[str, Any] = {}
    newest = versions[-1][0]
    for label, source in versions:
        print(f"[map-api] {label}: {source}", flush=True)
        entry: dict[str, Any] = {"source": str(source)}
        if timing:
            options = ["--country", country, "--runs", str(runs), "--warmup", str(warmup)]
            if label == newest:
                options.append("--levels")
            entry["timing"] = probe("timing", source, options)
        if memory:
            entry["memory"] = {}
            for reader in READERS:
                for encoding in ("plain", "gzip"):
                    options = ["--country", country, "--reader", reader]
                    if encoding == "gzip":
                        options.append("--accept-gzip")
                    entry["memory"][f"{reader} {encoding}"] = probe("memory", source, options)
        figures[label] = entry
    return figures


# ------------------------------------------------------------------------------------------ the probe processes


def _reader(name: str) -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username=f"bench-{name}")


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def _fuzzy(value: Any, precision: str) -> str:
    if value is None:
        return ""
    text = value.isoformat()
    return text[:4] if precision == "year" else text[:7] if precision == "month" else text


def baseline(user: Any, country: str) -> Callable[[], bytes]:
    """The raw SQL + orjson baseline for `user`: the two statements compiled once, outside the timing."""
    import orjson
    from django.db import connection

    from egide.accounts.selectors import visible
    from egide.actors import selectors
    from egide.actors.models import Relationship
    from egide.core import taxonomy

    actors = selectors.actors_visible(user=user).filter(country=country).values_list(*NODE_COLUMNS).order_by("id")
    relationships = (
        visible(Relationship.objects.filter(country=country), user=user).values_list(*EDGE_COLUMNS).order_by("id")
    )
    actor_sql, actor_params = actors.query.sql_with_params()
    edge_sql, edge_params = relationships.query.sql_with_params()
    families = {term.code: term.label for term in taxonomy.FAMILIES}
    kinds = {kind.code: kind.label for kind in taxonomy.KINDS}
    types = {kind.code: kind.label for kind in taxonomy.RELATIONSHIP_TYPES}

    def run() -> bytes:
        with connection.cursor() as cursor:
            cursor.execute(actor_sql, actor_params)
            actor_rows = cursor.fetchall()
            cursor.execute(edge_sql, edge_params)
            edge_rows = cursor.fetchall()
        ids = {row[0] for row in actor_rows}
        nodes = [
            {
                "id": pk,
                "reference": reference,
                "name": name_en,
                "acronym": acronym_en or "",
                "family": family,
                "family_label": families[family],
                "kind": kind,
                "kind_label": kinds[kind],
                "parent": parent if parent in ids else None,
                "statutory": statutory,
                "legitimacy_disputed": disputed,
                "confidence": confidence,
            }
            for pk, reference, name_en, _, acronym_en, _, family, kind, parent, statutory, disputed, confidence in (
                actor_rows
            )
        ]
        edges = [
            {
                "id": pk,
                "source": source,
                "target": target,
                "type": type_,
                "type_label": types[type_],
                "start": _fuzzy(start, start_kind),
                "end": _fuzzy(end, end_kind),
                "ongoing": ongoing,
                "strength": strength,
                "confidence": confidence,
            }
            for pk, source, target, type_, start, start_kind, end, end_kind, ongoing, strength, confidence in (
                row for row in edge_rows if row[1] in ids and row[2] in ids
            )
        ]
        return orjson.dumps({"country": country, "as_of": None, "nodes": nodes, "edges": edges})

    return run


def _profile_lines(call: Callable[[], Any]) -> list[str]:
    import cProfile

    profiler = cProfile.Profile()
    profiler.runcall(call)
    calls, table = profile_table(profiler, "tottime", PROFILE_LINES)
    return calls + [line.rstrip().replace(str(OWN_SOURCE.parent) + "/", "") for line in table if line.strip()]


def _time_reader(name: str, country: str, runs: int, warmup: int) -> tuple[dict[str, Any], Any, bytes]:
    """The figures of one reader, the reader's client and the map's body."""
    import orjson

    url = f"/api/v1/countries/{country.lower()}/map"
    gzipped = {"Accept-Encoding": "gzip, deflate, br"}
    reader = _reader(name)
    client = signed_in(reader)
    plain = _body(client.get(url))
    response = client.get(url, headers=gzipped)
    assert response.get("Content-Encoding") == "gzip", ("the map was not compressed", name, plain[:300])
    assert "Accept-Encoding" in response.get("Vary", ""), response.get("Vary")
    sent = _body(response)
    assert gzip.decompress(sent) == plain
    document = baseline(reader, country)
    shown = orjson.loads(plain)
    assert orjson.loads(document()) == shown, "the baseline's document is not the map's"
    entry: dict[str, Any] = {
        "nodes": len(shown["nodes"]),
        "edges": len(shown["edges"]),
        "size": len(plain),
        "gzip_size": len(sent),
        "streamed": bool(client.get(url).streaming),
    }
    del shown
    print(f"[probe] {name}: {entry['nodes']} nodes, {entry['edges']} edges, {len(plain):,} bytes", flush=True)

    def request() -> bytes:
        return _body(client.get(url))

    def compressed_request() -> bytes:
        return _body(client.get(url, headers=gzipped))

    gc.collect()
    repeat(request, 0, warmup)
    repeat(document, 0, warmup)
    entry |= {"request": [], "baseline": [], "gzip_request": []}
    for _ in range(runs):  # interleaved, so that a change in the machine's load weighs on each alike
        entry["request"] += repeat(request, 1, 0)
        entry["baseline"] += repeat(document, 1, 0)
        entry["gzip_request"] += repeat(compressed_request, 1, 0)
    return entry, request, plain


def timing_probe(country: str, runs: int, warmup: int, levels: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"readers": {}}
    for name in READERS:
        entry, request, plain = _time_reader(name, country, runs, warmup)
        result["readers"][name] = entry
        if name != "staff":
            continue
        result["profile"] = _profile_lines(request)
        if levels:
            result["levels"] = {}
            for level in GZIP_LEVELS:
                seconds = repeat(functools.partial(gzip.compress, plain, level, mtime=0), max(3, runs // 2), 1)
                result["levels"][level] = {"size": len(gzip.compress(plain, level, mtime=0)), "seconds": seconds}
    return result


def _status(field: str) -> int:
    """A size from /proc/self/status, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def memory_probe(country: str, reader: str, accept_gzip: bool) -> dict[str, Any]:
    url = f"/api/v1/countries/{country.lower()}/map"
    client = signed_in(_reader(reader))
    assert client.get("/api/v1/countries").status_code == 200  # Django, the URLs and the API loaded
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak resident size starts again from here
    before = _status("VmRSS")
    started = time.perf_counter()
    response = client.get(url, headers={"Accept-Encoding": "gzip"} if accept_gzip else {})
    sent = 0
    if response.streaming:
        for chunk in response.streaming_content:  # as a web server writes it out
            sent += len(chunk)
    else:
        sent = len(response.content)
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    del response
    return {"before": before, "peak": peak, "growth": peak - before, "sent": sent, "seconds": seconds}


def run_probe(args: Any) -> int:
    """A probe process: settings are inherited from run.py's child; Égide's code from PYTHONPATH."""
    sys.path.insert(0, str(BENCHMARKS_DIR))
    from common import setup_django

    setup_django()
    if args.map_probe == "timing":
        result = timing_probe(args.country, args.runs, args.warmup, args.levels)
    else:
        result = memory_probe(args.country, args.reader, args.accept_gzip)
    Path(args.probe_output).write_text(json.dumps(result), encoding="utf-8")
    return 0


# ------------------------------------------------------------------------------------------------ the section


def median(values: list[float]) -> float:
    return statistics.median(values)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def _kb(size: int) -> str:
    return f"{size / 1000:,.0f} kB" if size < 10**6 else f"{size / 10**6:,.2f} MB"


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def _verdicts(results: list[Any]) -> list[str]:
    lines = []
    for result in results:
        after = result.map_api.get("after", {})
        timing, memory = after.get("timing"), after.get("memory")
        parts = []
        if timing:
            for reader, entry in timing["readers"].items():
                ratio = median(entry["request"]) / median(entry["baseline"])
                verdict = "met" if ratio <= RATIO_AIM else "**missed**"
                parts.append(f"{reader} ×{ratio:.2f} of the baseline ({verdict})")
        if memory and "staff plain" in memory:
            growth = max(memory["staff plain"]["growth"], memory["staff gzip"]["growth"])
            verdict = "met" if growth < MEMORY_AIM * 2**20 else "**not met**"
            parts.append(f"staff memory +{_mib(growth)} at most ({verdict} if this is the 50,000-actor map)")
        if parts:
            lines.append(f"- **{database_title(result.database)}**: " + "; ".join(parts) + ".")
    return [*lines, ""] if lines else []


def render(results: list[Any], *, generated: Any, args: Any, argv: list[str]) -> str:
    from common import command_line, load_sentence, machine_line, now_utc

    lines = [
        START_MARKER,
        "## The map API near its limit: against raw SQL + orjson, gzip levels, memory",
        "",
        f"Measured on {now_utc()} with `{command_line(str(RUN), argv)}` (from the project folder).",
        "",
        f"**Data**: the map of `benchmarks/generate.py` (seed {args.seed}, country {args.country}), "
        f"**{len(generated.actors):,} actors** and **{len(generated.relationships):,} relationships**, imported "
        "by run.py's child process. **Method**: see `benchmarks/map_api.py`. Each version of the code "
        "(`before`: `--before-src`; `after`: this branch) runs in probe processes of its own on the same data. "
        "The request is `GET /api/v1/countries/{code}/map` through `django.test.Client` (middleware included, "
        "the body read whole); the baseline, in the same process and run, runs the same two SQL statements with "
        "`connection.cursor()`, makes the same document from the rows and writes it with orjson (checked equal to "
        "the request's). Request, baseline and gzip request are interleaved, "
        f"{args.warmup} warm-up runs, then {args.runs} timed runs of each. The viewer is a member (viewer role) of "
        "an organisation covering every country (the visibility filter applies); staff is a superuser.",
        "",
        machine_line(result.version for result in results if result.database == "postgresql" and result.version),
        "",
        f"**Aims**: the request within ×{RATIO_AIM} of the baseline; gzip at the fastest level that keeps the "
        f"body under {BODY_AIM // 1000} kB at 5,000 actors; at 50,000 actors, a staff request under "
        f"+{MEMORY_AIM} MiB of peak memory.",
        "",
        *_verdicts(results),
    ]
    for result in results:
        lines += [f"### {database_title(result.database)}" + (f" ({result.version})" if result.version else ""), ""]
        if result.skipped or result.failed:
            lines += [f"Not measured: {result.skipped or result.failed}.", ""]
            continue
        lines += [load_sentence(result.load) + ".", ""]
        versions = result.map_api
        if any("timing" in entry for entry in versions.values()):
            lines += [
                "| reader | version | nodes, edges | request: median (p95) | baseline: median (p95) | ratio "
                "| gzip request: median | body (gzip sent) | streamed |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
            ]
            for reader in READERS:
                for label, entry in versions.items():
                    if "timing" not in entry:
                        continue
                    figures = entry["timing"]["readers"][reader]
                    request, base = figures["request"], figures["baseline"]
                    lines.append(
                        f"| {reader} | {label} | {figures['nodes']:,}, {figures['edges']:,} | "
                        f"{_ms(median(request))} ({_ms(nearest_rank_p95(request))}) | "
                        f"{_ms(median(base))} ({_ms(nearest_rank_p95(base))}) | "
                        f"×{median(request) / median(base):.2f} | {_ms(median(figures['gzip_request']))} | "
                        f"{_kb(figures['size'])} ({_kb(figures['gzip_size'])}) | "
                        f"{'yes' if figures['streamed'] else 'no'} |"
                    )
            lines.append("")
        for label, entry in versions.items():
            levels = entry.get("timing", {}).get("levels")
            if not levels:
                continue
            lines += [
                f"gzip levels on the staff body ({label}; `gzip.compress`, median of "
                f"{len(next(iter(levels.values()))['seconds'])} runs):",
                "",
                "| level | size | time | under 500 kB |",
                "| ---: | ---: | ---: | --- |",
            ]
            for level, figures in levels.items():
                under = "yes" if figures["size"] < BODY_AIM else "no"
                lines.append(f"| {level} | {_kb(figures['size'])} | {_ms(median(figures['seconds']))} | {under} |")
            lines.append("")
        if any("memory" in entry for entry in versions.values()):
            lines += [
                "Memory of one map request (peak resident size above the size before it, in a fresh process):",
                "",
                "| reader, encoding | version | peak growth | body sent | time |",
                "| --- | --- | ---: | ---: | ---: |",
            ]
            for key in (f"{reader} {encoding}" for reader in READERS for encoding in ("plain", "gzip")):
                for label, entry in versions.items():
                    figures = entry.get("memory", {}).get(key)
                    if figures:
                        lines.append(
                            f"| {key} | {label} | +{_mib(figures['growth'])} | {_kb(figures['sent'])} | "
                            f"{_ms(figures['seconds'])} |"
                        )
            lines.append("")
        for label, entry in versions.items():
            profile_lines = entry.get("timing", {}).get("profile")
            if profile_lines:
                lines += [
                    f"cProfile of one staff request, {label}, top {PROFILE_LINES} by own time:",
                    "",
                    "```",
                    *profile_lines,
                    "```",
                    "",
                ]
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"
