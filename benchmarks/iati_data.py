"""Generated IATI activity files for the IATI benchmarks: realistic activities (titles and descriptions in two
languages, participants, sectors, budgets, transactions with their own sectors, a results framework), a few per cent
of them in the SSR sectors, written by Égide's own 2.03 writer (or as 1.0x text for a registry-like folder)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

SSR_SECTORS = ("15210", "15220", "15230", "15240", "15250", "15261", "15130", "15150", "15160", "15170")
OTHER_SECTORS = ("11110", "12220", "13020", "14030", "16010", "21020", "23110", "31110", "43040", "72010")
COUNTRIES = ("CD", "CF", "ML", "NE", "HT", "AF", "XK", "LR", "SL", "SO", "SS", "ET", "KE", "UA", "CO")
CURRENCIES = ("EUR", "USD", "GBP", "XOF", "CHF")
WORDS = [
    "police",
    "justice",
    "reform",
    "support",
    "training",
    "governance",
    "oversight",
    "capacity",
    "parliament",
    "prisons",
    "border",
    "courts",
    "community",
    "security",
    "accountability",
    "programme",
    "strengthening",
    "national",
    "institutions",
    "human",
    "rights",
]


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def activity(rng: random.Random, number: int, *, ssr_share: float, publisher: str = "XM-BENCH"):  # type: ignore[no-untyped-def]
    from egide.iati.records import (
        Activity,
        Budget,
        Indicator,
        Money,
        Organisation,
        Participant,
        Period,
        Result,
        Share,
        Transaction,
    )

    start = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 6000))
    end = start + dt.timedelta(days=rng.randrange(365, 2500))
    sectors_pool = SSR_SECTORS if rng.random() < ssr_share else OTHER_SECTORS
    currency = rng.choice(CURRENCIES)
    reporting = Organisation(
        ref=publisher, type="10", name={"en": f"Ministry {publisher}", "fr": f"Ministère {publisher}"}
    )

    def money(day: dt.date) -> Money:
        return Money(Decimal(rng.randrange(1_000, 5_000_000)), currency, day)

    sectors = rng.sample(sectors_pool, 2)
    transactions = [
        Transaction(
            type=rng.choice(("2", "3", "4")),
            date=start + dt.timedelta(days=rng.randrange(0, 900)),
            money=money(start),
            description={"en": _phrase(rng, 6)},
            provider=reporting,
            receiver=Organisation(ref=f"XM-IMPL-{rng.randrange(50)}", name={"en": _phrase(rng, 3)}),
            sectors=(Share(rng.choice(sectors), "1"),),
            recipient_country=rng.choice(COUNTRIES),
        )
        for _ in range(rng.randrange(2, 7))
    ]
    return Activity(
        identifier=f"{publisher}-{number:07d}",
        version="2.03",
        default_language="en",
        default_currency=currency,
        reporting_org=reporting,
        participants=[
            Participant("1", reporting),
            Participant("4", Organisation(ref=f"XM-IMPL-{rng.randrange(50)}", type="21", name={"en": _phrase(rng, 3)})),
        ],
        titles={"en": _phrase(rng, 7), "fr": _phrase(rng, 7)},
        descriptions=[("1", {"en": _phrase(rng, 60), "fr": _phrase(rng, 60)})],
        status=rng.choice(("2", "3", "4")),
        dates={"1": start, "3": end, "2": start + dt.timedelta(days=rng.randrange(0, 90))},
        recipient_countries=[Share(rng.choice(COUNTRIES), percentage=Decimal(100))],
        sectors=[Share(sectors[0], "1", Decimal(60)), Share(sectors[1], "1", Decimal(40))],
        budgets=[
            Budget(
                "1",
                "2",
                start + dt.timedelta(days=365 * year),
                start + dt.timedelta(days=365 * year + 364),
                money(start + dt.timedelta(days=365 * year)),
            )
            for year in range(rng.randrange(1, 4))
        ],
        transactions=transactions,
        results=[
            Result(
                type="1",
                title={"en": _phrase(rng, 5)},
                indicators=tuple(
                    Indicator(
                        measure="1",
                        ascending=True,
                        title={"en": _phrase(rng, 5)},
                        baseline_year=start.year,
                        baseline_value=str(rng.randrange(0, 50)),
                        periods=tuple(
                            Period(
                                dt.date(start.year + k, 1, 1),
                                dt.date(start.year + k, 12, 31),
                                str(rng.randrange(50, 100)),
                                str(rng.randrange(0, 100)),
                            )
                            for k in range(2)
                        ),
                    )
                    for _ in range(2)
                ),
            )
        ],
    )


def write_file(path: Path, count: int, *, seed: int = 7, ssr_share: float = 0.05, publisher: str = "XM-BENCH") -> int:
    """Write `count` generated activities to `path`; returns the file's size in bytes."""
    from egide.iati.writer import write_activities

    rng = random.Random(seed)
    with path.open("wb") as output:
        write_activities(
            (activity(rng, number, ssr_share=ssr_share, publisher=publisher) for number in range(count)),
            output,
            generated=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        )
    return path.stat().st_size
