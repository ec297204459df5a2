"""A country's totals read from the sums the money services keep (egide.money.sums): the same totals as summing the
budgets and transactions themselves (`country_money_from_records`), on random data, after every kind of write
(services, the money import, the IATI importer, rate changes, the rebuild command), and per reader."""

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Confidentiality, Organisation, Role
from egide.accounts.selectors import PLATFORM
from egide.accounts.services import record_share
from egide.iati import importer
from egide.iati.importer import iati_file_import
from egide.money import services
from egide.money.data import BudgetData, RateData, TransactionData
from egide.money.models import ExchangeRate, MoneyClassSum, MoneySum, RatePeriod, Transaction
from egide.money.selectors import country_money, country_money_from_records
from egide.money.transfer import money_file_import
from egide.programmes.models import Programme
from egide.programmes.services import programme_delete
from tests.conftest import make_user
from tests.iati.test_importer import activity, write

CURRENCIES = ("EUR", "USD", "XAF", "GBP")  # GBP has no rate: its amounts are excluded, never counted as zero
TYPES = ("1", "2", "3", "4", "11")


def _same_totals(user: User | None, country: str = "CF") -> None:
    assert country_money(user=user, country=country) == country_money_from_records(user=user, country=country)


def _programmes(organisation: Organisation, other_organisation: Organisation) -> list[Programme]:
    """A public programme, one of partners, one of its owner's members only, and two restricted ones, one shared
    with the other organisation."""
    public, partners, internal, restricted, unshared = (
        Programme.objects.create(country="CF", title_en=title, owner=organisation, confidentiality=level)
        for title, level in (
            ("Public", Confidentiality.PUBLIC),
            ("Partners", Confidentiality.PARTNERS),
            ("Internal", Confidentiality.ORGANISATION),
            ("Restricted", Confidentiality.RESTRICTED),
            ("Restricted, not shared", Confidentiality.RESTRICTED),
        )
    )
    record_share(user=PLATFORM, record=restricted, organisation=other_organisation, can_edit_too=False)
    return [public, partners, internal, restricted, unshared]


def _random_rates(generator: random.Random, *, euro_monthly: bool) -> None:
    for currency, level in (("EUR", 0.7), ("XAF", 450.0)):
        for year in (2007, 2008, 2009):
            if currency == "XAF" and year == 2009:
                continue  # a year without a rate
            services.rate_create(
                user=PLATFORM,
                data=RateData(
                    currency,
                    RatePeriod.YEAR,
                    date(year, 1, 1),
                    Decimal(str(round(level * generator.uniform(0.9, 1.1), 6))),
                ),
            )
    # Monthly and daily rates of the euro and of the franc, some created before the amounts, some after; a
    # monthly rate of the euro on every other seed (without one, the month sums of the currencies that have none are
    # added up by year).
    rates = [
        ("XAF", RatePeriod.MONTH, date(2008, 6, 1), "500"),
        ("EUR", RatePeriod.DAY, date(2008, 3, 3), "0.65"),
        ("XAF", RatePeriod.DAY, date(2008, 6, 10), "480"),
    ]
    if euro_monthly:
        rates.append(("EUR", RatePeriod.MONTH, date(2008, 7, 1), "0.6"))
    for currency, period, day, rate in rates:
        services.rate_create(user=PLATFORM, data=RateData(currency, period, day, Decimal(rate)))


# Days of daily and monthly rates (present, added or deleted later), and the edges of months and years.
SPECIAL_DAYS = (date(2008, 3, 3), date(2008, 6, 10), date(2008, 6, 11), date(2008, 7, 1), date(2009, 12, 31))


def _random_day(generator: random.Random) -> date:
    # Days of rates are drawn often, so that more amounts fall on them.
    if generator.random() < 0.3:
        return generator.choice(SPECIAL_DAYS)
    return date(2007, 1, 1) + timedelta(days=generator.randrange(3 * 365))


@pytest.mark.parametrize("seed", range(6))
def test_the_totals_from_the_sums_are_those_of_the_records_on_random_data(
    seed: int,
    organisation: Organisation,
    other_organisation: Organisation,
    owner: User,
    member: User,
    outsider: User,
    nobody: User,
) -> None:
    generator = random.Random(seed)
    programmes = _programmes(organisation, other_organisation)
    _random_rates(generator, euro_monthly=seed % 2 == 0)
    for index in range(40):
        target = generator.choice(programmes)
        day = SPECIAL_DAYS[index] if index < len(SPECIAL_DAYS) else _random_day(generator)
        value = Decimal(generator.randrange(1, 10_000_000)) / 100
        currency = generator.choice(CURRENCIES)
        if generator.random() < 0.25:
            services.budget_create(
                user=PLATFORM,
                programme=target,
                data=BudgetData(day, day + timedelta(days=300), value, currency, value_date=day),
            )
        else:
            services.transaction_create(
                user=PLATFORM,
                programme=target,
                data=TransactionData(generator.choice(TYPES), day, value, currency, value_date=day),
            )
    # A daily rate that appears after the amounts, and one that goes: their days' amounts move.
    services.rate_create(user=PLATFORM, data=RateData("EUR", RatePeriod.DAY, date(2008, 6, 11), Decimal("0.61")))
    services.rate_delete(
        user=PLATFORM, rate=ExchangeRate.objects.get(period=RatePeriod.DAY, starts_on=date(2008, 3, 3))
    )
    assert MoneySum.objects.filter(grain="day").exists()
    assert MoneySum.objects.filter(grain="month").exists()
    limited = make_user("limited", organisation, Role.VIEWER, countries=["ML"])  # sees the public programme only
    public, partners, _internal, restricted, _unshared = programmes

    def check(seen_by: dict[User | None, list[Programme]]) -> None:
        for user, visible in seen_by.items():
            _same_totals(user)
            totals = country_money(user=user, country="CF")
            # The readers see different programmes, hence different totals (random data: compare the counts).
            counted = sum(total.usd.counted + total.usd.excluded for total in totals.by_type.values())
            assert counted == Transaction.objects.filter(programme__in=visible).count()

    check(
        {
            None: programmes,
            owner: programmes,
            member: programmes,
            outsider: [public, partners, restricted],
            limited: [public],
            nobody: [public],  # a user of no organisation sees public records only
        }
    )
    # A programme that changes class (the partners' becomes its owner's) and one deleted take their sums along.
    partners.confidentiality = Confidentiality.ORGANISATION
    partners.save()
    programme_delete(user=PLATFORM, programme=restricted)
    check({owner: programmes[:3] + programmes[4:], outsider: [public], nobody: [public], limited: [public]})
    assert MoneyClassSum.objects.exists()


def test_the_sums_follow_every_write_of_a_transaction_and_a_budget(
    programme: Programme, rates: list[ExchangeRate], outsider: User
) -> None:
    record = services.transaction_create(
        user=PLATFORM, programme=programme, data=TransactionData("3", date(2008, 2, 1), Decimal("340000"), "EUR")
    )
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("500000.00")
    services.transaction_update(
        user=PLATFORM, record=record, data=TransactionData("4", date(2009, 2, 1), Decimal("720000"), "EUR")
    )
    totals = country_money(user=outsider, country="CF")
    assert "3" not in totals.by_type
    assert totals.by_type["4"].usd.amount == Decimal("1000000.00")
    budget = services.budget_create(
        user=PLATFORM,
        programme=programme,
        data=BudgetData(date(2008, 1, 1), date(2008, 12, 31), Decimal("68"), "EUR"),
    )
    assert country_money(user=outsider, country="CF").budgets.usd.amount == Decimal("100.00")
    services.budget_update(
        user=PLATFORM,
        budget=budget,
        data=BudgetData(date(2008, 1, 1), date(2008, 12, 31), Decimal("136"), "EUR"),
    )
    assert country_money(user=outsider, country="CF").budgets.usd.amount == Decimal("200.00")
    _same_totals(outsider)
    services.transaction_delete(user=PLATFORM, record=record)
    services.budget_delete(user=PLATFORM, budget=budget)
    totals = country_money(user=outsider, country="CF")
    assert totals.by_type == {}
    assert totals.budgets.usd.counted == 0
    assert not MoneySum.objects.exists()
    assert not MoneyClassSum.objects.exists()  # taken away to zero, then deleted


def test_a_daily_rate_moved_by_hand_moves_its_days_amounts(
    programme: Programme, rates: list[ExchangeRate], outsider: User
) -> None:
    services.transaction_create(
        user=PLATFORM, programme=programme, data=TransactionData("3", date(2008, 9, 1), Decimal("100"), "EUR")
    )
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("147.06")  # 100 / 0.68
    rate = services.rate_create(user=PLATFORM, data=RateData("EUR", RatePeriod.DAY, date(2008, 9, 2), Decimal("0.5")))
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("147.06")
    services.rate_update(
        user=PLATFORM, rate=rate, data=RateData("EUR", RatePeriod.DAY, date(2008, 9, 1), Decimal("0.5"))
    )
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("200.00")
    services.rate_update(
        user=PLATFORM, rate=rate, data=RateData("EUR", RatePeriod.DAY, date(2008, 9, 1), Decimal("0.25"))
    )
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("400.00")
    services.rate_delete(user=PLATFORM, rate=rate)
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("147.06")
    _same_totals(outsider)


def test_a_money_file_import_and_an_iati_import_keep_the_sums(
    programme: Programme, rates: list[ExchangeRate], member: User, outsider: User, tmp_path: Path
) -> None:
    transactions = (
        "programme,type,date,value,currency\n"
        f"{programme.iati_identifier},3,2008-02-01,340000,EUR\n"
        f"{programme.iati_identifier},2,2008-03-01,44605000,XAF\n"
    ).encode()
    money_file_import(user=member, country="CF", data=transactions, filename="transactions.csv")
    totals = country_money(user=outsider, country="CF")
    assert totals.by_type["3"].usd.amount == Decimal("500000.00")
    assert totals.by_type["2"].usd.amount == Decimal("100000.00")

    iati_file_import(user=PLATFORM, path=write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-2")))
    totals = country_money(user=outsider, country="CF")
    assert totals.by_type["3"].usd.amount == Decimal("1000000.00")  # 500,000 + 2 × 250,000 USD
    assert totals.budgets.usd.counted == 0
    assert totals.budgets.usd.excluded == 2  # EUR in 2020: no rate
    _same_totals(outsider)
    # A changed activity replaces its parts: its sums are written again, not added.
    changed = activity("XM-DAC-7-2").replace(">250000<", ">50000<")
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity("XM-DAC-7-1"), changed))
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("800000.00")
    _same_totals(outsider)


def test_an_iati_file_in_several_batches_writes_its_sums_once_at_its_end(
    rates: list[ExchangeRate], outsider: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH", 1)  # three batches of one activity
    path = write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-2"), activity("XM-DAC-7-3"))
    with CaptureQueriesContext(connection) as queries:
        assert iati_file_import(user=PLATFORM, path=path).created == 3
    sums_written = [query for query in queries if query["sql"].startswith('INSERT INTO "money_moneysum"')]
    assert len(sums_written) == 2  # once from the transactions, once from the budgets, for the whole file
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("750000.00")
    assert MoneySum.objects.filter(programme__iati_identifier__startswith="XM-DAC-7-").count() == 6
    _same_totals(outsider)


def test_a_deleted_programme_takes_its_sums_with_it(
    programme: Programme, rates: list[ExchangeRate], outsider: User
) -> None:
    services.transaction_create(
        user=PLATFORM, programme=programme, data=TransactionData("3", date(2008, 2, 1), Decimal("340000"), "EUR")
    )
    assert MoneySum.objects.filter(programme=programme).count() == 1
    programme_delete(user=PLATFORM, programme=programme)
    assert not MoneySum.objects.exists()
    assert not MoneyClassSum.objects.exists()
    assert country_money(user=outsider, country="CF").by_type == {}


def test_the_rebuild_command_writes_the_sums_of_records_written_without_the_services(
    programme: Programme, rates: list[ExchangeRate], outsider: User
) -> None:
    Transaction.objects.create(
        programme=programme,
        type="3",
        date=date(2008, 2, 1),
        value=Decimal("340000"),
        currency="EUR",
        value_date=date(2008, 2, 1),
    )
    assert country_money(user=outsider, country="CF").by_type == {}
    out = io.StringIO()
    call_command("money", "sums", "rebuild", stdout=out)
    assert out.getvalue().startswith("1 sums written")
    assert country_money(user=outsider, country="CF").by_type["3"].usd.amount == Decimal("500000.00")
    _same_totals(outsider)
