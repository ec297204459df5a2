"""The checks of money's records, pure (no ORM): each returns the problems found, by field, in the reader's
language. The services raise them as one ValidationError; the import reports them by row and column."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal

from django.utils.translation import gettext as _

from egide.core import iati_codes
from egide.core.reference import countries
from egide.money import currencies
from egide.money.conversion import DAY, MONTH, YEAR

# The value columns: 20 digits, 2 after the point (egide.money.models).
MAX_WHOLE_DIGITS = 18
VALUE_PLACES = 2
RATE_WHOLE_DIGITS = 12
RATE_PLACES = 20
WIDE = Context(prec=40)  # a rate's 32 digits, which the default context's 28 cannot quantize
RATE_SIGNIFICANT = Context(prec=15)
"""A rate keeps 15 significant digits: what SQLite (which stores a decimal as a double) gives back exactly, so that
loading the same file twice finds the same rates on every database."""


def rate_stored(rate: Decimal) -> Decimal:
    """The rate as the table keeps it: at most 20 decimal places, then 15 significant digits."""
    return RATE_SIGNIFICANT.plus(rate.quantize(Decimal(1).scaleb(-RATE_PLACES), context=WIDE))


SECTOR_CODE = re.compile(r"\d{5}")


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    message: str


def check_value(value: Decimal, *, field: str = "value") -> list[Problem]:
    """A money amount that the value column can hold exactly: finite, at most 18 digits before the point and two
    after; the sign is free (IATI records reversals as negative values)."""
    if not value.is_finite():
        return [Problem(field, _("The value must be a number."))]
    if value != 0 and value.adjusted() >= MAX_WHOLE_DIGITS:
        return [
            Problem(
                field,
                _("The value %(value)s is too large: at most %(digits)s digits before the decimal point.")
                % {"value": value, "digits": MAX_WHOLE_DIGITS},
            )
        ]
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -VALUE_PLACES and value != value.quantize(Decimal("0.01")):
        return [Problem(field, _("The value %(value)s has more than two decimal places.") % {"value": value})]
    return []


def check_currency(code: str, *, field: str = "currency") -> list[Problem]:
    if not code:
        return [Problem(field, _("The currency is missing."))]
    if not currencies.is_currency(code):
        return [Problem(field, _("“%(code)s” is not an ISO 4217 currency code.") % {"code": code})]
    return []


def check_budget(
    *, type: str, status: str, period_start: date, period_end: date, value: Decimal, currency: str
) -> list[Problem]:
    problems = check_value(value) + check_currency(currency)
    if type not in iati_codes.BUDGET_TYPE_BY_CODE:
        problems.append(
            Problem("type", _("“%(code)s” is not a budget type: 1 (original) or 2 (revised).") % {"code": type})
        )
    if status not in iati_codes.BUDGET_STATUS_BY_CODE:
        problems.append(
            Problem(
                "status", _("“%(code)s” is not a budget status: 1 (indicative) or 2 (committed).") % {"code": status}
            )
        )
    if period_end < period_start:
        problems.append(Problem("period_end", _("The period ends before it starts.")))
    return problems


def check_transaction(
    *,
    type: str,
    value: Decimal,
    currency: str,
    has_provider: bool,
    provider_name: str,
    has_receiver: bool,
    receiver_name: str,
    sector_code: str,
    recipient_country: str,
) -> list[Problem]:
    problems = check_value(value) + check_currency(currency)
    if type not in iati_codes.TRANSACTION_TYPE_BY_CODE:
        problems.append(Problem("type", _("“%(code)s” is not an IATI transaction type (1 to 13).") % {"code": type}))
    if has_provider and provider_name:
        problems.append(
            Problem(
                "provider_name", _("Name the provider either as an organisation of the platform or by name, not both.")
            )
        )
    if has_receiver and receiver_name:
        problems.append(
            Problem(
                "receiver_name", _("Name the receiver either as an organisation of the platform or by name, not both.")
            )
        )
    if sector_code and not SECTOR_CODE.fullmatch(sector_code):
        problems.append(
            Problem("sector_code", _("“%(code)s” is not a DAC sector code (five digits).") % {"code": sector_code})
        )
    if recipient_country and recipient_country not in countries():
        problems.append(
            Problem("recipient_country", _("“%(code)s” is not a country code.") % {"code": recipient_country})
        )
    return problems


def check_rate(*, currency: str, period: str, starts_on: date, rate: Decimal) -> list[Problem]:
    problems = check_currency(currency)
    if currency == currencies.BASE:
        problems.append(Problem("currency", _("The US dollar's rate is always 1: it needs no row.")))
    if period not in (YEAR, MONTH, DAY):
        problems.append(Problem("period", _("The period must be a year, a month or a day.")))
    elif period == YEAR and (starts_on.month, starts_on.day) != (1, 1):
        problems.append(Problem("starts_on", _("An annual rate starts on 1 January.")))
    elif period == MONTH and starts_on.day != 1:
        problems.append(Problem("starts_on", _("A monthly rate starts on the first of the month.")))
    if not rate.is_finite() or rate <= 0:
        problems.append(Problem("rate", _("The rate must be a positive number of units per US dollar.")))
    elif rate.adjusted() >= RATE_WHOLE_DIGITS:
        problems.append(
            Problem(
                "rate",
                _("The rate is too large: at most %(digits)s digits before the point.") % {"digits": RATE_WHOLE_DIGITS},
            )
        )
    elif rate_stored(rate) == 0:
        problems.append(Problem("rate", _("The rate is too small: twenty decimal places are kept.")))
    return problems
