"""A change of rates changes the dashboard's converted totals (egide.money.layers) by difference, only for the sums
that read the changed rates, and leaves them, to the cent, what converting every sum again from scratch gives: over
random sequences of rates created, changed (in value, period or start) and deleted through the services, saved
directly (the signals), and files loaded where a few rates changed among many that did not."""

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import PLATFORM
from egide.money import layers, services, sums
from egide.money.conversion import RateRow
from egide.money.data import RateData
from egide.money.models import ExchangeRate, MoneyLayerTotal, MoneyLevelSum, Transaction
from egide.programmes.models import Programme, ProgrammeArea

COUNTRIES = ["CF", "TD"]
CURRENCIES = ["USD", "EUR", "XOF", "GBP"]
RATED = ["EUR", "XOF", "GBP"]
YEARS = [2024, 2025]
LEVELS = [Confidentiality.PUBLIC, Confidentiality.PARTNERS, Confidentiality.ORGANISATION]
RATE_DAYS = [datetime.date(2024, 5, 6), datetime.date(2025, 3, 10), datetime.date(2025, 7, 1)]
"""Days that rates and amounts share, so that daily rates appear, change and disappear under existing sums."""


def _random_rate(rng: random.Random) -> Decimal:
    """Rates of many digits, so that changing one moves roundings by a cent here and there."""
    return Decimal(rng.randint(500, 900_000)) / Decimal(rng.choice([1000, 7, 13, 100_000]))


def _start(rng: random.Random, period: str) -> datetime.date:
    if period == "day":
        return rng.choice(RATE_DAYS)
    if period == "month":
        return datetime.date(rng.choice(YEARS), rng.randint(1, 12), 1)
    return datetime.date(rng.choice(YEARS), 1, 1)


def _world(rng: random.Random, organisation: Organisation) -> None:
    for currency in RATED:
        for year in YEARS:
            ExchangeRate.objects.create(
                currency=currency, period="year", starts_on=datetime.date(year, 1, 1), rate=_random_rate(rng)
            )
    ExchangeRate.objects.create(currency="XOF", period="month", starts_on=datetime.date(2025, 3, 1), rate=Decimal(601))
    ExchangeRate.objects.create(currency="EUR", period="day", starts_on=RATE_DAYS[1], rate=Decimal("0.9137"))
    programmes = []
    for number in range(14):
        programme = Programme.objects.create(
            country=rng.choice(COUNTRIES),
            iati_identifier=f"XM-RATES-{number}",
            title_en=f"Programme {number}",
            status="2",
            owner=organisation,
            confidentiality=rng.choice(LEVELS),
        )
        for area in rng.sample(["justice", "police", "prisons"], rng.randint(0, 2)):
            ProgrammeArea.objects.create(programme=programme, area=area)
        for _ in range(rng.randint(2, 7)):
            day = rng.choice([*RATE_DAYS, datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 720))])
            Transaction.objects.create(
                programme=programme,
                type=rng.choice(["1", "2", "3"]),
                date=day,
                value_date=day,
                value=Decimal(rng.randint(-5_000, 9_999_999)) / 100,
                currency=rng.choice(CURRENCIES),
            )
        programmes.append(programme.pk)
    sums.sums_of_programmes_rebuild(programmes)


def _totals() -> list[tuple[Any, ...]]:
    return sorted(
        MoneyLayerTotal.objects.values_list(
            "layer", "country", "flow", "area", "parts", "target", "value", "converted", "excluded"
        )
    )


def _from_scratch() -> list[tuple[Any, ...]]:
    """The totals as converting every level sum again writes them, the kept ones left as they were."""
    with transaction.atomic():
        layers.totals_rebuild()
        rebuilt = _totals()
        transaction.set_rollback(True)
    return rebuilt


def _rates() -> list[RateRow]:
    return [RateRow(*row) for row in ExchangeRate.objects.values_list("currency", "period", "starts_on", "rate")]


def _change(rng: random.Random) -> str:
    """One random change of the rates, through one of the ways rates change; says which."""
    existing = list(ExchangeRate.objects.order_by("pk"))
    way = rng.choice(["update", "move", "create", "delete", "save", "load"])
    if way in ("update", "move", "delete", "save") and existing:
        rate = rng.choice(existing)
        if way == "delete":
            services.rate_delete(user=PLATFORM, rate=rate)
            return f"deleted {rate}"
        if way == "save":
            rate.rate = _random_rate(rng)
            rate.save()
            return f"saved {rate}"
        period = rng.choice(["year", "month", "day"]) if way == "move" else rate.period
        start = _start(rng, period) if way == "move" else rate.starts_on
        if ExchangeRate.objects.filter(currency=rate.currency, period=period, starts_on=start).exclude(pk=rate.pk):
            return "nothing (taken)"
        data = RateData(currency=rate.currency, period=period, starts_on=start, rate=_random_rate(rng))
        services.rate_update(user=PLATFORM, rate=rate, data=data)
        return f"{way}d {rate}"
    if way == "create":
        period = rng.choice(["year", "month", "day"])
        currency, start = rng.choice(RATED), _start(rng, period)
        if ExchangeRate.objects.filter(currency=currency, period=period, starts_on=start).exists():
            return "nothing (taken)"
        services.rate_create(
            user=PLATFORM, data=RateData(currency=currency, period=period, starts_on=start, rate=_random_rate(rng))
        )
        return f"created {currency} {period} {start}"
    # A file: every rate the table has, one to three of them changed or new.
    rows = {(row.currency, row.period, row.starts_on): row for row in _rates()}
    for _ in range(rng.randint(1, 3)):
        period = rng.choice(["year", "month", "day"])
        key = (rng.choice(RATED), period, _start(rng, period))
        rows[key] = RateRow(*key, _random_rate(rng))
    loaded = services.rates_load(user=PLATFORM, rows=list(rows.values()))
    return f"loaded a file: {loaded.created} created, {loaded.updated} changed, {loaded.unchanged} unchanged"


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_totals_after_random_rate_changes_are_those_converted_from_scratch(
    seed: int, organisation: Organisation
) -> None:
    rng = random.Random(seed)
    _world(rng, organisation)
    assert _totals() == _from_scratch()
    assert MoneyLayerTotal.objects.exists()
    done = []
    for _ in range(14):
        done.append(_change(rng))
        assert _totals() == _from_scratch(), done
    assert any(step.startswith("loaded") for step in done)


@pytest.mark.django_db
def test_a_file_that_changes_nothing_or_rates_no_sum_reads_writes_no_total(organisation: Organisation) -> None:
    """A file loaded again unchanged, or one whose only change is a rate that no sum reads (a year without
    amounts of that currency), converts nothing and writes no total."""
    _world(random.Random(5), organisation)
    kept = _totals()
    for rows in (_rates(), [*_rates(), RateRow("GBP", "year", datetime.date(2019, 1, 1), Decimal("0.71"))]):
        with CaptureQueriesContext(connection) as queries:
            services.rates_load(user=PLATFORM, rows=rows)
        assert not [query for query in queries.captured_queries if "money_moneylayertotal" in query["sql"]]
    assert _totals() == kept


@pytest.mark.django_db
def test_a_change_converts_only_the_sums_of_its_currency_and_period(organisation: Organisation) -> None:
    """A yearly XOF rate changes the totals of the sums in XOF of that year only; the other totals keep their
    rows as they were (their ids and values)."""
    _world(random.Random(6), organisation)
    public = Programme.objects.create(country="CF", title_en="Public", status="2", confidentiality="public")
    day = datetime.date(2024, 9, 9)
    Transaction.objects.create(
        programme=public, type="2", date=day, value_date=day, value=Decimal("123456.78"), currency="XOF"
    )
    sums.sums_of_programmes_rebuild([public.pk])
    before = {total.pk: total.value for total in MoneyLayerTotal.objects.all()}
    rate = ExchangeRate.objects.get(currency="XOF", period="year", starts_on=datetime.date(2024, 1, 1))
    services.rate_update(
        user=PLATFORM,
        rate=rate,
        data=RateData(currency="XOF", period="year", starts_on=rate.starts_on, rate=rate.rate * 3),
    )
    assert _totals() == _from_scratch()
    totals = {total.pk: total for total in MoneyLayerTotal.objects.all()}
    assert set(totals) == set(before)  # changed in place, none written again from scratch
    changed = {
        (total.country, total.flow, total.area, total.parts)
        for pk, total in totals.items()
        if total.value != before[pk]
    }
    assert changed
    in_xof_2024 = set(
        MoneyLevelSum.objects.filter(currency="XOF", bucket__year=2024).values_list("country", "flow", "area", "parts")
    )
    assert changed <= in_xof_2024
    assert len(in_xof_2024) < len({key[1:5] for key in _totals()})  # not every total could have changed


@pytest.mark.django_db
def test_too_many_rates_at_once_convert_every_total_again(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past RATES_BY_DIFFERENCE rates in one file, the totals are converted again whole: the same values."""
    rng = random.Random(8)
    _world(rng, organisation)
    monkeypatch.setattr(layers, "RATES_BY_DIFFERENCE", 2)
    rows = [RateRow(row.currency, row.period, row.starts_on, _random_rate(rng)) for row in _rates()]
    assert services.rates_load(user=PLATFORM, rows=rows).updated == len(rows) > 2
    assert _totals() == _from_scratch()
