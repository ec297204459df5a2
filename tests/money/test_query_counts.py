"""The Money tab, the money API and a country's totals make the same number of SQL queries at 3 and at 30 budgets
and transactions: a test of behaviour, not of time (the times are in benchmarks/RESULTS.md)."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Organisation
from egide.money.models import Budget, ExchangeRate, Transaction
from egide.money.selectors import country_money
from egide.money.services import programme_sums_refresh
from egide.programmes.models import Programme
from tests.money.conftest import logged_in

CURRENCIES = ("EUR", "USD", "XAF", "GBP")


def _fill(programme: Programme, count: int, organisation: Organisation) -> None:
    for index in range(count):
        day = date(2005 + index % 5, 1 + index % 12, 1) + timedelta(days=index % 20)
        currency = CURRENCIES[index % len(CURRENCIES)]
        Budget.objects.create(
            programme=programme,
            period_start=day,
            period_end=day + timedelta(days=300),
            value=Decimal(index + 1),
            currency=currency,
            value_date=day,
        )
        Transaction.objects.create(
            programme=programme,
            type=("2", "3", "4", "1")[index % 4],
            date=day,
            value=Decimal(index + 10),
            currency=currency,
            value_date=day,
            provider=organisation if index % 2 else None,
            receiver_name="Police",
        )
    programme_sums_refresh(programme_ids=[programme.pk])  # as the services and importers do after their writes


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_money_tab_and_api_queries_do_not_grow_with_the_rows(
    programme: Programme, organisation: Organisation, member: User, rates: list[ExchangeRate]
) -> None:
    client = logged_in(member)
    page = f"/programmes/{programme.pk}/money/"
    api = f"/api/v1/programmes/{programme.pk}/transactions"
    _fill(programme, 3, organisation)
    client.get(page)  # the session and the reach, read once
    small = (_queries(lambda: client.get(page)), _queries(lambda: Client().get(api)))
    _fill(programme, 27, organisation)
    large = (_queries(lambda: client.get(page)), _queries(lambda: Client().get(api)))
    assert Transaction.objects.count() == 30
    assert small == large
    assert small[0] <= 12


def test_a_country_total_takes_three_queries_whatever_the_programmes_and_transactions(
    programme: Programme, organisation: Organisation, member: User, rates: list[ExchangeRate]
) -> None:
    _fill(programme, 3, organisation)
    country_money(user=member, country="CF")  # the reader's reach, read once
    small = _queries(lambda: country_money(user=member, country="CF"))
    for index in range(5):
        other = Programme.objects.create(
            country="CF",
            title_en=f"Programme {index}",
            owner=organisation,
            # A restricted programme's sums are read on their own (its shares make it a case of its own).
            confidentiality="restricted" if index == 0 else "public",
        )
        _fill(other, 6, organisation)
    large = _queries(lambda: country_money(user=member, country="CF"))
    assert small == large
    assert small == 3  # the sums of the classes of programmes, of the restricted programmes, and the rates
    totals = country_money(user=member, country="CF")
    assert totals.by_type["3"].usd.counted + totals.by_type["3"].usd.excluded == 1 + 5 * 2  # every disbursement
    # GBP has no rate: its amounts are left out and counted, never summed as zero.
    assert totals.excluded > 0
