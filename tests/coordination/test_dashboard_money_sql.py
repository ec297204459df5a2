"""The dashboard's money converted in PostgreSQL gives the same totals, exclusions and shares by area, to the cent,
as converting each sum in Python: half-cent ties, euros, negative amounts, missing rates, a monthly and a daily
rate, programmes in one to three areas, and what an outsider may not see."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection

from egide.accounts.models import Confidentiality, Organisation
from egide.coordination import dashboard_money
from egide.money import sums
from egide.money.models import ExchangeRate, Transaction
from egide.programmes.models import Programme, ProgrammeArea

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL conversion is PostgreSQL's")

RATES = [
    ("EUR", "year", datetime.date(2024, 1, 1), "0.8"),
    ("EUR", "year", datetime.date(2025, 1, 1), "0.9"),
    ("EUR", "month", datetime.date(2025, 3, 1), "0.95"),
    ("XOF", "year", datetime.date(2024, 1, 1), "600"),
    ("XOF", "year", datetime.date(2025, 1, 1), "3"),
    ("XOF", "day", datetime.date(2025, 3, 10), "7"),
    ("GBP", "year", datetime.date(2025, 1, 1), "0.75"),
]
# (currency, value date, value): ties at half a cent (0.01 / 2 at 0.5 GBP... and at 3 XOF), negatives, the day
# of a daily rate, a year without GBP rate (excluded) and one without any euro rate (2023).
AMOUNTS = [
    ("USD", datetime.date(2025, 3, 10), "1000.01"),
    ("USD", datetime.date(2024, 6, 1), "0.01"),
    ("EUR", datetime.date(2025, 3, 11), "100.05"),
    ("EUR", datetime.date(2024, 2, 1), "-33.33"),
    ("XOF", datetime.date(2025, 3, 10), "0.07"),
    ("XOF", datetime.date(2025, 5, 2), "0.15"),
    ("XOF", datetime.date(2025, 5, 3), "-0.45"),
    ("XOF", datetime.date(2024, 8, 8), "12345.67"),
    ("GBP", datetime.date(2025, 7, 1), "0.03"),
    ("GBP", datetime.date(2024, 7, 1), "10.00"),
    ("USD", datetime.date(2023, 1, 5), "5.55"),
]
AREAS = [["justice"], ["justice", "prisons"], ["justice", "prisons", "police"]]


def _programmes(organisation: Organisation) -> None:
    for currency, period, starts_on, rate in RATES:
        ExchangeRate.objects.create(currency=currency, period=period, starts_on=starts_on, rate=Decimal(rate))
    number = 0
    for country in ("CF", "TD"):
        for level in (Confidentiality.PUBLIC, Confidentiality.ORGANISATION):
            for areas in AREAS:
                number += 1
                programme = Programme.objects.create(
                    country=country,
                    iati_identifier=f"XM-SQL-{number}",
                    title_en=f"Programme {number}",
                    status="2",
                    owner=organisation,
                    confidentiality=level,
                )
                for area in areas:
                    ProgrammeArea.objects.create(programme=programme, area=area)
                for position, (currency, day, value) in enumerate(AMOUNTS):
                    Transaction.objects.create(
                        programme=programme,
                        type="2" if position % 3 else "3",
                        date=day,
                        value_date=day,
                        value=Decimal(value) * number,
                        currency=currency,
                    )
    sums.sums_of_programmes_rebuild(list(Programme.objects.values_list("pk", flat=True)))


def _plain(money: dashboard_money.Money) -> tuple[object, ...]:
    return (
        dict(money.total),
        dict(money.excluded),
        {country: dict(areas) for country, areas in money.by_area.items()},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "outsider"])
@pytest.mark.parametrize("currency", ["USD", "EUR"])
@pytest.mark.parametrize("flow", ["committed", "spent"])
def test_the_sql_conversion_gives_the_same_totals_to_the_cent(
    who: str, currency: str, flow: str, organisation: Organisation, request: pytest.FixtureRequest
) -> None:
    _programmes(organisation)
    user: User = request.getfixturevalue(who)
    arguments = {"user": user, "countries": ["CF", "TD"], "currency": currency, "flow": flow}
    in_sql = dashboard_money.money_in_sql(**arguments)
    in_python = dashboard_money.money_in_python(**arguments)
    assert _plain(in_sql) == _plain(in_python)
    assert in_sql.total  # something was counted
    if currency == "EUR" or flow == "spent":
        assert in_sql.excluded  # something left out for a missing rate (the euro's in 2023, the pound's in 2024)
    assert all(value == value.quantize(Decimal("0.01")) for value in in_sql.total.values())
