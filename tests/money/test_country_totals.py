"""A country's totals (egide.money.selectors.country_money): the programmes the reader sees, by transaction type, in
US dollars and euros, with the amounts that have no rate counted apart."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User

from egide.accounts.models import Organisation
from egide.money import services
from egide.money.data import BudgetData, TransactionData
from egide.money.models import ExchangeRate
from egide.money.selectors import country_money
from egide.programmes.models import Programme


def test_totals_by_type_with_amounts_without_rate_counted_apart(
    programme: Programme,
    hidden_programme: Programme,
    rates: list[ExchangeRate],
    member: User,
    outsider: User,
    organisation: Organisation,
) -> None:
    def flow(target: Programme, kind: str, day: date, value: str, currency: str) -> None:
        services.transaction_create(
            user=None, programme=target, data=TransactionData(kind, day, Decimal(value), currency)
        )

    flow(programme, "3", date(2008, 2, 1), "340000", "EUR")  # 500,000 USD
    flow(programme, "3", date(2008, 9, 1), "340000", "EUR")  # 500,000 USD, same rates: summed first
    flow(programme, "3", date(2008, 9, 1), "44605000", "XAF")  # 100,000 USD
    flow(programme, "3", date(2009, 3, 1), "720000", "EUR")  # 1,000,000 USD at 2009's rate
    flow(programme, "4", date(2008, 3, 1), "10", "GBP")  # no rate
    flow(hidden_programme, "3", date(2008, 3, 1), "680", "EUR")  # seen by the owner's members only
    services.budget_create(
        user=None, programme=programme, data=BudgetData(date(2008, 1, 1), date(2008, 12, 31), Decimal("68"), "EUR")
    )
    Programme.objects.create(country="ML", title_en="Elsewhere", owner=organisation, confidentiality="public")

    seen_by_outsider = country_money(user=outsider, country="CF")
    disbursed = seen_by_outsider.by_type["3"]
    assert disbursed.usd.amount == Decimal("2100000.00")
    assert disbursed.usd.counted == 4
    assert disbursed.eur.amount == Decimal("1468000.00")  # 340,000 × 2 + 68,000 + 720,000
    assert seen_by_outsider.by_type["4"].usd.excluded == 1
    assert seen_by_outsider.by_type["4"].usd.amount == 0
    assert seen_by_outsider.budgets.usd.amount == Decimal("100.00")
    assert seen_by_outsider.excluded == 1

    seen_by_member = country_money(user=member, country="CF")
    assert seen_by_member.by_type["3"].usd.amount == Decimal("2101000.00")
    assert seen_by_member.by_type["3"].usd.counted == 5


def test_daily_and_monthly_rates_are_used_where_they_apply(
    programme: Programme, rates: list[ExchangeRate], outsider: User
) -> None:
    ExchangeRate.objects.create(currency="EUR", period="day", starts_on=date(2008, 9, 1), rate=Decimal("0.5"))
    ExchangeRate.objects.create(currency="XAF", period="month", starts_on=date(2008, 9, 1), rate=Decimal("400"))
    for day, value, currency in (
        (date(2008, 2, 1), "340000", "EUR"),  # the year's rate: 500,000 USD
        (date(2008, 9, 1), "100", "EUR"),  # the day's rate: 200 USD
        (date(2008, 9, 15), "400000", "XAF"),  # the month's rate: 1,000 USD, 680 EUR at the euro's year rate
        (date(2008, 3, 1), "44605000", "XAF"),  # the year's rate: 100,000 USD, 68,000 EUR
    ):
        services.transaction_create(
            user=None, programme=programme, data=TransactionData("3", day, Decimal(value), currency)
        )
    totals = country_money(user=outsider, country="CF").by_type["3"]
    assert totals.usd.amount == Decimal("601200.00")
    assert totals.eur.amount == Decimal("408780.00")
    assert totals.usd.counted == 4
