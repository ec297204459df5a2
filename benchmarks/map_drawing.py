"""How fast the country map draws in a browser: the time to first draw and the frame time while panning.

A throwaway Égide (SQLite, its own data folder) is served by `egide runserver`; Chromium (/usr/bin/chromium, through
Python playwright) opens the country page of AQ at 1280×800, signed in as a user. The map data is a map made
by `generate.py` (N actors, 5 relationships per actor), in the shape of `GET /api/v1/countries/{code}/map`, handed
to the page by Playwright in place of the server's answer: the figures are the browser's work alone.

- **first draw**: from the start of the navigation to the first frame painted after the map says it is ready
  (`#map[data-ready="true"]`), so it includes loading the scripts and laying the map out.
- **laid out**: the same, up to the first frame after the layout is final (`#map[data-layout]` is no longer
  `running`): a large map may be drawn first and laid out in a web worker meanwhile.
- **panning**: the pointer drags the map by 400 px in 40 steps; the intervals between animation frames during
  the drag give the frame time (median and p95; 16.7 ms is 60 frames per second).

Each size is measured --runs times in a fresh tab; medians are given. The section of RESULTS.md is keyed by
--label, so that the figures of two versions of the map (before and after a change) stand side by side.

    .venv/bin/python benchmarks/map_drawing.py --label after     # or: make benchmark-map
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    PROJECT_DIR,
    RESULTS,
    command_line,
    cores,
    cpu_and_memory,
    egide_command,
    load_average,
    now_utc,
    operating_system,
    replace_between,
    sizes_asked,
    write_results,
)

START_MARKER = "<!-- map-drawing:start -->"
END_MARKER = "<!-- map-drawing:end -->"
CHROMIUM = Path("/usr/bin/chromium")
COUNTRY = "AQ"
PASSWORD = "a-long-benchmark-password"
SIZES = (500, 5000)
EDGES_PER_ACTOR = 5
VIEWPORT = {"width": 1280, "height": 800}

FRAME_RECORDER = """
() => {
  window.__frames = [];
  window.__recording = true;
  const tick = t => { if (!window.__recording) return; window.__frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}
"""

FRAME_STOP = """
() => { window.__recording = false; const f = window.__frames; const d = [];
  for (let i = 1; i < f.length; i++) d.push(f[i] - f[i - 1]); return d; }
"""

FIRST_DRAW = """
() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))))
"""


@dataclass
class Figures:
    actors: int
    relationships: int
    first_draw_ms: list[float] = field(default_factory=list)
    laid_out_ms: list[float] = field(default_factory=list)
    frame_median_ms: list[float] = field(default_factory=list)
    frame_p95_ms: list[float] = field(default_factory=list)


def map_payload(actors: int, seed: int) -> dict[str, Any]:
    """A generated map in the API's shape (ids are numbers, labels in English)."""
    from egide.core import taxonomy
    from generate import generate_map

    generated = generate_map(actors=actors, relationships=actors * EDGES_PER_ACTOR, seed=seed)
    kinds = {kind.code: kind for kind in taxonomy.KINDS}
    families = {family.code: str(family.label) for family in taxonomy.FAMILIES}
    types = {kind.code: str(kind.label) for kind in taxonomy.RELATIONSHIP_TYPES}
    ids = {row["reference"]: number for number, row in enumerate(generated.actors, start=1)}
    nodes = [
        {
            "id": ids[row["reference"]],
            "reference": row["reference"],
            "name": row["name_en"],
            "acronym": row["acronym_en"],
            "family": kinds[row["kind"]].family,
            "family_label": families[kinds[row["kind"]].family],
            "kind": row["kind"],
            "kind_label": str(kinds[row["kind"]].label),
            "parent": ids.get(row["parent"]),
            "statutory": row["statutory"] == "yes",
            "legitimacy_disputed": row["legitimacy_disputed"] == "yes",
            "confidence": row["confidence"],
        }
        for row in generated.actors
    ]
    edges = [
        {
            "id": number,
            "source": ids[row["from"]],
            "target": ids[row["to"]],
            "type": row["type"],
            "type_label": types[row["type"]],
            "start": row["start"],
            "end": row["end"],
            "ongoing": row["ongoing"] == "yes",
            "strength": row["strength"],
            "confidence": row["confidence"],
        }
        for number, row in enumerate(generated.relationships, start=1)
    ]
    return {"country": COUNTRY, "nodes": nodes, "edges": edges}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egide.settings",
        "EGIDE_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'egide.sqlite3'}",
        # DEBUG serves the static files from the source folders, as they are after `npm run build`.
        "DEBUG": "true",
        "EGIDE_RUNSERVER_WORKER": "false",
        "LOG_LEVEL": "ERROR",
    }
    egide = egide_command()
    subprocess.run([*egide, "migrate", "--noinput", "-v", "0"], check=True, env=environment)
    create_user = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_user(username='bench', password='{PASSWORD}')"
    )
    subprocess.run([*egide, "shell", "-c", create_user], check=True, env=environment, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [*egide, "runserver", f"127.0.0.1:{port}", "--noreload", "--no-worker"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


def measure(browser: Any, base_url: str, payload: dict[str, Any], figures: Figures) -> None:
    body = json.dumps(payload, separators=(",", ":"))
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(120_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/login/?next=/countries/{COUNTRY}/")
    page.fill("#id_username", "bench")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/countries/{COUNTRY}/")
    page.route(
        re.compile(r".*/api/v1/countries/[A-Za-z]+/map(\?.*)?$"),
        lambda route: route.fulfill(status=200, content_type="application/json", body=body),
    )
    page.goto(f"{base_url}/countries/{COUNTRY}/")
    page.wait_for_selector('#map[data-ready="true"]', state="attached")
    figures.first_draw_ms.append(float(page.evaluate(FIRST_DRAW)))
    page.wait_for_selector('#map:not([data-layout="running"])', state="attached")
    figures.laid_out_ms.append(float(page.evaluate(FIRST_DRAW)))
    page.wait_for_timeout(1500)  # let an entry animation end
    # The whole canvas in the window: a drag that starts below the fold moves nothing.
    page.evaluate("() => document.getElementById('map-canvas').scrollIntoView({ block: 'center' })")
    box = page.locator("#map-canvas").bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5
    page.mouse.move(x, y)
    page.evaluate(FRAME_RECORDER)
    page.mouse.down()
    page.mouse.move(x + 400, y + 60, steps=40)
    page.mouse.up()
    intervals = sorted(page.evaluate(FRAME_STOP))
    if errors:
        raise SystemExit(f"the page failed: {errors}")
    if intervals:
        figures.frame_median_ms.append(statistics.median(intervals))
        figures.frame_p95_ms.append(intervals[max(0, round(0.95 * len(intervals)) - 1)])
    context.close()


def median(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ms" if values else "—"


def render_rows(label: str, results: list[Figures], *, runs: int, load: tuple[float, float], argv: list[str]) -> str:
    cpu, memory = cpu_and_memory()
    lines = [
        f"<!-- map-drawing:{label}:start -->",
        f"### {label}",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, argv)}`; {runs} runs per size, medians. "
        f"Load average (1 min) {load[0]:.1f} before, {load[1]:.1f} after. Machine: {cpu}, {cores()} cores, "
        f"{memory}, {operating_system()}; {chromium_version()} headless, software rendering (`--disable-gpu`).",
        "",
        "| actors | relationships | first draw | laid out | frame while panning (median) | frame while panning (p95) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for figures in results:
        lines.append(
            f"| {figures.actors:,} | {figures.relationships:,} | {median(figures.first_draw_ms)} | "
            f"{median(figures.laid_out_ms)} | "
            f"{median(figures.frame_median_ms)} | {median(figures.frame_p95_ms)} |"
        )
    lines.append(f"<!-- map-drawing:{label}:end -->")
    return "\n".join(lines) + "\n"


def chromium_version() -> str:
    try:
        return subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "Chromium"


SECTION_HEAD = f"""{START_MARKER}
## Drawing the map in a browser

Written by `benchmarks/map_drawing.py` (`make benchmark-map`); see its docstring for the method. Each version of
the map has its own subsection (`--label`).
{END_MARKER}
"""


def write(label: str, rows: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START_MARKER not in text:
        write_results(SECTION_HEAD, path, start=START_MARKER, end=END_MARKER)
        text = path.read_text(encoding="utf-8")
    start, end = f"<!-- map-drawing:{label}:start -->", f"<!-- map-drawing:{label}:end -->"
    replaced = replace_between(text, rows, start=start, end=end)
    path.write_text(
        replaced if replaced is not None else text.replace(END_MARKER, rows + END_MARKER, 1), encoding="utf-8"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", required=True, help="the version measured, e.g. 'before' or 'after'")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="numbers of actors (default %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (default %(default)s)")
    parser.add_argument("--seed", type=int, default=20_251_129)
    parser.add_argument("--output", type=Path, default=RESULTS, help="the results file (default RESULTS.md)")
    parser.add_argument("--quick", action="store_true", help="one run of 500 actors, nothing written")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"this benchmark needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings")
    import django

    django.setup()
    sizes = [500] if args.quick else sizes_asked(args.sizes)
    runs = 1 if args.quick else args.runs
    data_dir = Path(tempfile.mkdtemp(prefix="egide-map-bench-"))
    (data_dir / "static").mkdir()
    port = free_port()
    server = start_server(data_dir, port)
    load_before = load_average()
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            for size in sizes:
                payload = map_payload(size, args.seed)
                figures = Figures(actors=len(payload["nodes"]), relationships=len(payload["edges"]))
                for run in range(runs):
                    measure(browser, f"http://127.0.0.1:{port}", payload, figures)
                    print(
                        f"{size} actors, run {run + 1}: first draw {figures.first_draw_ms[-1]:.0f} ms, "
                        f"laid out {figures.laid_out_ms[-1]:.0f} ms, "
                        f"frames {figures.frame_median_ms[-1]:.1f} ms (p95 {figures.frame_p95_ms[-1]:.1f} ms)",
                        flush=True,
                    )
                results.append(figures)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)
    rows = render_rows(args.label, results, runs=runs, load=(load_before, load_average()), argv=argv)
    print(rows)
    if not args.quick:
        write(args.label, rows, args.output)
        shown = args.output.relative_to(PROJECT_DIR) if args.output.is_relative_to(PROJECT_DIR) else args.output
        print(f"written to {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
