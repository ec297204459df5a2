"""Amounts written as `floatformat:"2g"` (or `"0g"`) writes them in the active language, many times faster: the
separators are read once, not for each of the thousands of amounts of a large matrix or dashboard
(benchmarks/coordination.py)."""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import get_format


def money_format(places: int = 2) -> Callable[[Decimal], str]:
    """What `floatformat:"<places>g"` writes for an amount (`places` decimals, grouped thousands). Languages that
    group digits otherwise than by three get floatformat itself."""
    decimal_separator = str(get_format("DECIMAL_SEPARATOR"))
    thousand_separator = str(get_format("THOUSAND_SEPARATOR"))
    if get_format("NUMBER_GROUPING") != 3:
        return lambda value: floatformat(value, f"{places}g")
    step = Decimal(1).scaleb(-places)

    def formatted(value: Decimal) -> str:
        rounded = value.quantize(step, ROUND_HALF_UP)
        if not rounded:
            rounded = abs(rounded)  # no sign on zero, as floatformat
        grouped = f"{rounded:,.{places}f}"
        return grouped.replace(",", "\0").replace(".", decimal_separator).replace("\0", thousand_separator)

    return formatted
