"""Where an IATI import's database time goes: the time of each kind of statement, and on PostgreSQL the server's CPU.

    python benchmarks/iati_import_statements.py [--activities 10000] [--database-url postgres://.../x_bench]

Generates a file (benchmarks/iati_data.py), migrates an empty database (SQLite in a temporary folder, or the
PostgreSQL one given, dropped and created again: its name must contain 'bench'), imports the file with every sector
kept, and prints a Markdown table: for each kind of statement (its verb and table; the money sums' INSERT … SELECT
apart), how many ran, their wall time, and on PostgreSQL the CPU time of the server process meanwhile (read in
/proc: the server must run on this machine). COPY is timed around egide.core.inserts._copy (the rows' conversion
in Python included), the commit around the connection's commit. Then the importing process's CPU time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS_DIR))
from common import enter_child, migrate, recreate_postgres, setup_django  # noqa: E402
from iati_data import write_file  # noqa: E402

type Tally = dict[str, list[float]]


def kind(sql: str) -> str:
    """The statement's verb and table, the money sums' INSERT … SELECT named apart."""
    text = " ".join(sql.split())
    if text.startswith("INSERT") and "money_moneyclasssum" in text.split(" SELECT", 1)[0]:
        return "INSERT money_moneyclasssum (class sums)"
    if text.startswith("INSERT") and "money_moneysum" in text.split(" SELECT", 1)[0]:
        return "INSERT money_moneysum … SELECT (" + ("transactions" if "money_transaction" in text else "budgets") + ")"
    found = re.match(r'(\w+)(?: INTO| FROM)? "?([\w.]+)"?', text)
    return f"{found.group(1)} {found.group(2)}" if found else text[:40]


def server_cpu(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def tallied(tally: Tally, name: str, pid: int | None) -> Iterator[None]:
    started, cpu = time.perf_counter(), server_cpu(pid)
    try:
        yield
    finally:
        entry = tally.setdefault(name, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started
        entry[2] += server_cpu(pid) - cpu


def measure(path: Path) -> tuple[Tally, float, float, int | None]:
    """The import's statements, its wall and CPU time, and the server's pid (None on SQLite)."""
    from django.db import connection

    from egide.accounts.selectors import PLATFORM
    from egide.core import inserts
    from egide.iati.importer import Filters, iati_file_import

    pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = int(cursor.fetchone()[0])
    tally: Tally = {}
    copy, commit = inserts._copy, connection.commit

    def copied(model: Any, *args: Any, **options: Any) -> list[int]:
        with tallied(tally, f"COPY {model._meta.db_table}", pid):
            return copy(model, *args, **options)

    def committed() -> None:
        with tallied(tally, "COMMIT", pid):
            commit()

    def executed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        with tallied(tally, kind(sql), pid):
            return execute(sql, params, many, context)

    inserts._copy = copied
    connection.commit = committed  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(executed):
            started, cpu = time.perf_counter(), time.process_time()
            iati_file_import(user=PLATFORM, path=path, filters=Filters(sectors=None))
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        inserts._copy = copy
        del connection.commit
    return tally, wall, cpu, pid


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--database-url", default="", help="a PostgreSQL database (its name containing 'bench')")
    args = parser.parse_args(argv)
    if args.database_url:
        recreate_postgres(args.database_url)
    data_dir = enter_child("egide-iati-statements-", args.database_url)
    with tempfile.TemporaryDirectory(prefix="egide-iati-file-") as folder:
        path = Path(folder) / "activities.xml"
        write_file(path, args.activities, seed=7)
        migrate()
        version = setup_django()
        tally, wall, cpu, pid = measure(path)
    if args.database_url:
        recreate_postgres(args.database_url, drop_only=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    print(f"{version}, {args.activities:,} activities; load {os.getloadavg()[0]:.1f}\n")
    print("| statement | count | wall | server CPU |\n| --- | ---: | ---: | ---: |")
    for name, (count, seconds, server) in sorted(tally.items(), key=lambda item: -item[1][1]):
        if seconds >= 0.005:
            print(f"| {name} | {count:,.0f} | {seconds:.2f} s | {'–' if pid is None else f'{server:.2f} s'} |")
    total_server = sum(server for _, _, server in tally.values())
    print(
        f"\nImport: wall {wall:.2f} s, this process's CPU {cpu:.2f} s"
        + ("" if pid is None else f", the server's CPU during its statements {total_server:.2f} s")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
