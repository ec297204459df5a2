"""The API of money: budgets and transactions of a programme (list, create, replace, delete) and the rate table
(list, create); permissions checked before the body is read, with owner, member, outsider."""

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from egide.money import services
from egide.money.data import BudgetData, TransactionData
from egide.money.models import Budget, ExchangeRate, Transaction
from egide.programmes.models import Programme
from egide.security.tokens import token_create
from tests.security.helpers import verified_client

BUDGET = {"period_start": "2008-01-01", "period_end": "2008-12-31", "value": "680000", "currency": "EUR"}
TRANSACTION = {"type": "3", "date": "2008-09-01", "value": "44605000", "currency": "XAF", "receiver_name": "Police"}
BAD_BODY = {"value": "many", "type": 5, "currency": 3}


def send(user: User | None, method: str, url: str, body: Any = None) -> HttpResponse:
    headers = {"Authorization": f"Bearer {token_create(user=user, name='script', by=user)[1]}"} if user else {}
    text = json.dumps(body) if body is not None else ""
    response: HttpResponse = getattr(Client(), method)(url, text, content_type="application/json", headers=headers)
    return response


def test_anyone_who_sees_the_programme_reads_its_money_converted(
    programme: Programme, rates: list[ExchangeRate]
) -> None:
    services.budget_create(
        user=None,
        programme=programme,
        data=BudgetData(date(2008, 1, 1), date(2008, 12, 31), Decimal("680000"), "EUR"),
    )
    services.transaction_create(
        user=None, programme=programme, data=TransactionData("3", date(2008, 9, 1), Decimal("5"), "GBP")
    )
    budgets = Client().get(f"/api/v1/programmes/{programme.pk}/budgets").json()
    assert budgets[0]["converted"] == {
        "usd": "1000000.00",
        "eur": "680000.00",
        "rate": "EUR 2008 (year)",
        "missing": [],
    }
    [record] = Client().get(f"/api/v1/programmes/{programme.pk}/transactions").json()
    assert record["converted"]["usd"] is None
    assert record["converted"]["missing"] == ["GBP"]


def test_a_hidden_programme_is_not_found(hidden_programme: Programme, outsider: User) -> None:
    for path in ("budgets", "transactions"):
        assert Client().get(f"/api/v1/programmes/{hidden_programme.pk}/{path}").status_code == 404
        assert send(outsider, "get", f"/api/v1/programmes/{hidden_programme.pk}/{path}").status_code == 404


@pytest.mark.parametrize("who", ["owner", "member"])
def test_editors_create_replace_and_delete(
    who: str, request: pytest.FixtureRequest, programme: Programme, rates: list[ExchangeRate]
) -> None:
    user = request.getfixturevalue(who)
    base = f"/api/v1/programmes/{programme.pk}"
    created = send(user, "post", f"{base}/budgets", BUDGET)
    assert created.status_code == 201, created.content
    budget = created.json()
    assert budget["converted"]["usd"] == "1000000.00"
    replaced = send(user, "put", f"{base}/budgets/{budget['id']}", {**BUDGET, "value": "340000", "type": "2"})
    assert replaced.status_code == 200
    assert replaced.json()["converted"]["usd"] == "500000.00"
    assert send(user, "delete", f"{base}/budgets/{budget['id']}").status_code == 204
    assert not Budget.objects.exists()

    created = send(user, "post", f"{base}/transactions", TRANSACTION)
    assert created.status_code == 201, created.content
    record = created.json()
    assert record["converted"]["usd"] == "100000.00"
    assert record["converted"]["eur"] == "68000.00"
    replaced = send(user, "put", f"{base}/transactions/{record['id']}", {**TRANSACTION, "type": "4"})
    assert replaced.json()["type"] == "4"
    assert send(user, "delete", f"{base}/transactions/{record['id']}").status_code == 204
    assert not Transaction.objects.exists()


def test_refused_values_are_named_by_field(programme: Programme, member: User) -> None:
    response = send(
        member, "post", f"/api/v1/programmes/{programme.pk}/budgets", {**BUDGET, "value": "1e19", "currency": "XYZ"}
    )
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert "too large" in errors["value"][0]
    assert "ISO 4217" in errors["currency"][0]
    response = send(member, "post", f"/api/v1/programmes/{programme.pk}/transactions", {**TRANSACTION, "provider": 999})
    assert response.status_code == 422
    assert "provider" in response.json()["detail"]


def test_an_outsider_is_refused_before_the_body_is_read(programme: Programme, outsider: User, member: User) -> None:
    budget = services.budget_create(
        user=member, programme=programme, data=BudgetData(date(2008, 1, 1), date(2008, 12, 31), Decimal(1), "EUR")
    )
    record = services.transaction_create(
        user=member, programme=programme, data=TransactionData("3", date(2008, 1, 1), Decimal(1), "EUR")
    )
    base = f"/api/v1/programmes/{programme.pk}"
    writes = [
        ("post", f"{base}/budgets"),
        ("put", f"{base}/budgets/{budget.pk}"),
        ("delete", f"{base}/budgets/{budget.pk}"),
        ("post", f"{base}/transactions"),
        ("put", f"{base}/transactions/{record.pk}"),
        ("delete", f"{base}/transactions/{record.pk}"),
    ]
    for method, url in writes:
        assert send(outsider, method, url, BAD_BODY).status_code == 403, (method, url)
        assert send(None, method, url, BAD_BODY).status_code == 401, (method, url)
    assert Budget.objects.count() == 1
    assert Transaction.objects.count() == 1


def test_a_hidden_programme_is_not_found_for_writes_either(hidden_programme: Programme, outsider: User) -> None:
    assert send(outsider, "post", f"/api/v1/programmes/{hidden_programme.pk}/budgets", BAD_BODY).status_code == 404


def test_everyone_reads_the_rates(rates: list[ExchangeRate]) -> None:
    answer = Client().get("/api/v1/exchange-rates?currency=xaf").json()
    assert answer["count"] == 1
    assert answer["items"][0]["rate"].startswith("446.05")
    assert answer["items"][0]["source"] == "imf"


@pytest.mark.parametrize("who", ["owner", "member", "outsider"])
def test_only_platform_staff_add_rates(who: str, request: pytest.FixtureRequest) -> None:
    body = {"currency": "GBP", "period": "year", "starts_on": "2008-01-01", "rate": "0.54"}
    assert send(request.getfixturevalue(who), "post", "/api/v1/exchange-rates", BAD_BODY).status_code == 403
    assert send(request.getfixturevalue(who), "post", "/api/v1/exchange-rates", body).status_code == 403
    assert not ExchangeRate.objects.exists()


def test_platform_staff_add_rates_through_their_session(staff: User) -> None:
    client = verified_client(staff)
    body = {"currency": "gbp", "period": "year", "starts_on": "2008-01-01", "rate": "0.54"}
    client.get("/")  # a CSRF cookie
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    response = client.post(
        "/api/v1/exchange-rates", json.dumps(body), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "GBP"
    bad = client.post(
        "/api/v1/exchange-rates",
        json.dumps({**body, "starts_on": "2008-02-01"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert bad.status_code == 422
    assert "starts_on" in bad.json()["detail"]
