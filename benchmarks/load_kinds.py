"""What each kind of request of the load mix costs alone: `load.py`'s data and server, one request at a time.

The same preparation as `load.py` (`egide setup`, the generated country of 5,000 actors made public, the demo users'
sessions), then `egide serve` with a single worker process and a single thread, so that every CPU second of that
process and of its one database connection belongs to the request being measured. For each kind of request of
`load_users.py`, on each country (the demo's CF and CD, the generated AQ) and both anonymous and signed in: a few
requests to warm it, then `--requests` of them one after the other: the wall time (p50, max), the CPU time of the
worker process and of its PostgreSQL backend per request, the answer's size, and the worker's resident memory
after them.

Only 127.0.0.1 is served. `--work FOLDER` keeps the prepared data (and the database) for the next run, which then
skips the preparation: a before/after comparison measures the same rows (`--source` serves another checkout's code).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS_DIR))
import load  # noqa: E402
from common import child_environment, recreate_postgres  # noqa: E402

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_load_kinds_bench"


@dataclass
class Kind:
    name: str
    country: str
    signed_in: bool
    requests: int = 0
    p50: float = 0.0  # ms, wall seen by the client
    worst: float = 0.0
    cpu: float = 0.0  # ms of the worker's CPU per request
    database_cpu: float = 0.0  # ms of the PostgreSQL backend's CPU per request
    size: int = 0  # bytes of the last answer
    rss: float = 0.0  # MiB of the worker after them


def paths(plan: dict[str, Any], code: str) -> dict[str, str]:
    """One path of each kind of load_users.py, on the country `code`."""
    return {
        "country page": f"/countries/{code}/",
        "country actors tab": f"/countries/{code}/actors/",
        "map API": f"/api/v1/countries/{code}/map",
        "governance page": f"/countries/{code}/governance/",
        "actor page": f"/actors/{plan['actors'][code][0]}/",
        "actor search": f"/countries/{code}/actors/table/?q=police",
        "document search": "/references/documents/?q=police",
        "findings API": f"/api/v1/countries/{code}/findings",
        "export CSV": f"/countries/{code}/export.csv",
        "export JSON": f"/countries/{code}/export.json",
    }


def _database_cpu(database_url: str) -> dict[int, float]:
    """The CPU seconds of each PostgreSQL backend connected to the database under test: the worker's connection
    (kept between requests, CONN_MAX_AGE; a new one, when it is replaced, counts from zero)."""
    return {pid: load._cpu_seconds(pid) for pid in _backend_pids(database_url)}


def _backend_pids(database_url: str) -> list[int]:
    """The PostgreSQL backends connected to the database under test, but this one."""
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def _fetch(url: str, cookie: str) -> tuple[float, int]:
    # Compressed answers accepted, as locust's client and browsers accept them.
    headers = {"Accept-Encoding": "gzip, deflate"} | ({"Cookie": cookie} if cookie else {})
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return time.perf_counter() - started, len(body)


def measure(url: str, plan: dict[str, Any], args: argparse.Namespace, worker: int) -> list[Kind]:
    session = next(session for session in plan["sessions"] if session["user"] == args.user)
    kinds = []
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    for code in plan["countries"]:
        for name, path in paths(plan, code).items():
            if only and name not in only:
                continue
            for signed_in in (False, True):
                cookie = f"{session['cookie']}={session['value']}" if signed_in else ""
                kind = Kind(name=name, country=code, signed_in=signed_in)
                for _ in range(args.warmup):
                    _fetch(url + path, cookie)
                cpu_before = load._cpu_seconds(worker)
                walls, database = [], 0.0
                for _ in range(args.requests):
                    before = _database_cpu(args.postgres_url)
                    wall, kind.size = _fetch(url + path, cookie)
                    database += load._cpu_used(before, _database_cpu(args.postgres_url))
                    walls.append(wall)
                kind.requests = len(walls)
                kind.cpu = 1000 * (load._cpu_seconds(worker) - cpu_before) / kind.requests
                kind.database_cpu = 1000 * database / kind.requests
                kind.p50, kind.worst = 1000 * statistics.median(walls), 1000 * max(walls)
                kind.rss = load._rss_mib(worker) or 0.0
                kinds.append(kind)
                print(_row(kind), flush=True)
    return kinds


def _row(kind: Kind) -> str:
    who = "signed in" if kind.signed_in else "anonymous"
    return (
        f"| {kind.name} | {kind.country} | {who} | {kind.p50:.0f} ms | {kind.worst:.0f} ms | {kind.cpu:.1f} ms | "
        f"{kind.database_cpu:.1f} ms | {kind.size / 1024:,.0f} KiB | {kind.rss:.0f} MiB |"
    )


def prepared(args: argparse.Namespace) -> tuple[dict[str, str], dict[str, Any]]:
    """The environment and the plan of the prepared data in --work, preparing them first if need be."""
    work: Path = args.work
    saved = work / "environment.json"
    if saved.exists() and (work / "plan.json").exists():
        env = json.loads(saved.read_text(encoding="utf-8"))
        return env, json.loads((work / "plan.json").read_text(encoding="utf-8"))
    (work / "static").mkdir(parents=True, exist_ok=True)
    recreate_postgres(args.postgres_url)
    env = child_environment(args.postgres_url, work) | {"LOG_LEVEL": "WARNING"}
    env["PYTHONPATH"] = os.pathsep.join(
        str(Path(entry).resolve()) for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry
    )
    full = os.environ | env
    print("egide setup (migrations, static files, the demo)", flush=True)
    subprocess.run([*load._egide(), "setup", "--address", f"{load.HOST}:8000"], env=full, check=True)
    print(f"the generated country {args.country}: {args.actors:,} actors", flush=True)
    sizes = ["--actors", str(args.actors), "--seed", str(load.parse([]).seed), "--country", args.country]
    subprocess.run([sys.executable, load.__file__, "--prepare", str(work / "plan.json"), *sizes], env=full, check=True)
    saved.write_text(json.dumps(env), encoding="utf-8")
    return env, json.loads((work / "plan.json").read_text(encoding="utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="the prepared data's folder (made if missing)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="a throwaway database ('bench')")
    parser.add_argument("--requests", type=int, default=10, help="measured requests of each kind (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="requests before measuring (default 2)")
    parser.add_argument("--user", default="ef-editor", help="the signed-in demo user (default %(default)s)")
    parser.add_argument("--only", default="", help="only these kinds, comma-separated")
    parser.add_argument("--actors", type=int, default=5000)
    parser.add_argument("--country", default="AQ")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--source", type=Path, help="serve the code of another checkout's src folder (a before/after comparison)"
    )
    args = parser.parse_args(argv)
    env, plan = prepared(args)
    port = load._free_port()
    url = f"http://{load.HOST}:{port}"
    if args.source:
        env = env | {"PYTHONPATH": str(args.source.resolve())}
    server = subprocess.Popen(load._server_command(port, workers=1, threads=1), env=os.environ | env, cwd=args.work)
    try:
        load._wait_until_serving(url + "/", server)
        worker = load._children(server.pid)[0]
        print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
        print("| Request | Country | User | p50 | max | worker CPU | PostgreSQL CPU | answer | worker RSS |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|")
        started = time.monotonic()
        measure(url, plan, args, worker)
        print(f"{time.monotonic() - started:.0f} s; load average {os.getloadavg()[0]:.1f}", flush=True)
    except (urllib.error.URLError, RuntimeError) as error:
        print(f"FAILED: {error}", flush=True)
        return 1
    finally:
        load._stop(server)
        if args.drop:
            with contextlib.suppress(Exception):
                recreate_postgres(args.postgres_url, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
