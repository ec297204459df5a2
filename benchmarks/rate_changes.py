"""Measure what a change of exchange rates costs at the scale of `benchmarks/coordination.py` (190 countries,
100,000 programmes, 1,000,000 transactions on PostgreSQL): the dashboard's converted totals (egide.money.layers)
changed with it, through the rate services, each change in a transaction rolled back.

Run it on a database that `benchmarks/coordination.py` has generated (it migrates it first):

    PYTHONPATH=src python benchmarks/rate_changes.py --postgres-url postgres://postgres@127.0.0.1:5432/egide_coordbench

For each change: the wall time, this process's CPU time and the PostgreSQL server process's (`/proc/PID/schedstat`),
medians of `--runs`. The machine may be shared: the CPU times are the figures to compare. With `--verify`, after
each change (before its rollback) the kept totals are compared with those that converting every level sum again
writes: equal to the cent, or the script says which differ.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict

BENCHMARKS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS_DIR))
from common import enter_child, load_average, migrate, setup_django  # noqa: E402
from coordination import backend_cpu, backend_pid  # noqa: E402

YEAR = 2015


class Rollback(Exception):
    pass


def _totals() -> list[tuple[Any, ...]]:
    from egide.money.models import MoneyLayerTotal

    return sorted(
        MoneyLayerTotal.objects.values_list(
            "layer", "country", "flow", "area", "parts", "target", "value", "converted", "excluded"
        )
    )


def _changes() -> dict[str, Callable[[], None]]:
    """The changes measured, by name."""
    from egide.accounts.selectors import PLATFORM
    from egide.money import layers, services
    from egide.money.conversion import RateRow
    from egide.money.data import RateData
    from egide.money.models import ExchangeRate

    def rows() -> list[RateRow]:
        return [RateRow(*row) for row in ExchangeRate.objects.values_list("currency", "period", "starts_on", "rate")]

    def one(currency: str) -> Callable[[], None]:
        def change() -> None:
            rate = ExchangeRate.objects.get(currency=currency, period="year", starts_on=date(YEAR, 1, 1))
            data = RateData(
                currency=currency, period="year", starts_on=rate.starts_on, rate=rate.rate * Decimal("1.01")
            )
            services.rate_update(user=PLATFORM, rate=rate, data=data)

        return change

    def file(changed: Sequence[str]) -> Callable[[], None]:
        def change() -> None:
            loaded = [
                RateRow(row.currency, row.period, row.starts_on, row.units_per_usd * Decimal("1.01"))
                if (row.currency in changed and row.starts_on.year == YEAR) or "all" in changed
                else row
                for row in rows()
            ]
            services.rates_load(user=PLATFORM, rows=loaded)

        return change

    return {
        "one XOF yearly rate (`rate_update`)": one("XOF"),
        "one EUR yearly rate (`rate_update`: every currency's sums of the year)": one("EUR"),
        "a rate file of every rate, none changed (`rates_load`)": file([]),
        "a rate file of every rate, XOF's of one year changed": file(["XOF"]),
        "a rate file of every rate, XOF's, CDF's and EUR's of one year changed": file(["XOF", "CDF", "EUR"]),
        "a rate file of every rate, all changed": file(["all"]),
        "every total converted again (`layers.totals_rebuild`)": lambda: layers.totals_rebuild(),
    }


class Measured(TypedDict):
    name: str
    wall: float
    cpu: float
    server: float
    equal: bool | None


def measure(name: str, change: Callable[[], None], runs: int, verify: bool) -> Measured:
    from django.db import transaction

    pid = backend_pid()
    walls, cpus, servers = [], [], []
    equal: bool | None = None
    for run in range(runs):
        try:
            with transaction.atomic():
                server, cpu, wall = backend_cpu(pid), time.process_time(), time.perf_counter()
                change()
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                servers.append(backend_cpu(pid) - server)
                if verify and run == 0 and "totals_rebuild" not in name:
                    from egide.money import layers

                    kept = _totals()
                    layers.totals_rebuild()
                    equal = kept == _totals()
                raise Rollback
        except Rollback:
            pass
    result: Measured = {
        "name": name,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "server": statistics.median(servers),
        "equal": equal,
    }
    print(
        f"{name}: {result['wall'] * 1000:,.0f} ms wall, CPU {result['cpu'] * 1000:,.0f} ms + PostgreSQL "
        f"{result['server'] * 1000:,.0f} ms" + ("" if equal is None else f"; equal to a rebuild: {equal}"),
        flush=True,
    )
    return result


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres-url", required=True, help="a database generated by benchmarks/coordination.py")
    parser.add_argument("--runs", type=int, default=3, help="runs of each change (default %(default)s)")
    parser.add_argument("--verify", action="store_true", help="compare the totals with a rebuild after each change")
    parser.add_argument("--only", default="", help="measure the changes whose name contains this text")
    args = parser.parse_args(argv)
    enter_child("egide-rate-changes-", args.postgres_url)
    migrate()
    setup_django()
    from egide.money.models import ExchangeRate, MoneyLayerTotal, MoneyLevelSum

    print(
        f"{ExchangeRate.objects.count():,} rates, {MoneyLevelSum.objects.count():,} level sums, "
        f"{MoneyLayerTotal.objects.count():,} converted totals; load {load_average():.1f}",
        flush=True,
    )
    results = [
        measure(name, change, args.runs, args.verify) for name, change in _changes().items() if args.only in name
    ]
    print(f"load {load_average():.1f}")
    print("\n| change | wall | CPU: Django | CPU: PostgreSQL | both | equal to a rebuild |")
    print("| --- | ---: | ---: | ---: | ---: | :---: |")
    for result in results:
        equal = {None: "—", True: "yes", False: "**no**"}[result["equal"]]
        print(
            f"| {result['name']} | {result['wall'] * 1000:,.0f} ms | {result['cpu'] * 1000:,.0f} ms "
            f"| {result['server'] * 1000:,.0f} ms | {(result['cpu'] + result['server']) * 1000:,.0f} ms | {equal} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
