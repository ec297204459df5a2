"""The API's shapes for money: budgets and transactions (with their values in US dollars and euros), rates."""

import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from egide.money.conversion import Converted
from egide.money.models import Budget, ExchangeRate, Transaction

CURRENCY = "ISO 4217 code, e.g. EUR, USD, XOF"
VALUE_DATE = "The date whose rate converts the value (default: the period's start, or the transaction's date)"


class ConvertedOut(Schema):
    usd: Decimal | None = Field(description="The value in US dollars; null when no rate is known for the value date")
    eur: Decimal | None = Field(description="The value in euros, through the US dollar; null when a rate is missing")
    rate: str = Field(description="Which rates converted it, e.g. XOF 2008 (year); empty when none")
    missing: list[str] = Field(description="The currencies whose rate is missing on the value date")


def converted_out(converted: Converted) -> ConvertedOut:
    return ConvertedOut(usd=converted.usd, eur=converted.eur, rate=converted.rates_used, missing=converted.missing)


class BudgetIn(Schema):
    type: str = Field("1", description="IATI budget type: 1 original, 2 revised")
    status: str = Field("1", description="IATI budget status: 1 indicative, 2 committed")
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal
    currency: str = Field(description=CURRENCY)
    value_date: datetime.date | None = Field(None, description=VALUE_DATE)


class BudgetOut(Schema):
    id: int
    type: str
    status: str
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal
    currency: str
    value_date: datetime.date
    converted: ConvertedOut


def budget_out(budget: Budget, converted: Converted) -> BudgetOut:
    return BudgetOut(
        id=budget.pk,
        type=budget.type,
        status=budget.status,
        period_start=budget.period_start,
        period_end=budget.period_end,
        value=budget.value,
        currency=budget.currency,
        value_date=budget.value_date,
        converted=converted_out(converted),
    )


class TransactionIn(Schema):
    type: str = Field(
        description="IATI transaction type: 2 commitment, 3 disbursement, 4 expenditure, 1 incoming funds…"
    )
    date: datetime.date
    value: Decimal
    currency: str = Field(description=CURRENCY)
    value_date: datetime.date | None = Field(None, description=VALUE_DATE)
    provider: int | None = Field(None, description="Id of the providing organisation, when it is on the platform")
    provider_name: str = ""
    provider_reference: str = Field("", description="IATI organisation identifier")
    receiver: int | None = Field(None, description="Id of the receiving organisation, when it is on the platform")
    receiver_name: str = ""
    receiver_reference: str = Field("", description="IATI organisation identifier")
    description: str = ""
    sector_code: str = Field("", description="DAC five-digit purpose code")
    recipient_country: str = ""
    reference: str = ""


class TransactionOut(Schema):
    id: int
    type: str
    date: datetime.date
    value: Decimal
    currency: str
    value_date: datetime.date
    provider: int | None
    provider_name: str
    provider_reference: str
    receiver: int | None
    receiver_name: str
    receiver_reference: str
    description: str
    sector_code: str
    recipient_country: str
    reference: str
    converted: ConvertedOut


def transaction_out(record: Transaction, converted: Converted) -> TransactionOut:
    return TransactionOut(
        id=record.pk,
        type=record.type,
        date=record.date,
        value=record.value,
        currency=record.currency,
        value_date=record.value_date,
        provider=record.provider_id,
        provider_name=record.provider_name,
        provider_reference=record.provider_reference,
        receiver=record.receiver_id,
        receiver_name=record.receiver_name,
        receiver_reference=record.receiver_reference,
        description=record.description,
        sector_code=record.sector_code,
        recipient_country=record.recipient_country,
        reference=record.reference,
        converted=converted_out(converted),
    )


class RateIn(Schema):
    currency: str = Field(description=CURRENCY)
    period: str = Field("year", description="year, month or day")
    starts_on: datetime.date = Field(description="1 January for a year, the first of the month for a month")
    rate: Decimal = Field(description="Units of the currency per US dollar")


class RateOut(Schema):
    id: int
    currency: str
    period: str
    starts_on: datetime.date
    rate: Decimal
    source: str = Field(description="imf or manual")


def rate_out(rate: ExchangeRate) -> RateOut:
    return RateOut(
        id=rate.pk,
        currency=rate.currency,
        period=rate.period,
        starts_on=rate.starts_on,
        rate=rate.rate,
        source=rate.source,
    )
