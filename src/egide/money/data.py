"""What the services of money take: one data class per record, the same for forms, the API, the import and the
demo."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from egide.accounts.models import Organisation


@dataclass(frozen=True, slots=True)
class BudgetData:
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal
    currency: str
    value_date: datetime.date | None = None
    """The date whose rate converts the value; the period's start when not given (IATI's reading)."""
    type: str = "1"
    status: str = "1"


@dataclass(frozen=True, slots=True)
class TransactionData:
    type: str
    date: datetime.date
    value: Decimal
    currency: str
    value_date: datetime.date | None = None
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
    starts_on: datetime.date
    rate: Decimal
