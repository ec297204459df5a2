"""The API of money: a programme's budgets and transactions (read by whoever sees the programme, changed by whoever
may change it, checked before the body is read), and the exchange-rate table (read by all, extended by platform
staff)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthorizationError
from ninja.pagination import paginate

from egide.accounts.models import Organisation
from egide.api.auth import record, writers
from egide.api.common import LazyPage, Pagination
from egide.api.errors import WRITE_ERRORS, answers
from egide.core.users import AnyUser
from egide.money import selectors, services
from egide.money.data import BudgetData, RateData, TransactionData
from egide.money.models import ExchangeRate
from egide.money.schemas import (
    BudgetIn,
    BudgetOut,
    RateIn,
    RateOut,
    TransactionIn,
    TransactionOut,
    budget_out,
    rate_out,
    transaction_out,
)
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_visible, programmes_visible

router = Router(tags=["money"])


def _programme_or_none(user: AnyUser, pk: int) -> Programme | None:
    return programmes_visible(user=user).filter(pk=pk).first()


# Changing a programme's money: the right to change the programme, checked before the body is read; a programme
# the user may not see is not found.
PROGRAMME_EDITORS = writers(record(_programme_or_none, missing=gettext_lazy("No such programme.")))


def _rates_editor(request: HttpRequest, user: AnyUser) -> None:
    if not selectors.may_edit_rates(user=user):
        raise AuthorizationError(message=_("Only platform staff may change the exchange rates."))


RATE_EDITORS = writers(_rates_editor)


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({field: [_("No organisation has the id %(id)s.") % {"id": pk}]})
    return organisation


def _budget_data(payload: BudgetIn) -> BudgetData:
    return BudgetData(
        type=payload.type,
        status=payload.status,
        period_start=payload.period_start,
        period_end=payload.period_end,
        value=payload.value,
        currency=payload.currency,
        value_date=payload.value_date,
    )


def _transaction_data(payload: TransactionIn) -> TransactionData:
    return TransactionData(
        type=payload.type,
        date=payload.date,
        value=payload.value,
        currency=payload.currency,
        value_date=payload.value_date,
        provider=_organisation(payload.provider, "provider"),
        provider_name=payload.provider_name,
        provider_reference=payload.provider_reference,
        receiver=_organisation(payload.receiver, "receiver"),
        receiver_name=payload.receiver_name,
        receiver_reference=payload.receiver_reference,
        description=payload.description,
        sector_code=payload.sector_code,
        recipient_country=payload.recipient_country,
        reference=payload.reference,
    )


def _budget_answer(request: HttpRequest, programme: Programme, budget_id: int) -> BudgetOut:
    money = selectors.programme_money(user=request.user, programme=programme)
    line = next(line for line in money.budgets if line.budget.pk == budget_id)
    return budget_out(line.budget, line.converted)


def _transaction_answer(request: HttpRequest, programme: Programme, transaction_id: int) -> TransactionOut:
    money = selectors.programme_money(user=request.user, programme=programme)
    line = next(line for line in money.transactions if line.transaction.pk == transaction_id)
    return transaction_out(line.transaction, line.converted)


@router.get(
    "/programmes/{pk}/budgets",
    response=answers({200: list[BudgetOut]}, 404, 422),
    summary="A programme's budgets, with their values in US dollars and euros",
)
def list_budgets(request: HttpRequest, pk: int) -> list[BudgetOut]:
    programme = programme_visible(user=request.user, pk=pk)
    money = selectors.programme_money(user=request.user, programme=programme)
    return [budget_out(line.budget, line.converted) for line in money.budgets]


@router.post(
    "/programmes/{pk}/budgets",
    response=answers({201: BudgetOut}, WRITE_ERRORS),
    summary="Add a budget to a programme",
    auth=PROGRAMME_EDITORS,
)
def create_budget(request: HttpRequest, pk: int, payload: BudgetIn) -> Any:
    programme = programme_visible(user=request.user, pk=pk)
    budget = services.budget_create(user=request.user, programme=programme, data=_budget_data(payload))
    return Status(201, _budget_answer(request, programme, budget.pk))


@router.put(
    "/programmes/{pk}/budgets/{budget_id}",
    response=answers({200: BudgetOut}, WRITE_ERRORS),
    summary="Replace a budget of a programme",
    auth=PROGRAMME_EDITORS,
)
def update_budget(request: HttpRequest, pk: int, budget_id: int, payload: BudgetIn) -> Any:
    budget = selectors.budget_of(user=request.user, programme_pk=pk, pk=budget_id)
    services.budget_update(user=request.user, budget=budget, data=_budget_data(payload))
    return Status(200, _budget_answer(request, budget.programme, budget.pk))


@router.delete(
    "/programmes/{pk}/budgets/{budget_id}",
    response=answers({204: None}, 403, 404, 422),
    summary="Delete a budget of a programme",
    auth=PROGRAMME_EDITORS,
)
def delete_budget(request: HttpRequest, pk: int, budget_id: int) -> Any:
    budget = selectors.budget_of(user=request.user, programme_pk=pk, pk=budget_id)
    services.budget_delete(user=request.user, budget=budget)
    return Status(204, None)


@router.get(
    "/programmes/{pk}/transactions",
    response=answers({200: list[TransactionOut]}, 404, 422),
    summary="A programme's transactions, with their values in US dollars and euros",
)
def list_transactions(request: HttpRequest, pk: int) -> list[TransactionOut]:
    programme = programme_visible(user=request.user, pk=pk)
    money = selectors.programme_money(user=request.user, programme=programme)
    return [transaction_out(line.transaction, line.converted) for line in money.transactions]


@router.post(
    "/programmes/{pk}/transactions",
    response=answers({201: TransactionOut}, WRITE_ERRORS),
    summary="Add a transaction to a programme",
    auth=PROGRAMME_EDITORS,
)
def create_transaction(request: HttpRequest, pk: int, payload: TransactionIn) -> Any:
    programme = programme_visible(user=request.user, pk=pk)
    created = services.transaction_create(user=request.user, programme=programme, data=_transaction_data(payload))
    return Status(201, _transaction_answer(request, programme, created.pk))


@router.put(
    "/programmes/{pk}/transactions/{transaction_id}",
    response=answers({200: TransactionOut}, WRITE_ERRORS),
    summary="Replace a transaction of a programme",
    auth=PROGRAMME_EDITORS,
)
def update_transaction(request: HttpRequest, pk: int, transaction_id: int, payload: TransactionIn) -> Any:
    found = selectors.transaction_of(user=request.user, programme_pk=pk, pk=transaction_id)
    services.transaction_update(user=request.user, record=found, data=_transaction_data(payload))
    return Status(200, _transaction_answer(request, found.programme, found.pk))


@router.delete(
    "/programmes/{pk}/transactions/{transaction_id}",
    response=answers({204: None}, 403, 404, 422),
    summary="Delete a transaction of a programme",
    auth=PROGRAMME_EDITORS,
)
def delete_transaction(request: HttpRequest, pk: int, transaction_id: int) -> Any:
    found = selectors.transaction_of(user=request.user, programme_pk=pk, pk=transaction_id)
    services.transaction_delete(user=request.user, record=found)
    return Status(204, None)


class RateFilter(Schema):
    currency: str = ""


@router.get("/exchange-rates", response=answers({200: list[RateOut]}, 422), summary="The exchange-rate table")
@paginate(Pagination)
def list_rates(request: HttpRequest, filters: Query[RateFilter]) -> Any:
    """Units of each currency per US dollar, by currency and period (year, month or day), newest first; filter with
    `currency`."""
    rates = selectors.rates_all()
    if filters.currency:
        rates = rates.filter(currency=filters.currency.strip().upper())
    return LazyPage(rates, rate_out)


@router.post(
    "/exchange-rates",
    response=answers({201: RateOut}, WRITE_ERRORS),
    summary="Add a rate to the exchange-rate table",
    auth=RATE_EDITORS,
)
def create_rate(request: HttpRequest, payload: RateIn) -> Any:
    """Platform staff only: the table converts every organisation's amounts."""
    rate: ExchangeRate = services.rate_create(
        user=request.user,
        data=RateData(currency=payload.currency, period=payload.period, starts_on=payload.starts_on, rate=payload.rate),
    )
    return Status(201, rate_out(rate))
