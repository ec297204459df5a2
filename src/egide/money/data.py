"""What the services of money take: one data class per record, the same for forms, the API, the import and the
demo."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from egide.accounts.models import Organisation


@dataclass(frozen=True, slots=True)
class BudgetData:
    period_start: date
    period_end: date
    value: Decimal
    currency: str
    value_date: date | None = None
    """The date whose rate converts the value; the period's start when not given (IATI's reading)."""
    type: str = "1"
    status: str = "1"


@dataclass(frozen=True, slots=True)
class TransactionData:
    type: str
    date: date
    value: Decimal
    currency: str
    value_date: date | None = None
    """The date whose rate converts the value; the transaction's date when not given (IATI's reading)."""
    provider: Organisation | None = None
    provider_name: str = ""
    provider_reference: str = ""
    receiver: Organisation | None = None
    receiver_name: str = ""
    receiver_reference: str = ""
    description: str = ""
    sector_code: str = ""
    recipient_country: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class RateData:
    currency: str
    period: str
    starts_on: date
    rate: Decimal
