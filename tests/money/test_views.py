"""The Money tab and its dialogs: who sees what, who may change what, HTMX answers, flags of missing rates."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.money import services
from egide.money.data import BudgetData, TransactionData
from egide.money.models import Budget, ExchangeRate, Transaction
from egide.programmes.models import Programme
from tests.money.conftest import logged_in

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def money(programme: Programme, rates: list[ExchangeRate]) -> Programme:
    services.budget_create(
        user=None,
        programme=programme,
        data=BudgetData(
            period_start=date(2008, 1, 1), period_end=date(2008, 12, 31), value=Decimal("680000"), currency="EUR"
        ),
    )
    services.transaction_create(
        user=None,
        programme=programme,
        data=TransactionData(type="3", date=date(2008, 6, 1), value=Decimal("340000"), currency="EUR"),
    )
    services.transaction_create(
        user=None,
        programme=programme,
        data=TransactionData(type="3", date=date(2008, 9, 1), value=Decimal("44605000"), currency="XAF"),
    )
    # No GBP rate at all: flagged, left out of the totals.
    services.transaction_create(
        user=None,
        programme=programme,
        data=TransactionData(type="4", date=date(2008, 10, 1), value=Decimal("5000"), currency="GBP"),
    )
    return programme


def test_the_tab_shows_amounts_in_usd_and_eur_with_totals_and_flags(anonymous_client: Client, money: Programme) -> None:
    response = anonymous_client.get(reverse("programme-money", args=[money.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-current="page">Money<' in page
    # 680,000 EUR at 0.68 per dollar: 1,000,000 USD.
    assert "1,000,000.00" in page
    # Disbursed: 340,000 EUR (500,000 USD) + 44,605,000 XAF (100,000 USD, 68,000 EUR).
    totals = page[page.index('id="money-totals"') : page.index("</table>", page.index('id="money-totals"'))]
    disbursed = totals[totals.index('data-type="3"') :]
    assert "600,000.00" in disbursed
    assert "408,000.00" in disbursed
    expenditure = totals[totals.index('data-type="4"') :]
    assert "1 amount without a rate, excluded" in expenditure
    assert "Missing: GBP on 2008-10-01" in page
    assert "1 amount has no exchange rate" in page
    assert "data-money-chart" in page
    assert "XAF 2008 (year)" in page
    # A visitor sees no editing buttons.
    assert 'id="new-budget"' not in page


def test_editors_see_the_buttons_and_outsiders_do_not(money: Programme, member: User, outsider: User) -> None:
    assert 'id="new-budget"' in logged_in(member).get(reverse("programme-money", args=[money.pk])).content.decode()
    assert (
        'id="new-budget"' not in logged_in(outsider).get(reverse("programme-money", args=[money.pk])).content.decode()
    )


def test_a_hidden_programme_money_is_not_found(hidden_programme: Programme, outsider: User, member: User) -> None:
    url = reverse("programme-money", args=[hidden_programme.pk])
    assert logged_in(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    assert logged_in(member).get(url).status_code == 200


def test_the_panel_alone_for_htmx(money: Programme) -> None:
    response = Client().get(reverse("programme-money", args=[money.pk]) + "?part=panel", **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith('<div id="money-panel"')
    assert "<html" not in text


def test_a_budget_is_added_in_a_dialog_without_reloading(programme: Programme, member: User) -> None:
    client = logged_in(member)
    url = reverse("budget-create", args=[programme.pk])
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert 'hx-post="' + url in form.content.decode()
    response = client.post(
        url,
        {
            "type": "1",
            "status": "2",
            "period_start": "2009-01-01",
            "period_end": "2009-12-31",
            "value": "1500.5",
            "currency": "eur",
        },
        **HTMX,
    )
    assert response.status_code == 204
    assert "egide:changed" in response["HX-Trigger"]
    budget = Budget.objects.get()
    assert (budget.value, budget.currency, budget.value_date) == (Decimal("1500.50"), "EUR", date(2009, 1, 1))


def test_a_refused_value_comes_back_in_the_form(programme: Programme, member: User) -> None:
    response = logged_in(member).post(
        reverse("budget-create", args=[programme.pk]),
        {
            "type": "1",
            "status": "1",
            "period_start": "2009-01-01",
            "period_end": "2009-12-31",
            "value": "1e19",
            "currency": "EUR",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert not Budget.objects.exists()


def test_transactions_are_added_edited_and_deleted(programme: Programme, member: User) -> None:
    client = logged_in(member)
    response = client.post(
        reverse("transaction-create", args=[programme.pk]),
        {"type": "3", "date": "2009-02-01", "value": "100", "currency": "EUR", "receiver_name": "Ministry of Justice"},
        **HTMX,
    )
    assert response.status_code == 204
    record = Transaction.objects.get()
    edit = reverse("transaction-edit", args=[programme.pk, record.pk])
    assert "Ministry of Justice" in client.get(edit, **HTMX).content.decode()
    assert (
        client.post(edit, {"type": "4", "date": "2009-02-01", "value": "120", "currency": "EUR"}, **HTMX).status_code
        == 204
    )
    record.refresh_from_db()
    assert (record.type, record.value, record.receiver_name) == ("4", Decimal("120.00"), "")
    assert client.post(reverse("transaction-delete", args=[programme.pk, record.pk]), **HTMX).status_code == 204
    assert not Transaction.objects.exists()


def test_budgets_are_edited_and_deleted(money: Programme, member: User) -> None:
    client = logged_in(member)
    budget = Budget.objects.get()
    edit = reverse("budget-edit", args=[money.pk, budget.pk])
    assert client.get(edit).status_code == 200  # a page of its own without HTMX
    response = client.post(
        edit,
        {
            "type": "2",
            "status": "1",
            "period_start": "2008-01-01",
            "period_end": "2008-12-31",
            "value": "1",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.type == "2"
    assert client.post(reverse("budget-delete", args=[money.pk, budget.pk]), **HTMX).status_code == 204
    assert not Budget.objects.exists()


def test_outsiders_and_visitors_may_not_use_the_forms(money: Programme, outsider: User) -> None:
    budget, record = Budget.objects.get(), Transaction.objects.first()
    assert record is not None
    urls = [
        reverse("budget-create", args=[money.pk]),
        reverse("budget-edit", args=[money.pk, budget.pk]),
        reverse("budget-delete", args=[money.pk, budget.pk]),
        reverse("transaction-create", args=[money.pk]),
        reverse("transaction-edit", args=[money.pk, record.pk]),
        reverse("transaction-delete", args=[money.pk, record.pk]),
    ]
    client = logged_in(outsider)
    for url in urls:
        assert client.post(url, {}).status_code == 403, url
        assert Client().post(url, {}).status_code == 302, url  # to the log-in page
    assert Budget.objects.count() == 1
    assert Transaction.objects.count() == 3


def test_a_budget_of_another_programme_is_not_found(money: Programme, member: User, organisation) -> None:  # type: ignore[no-untyped-def]
    other = Programme.objects.create(country="CF", title_en="Other", owner=organisation, confidentiality="public")
    budget = Budget.objects.get()
    assert logged_in(member).post(reverse("budget-delete", args=[other.pk, budget.pk])).status_code == 404
    assert Budget.objects.exists()
