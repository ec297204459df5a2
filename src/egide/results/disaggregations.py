"""Disaggregations written as text, one a line: `dimension / category = value` (for example `sex / female = 12`).
Pure: the forms, the import and the export read and write them through these two functions."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_LENGTH = 100


@dataclass(frozen=True, slots=True)
class Part:
    dimension: str
    category: str
    value: Decimal


class DisaggregationError(ValueError):
    """A line that is not a disaggregation; the message names the line."""


def parse(text: str, *, separator: str = "\n") -> list[Part]:
    """The parts written in `text`, one per line (or per `separator`); blank lines are skipped. A dimension and
    category given twice, a missing part or a value that is not a number are refused, naming the line."""
    parts: list[Part] = []
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(text.split(separator), start=1):
        line = line.strip()
        if not line:
            continue
        where = _("line %(number)s (“%(line)s”)") % {"number": number, "line": line}
        naming, equals, amount = line.rpartition("=")
        dimension, slash, category = naming.partition("/")
        dimension, category, amount = dimension.strip(), category.strip(), amount.strip()
        if not equals or not slash or not dimension or not category or not amount:
            raise DisaggregationError(_("%(where)s: write “dimension / category = value”.") % {"where": where})
        if len(dimension) > MAX_LENGTH or len(category) > MAX_LENGTH:
            raise DisaggregationError(
                _("%(where)s: a dimension or category has at most %(count)s characters.")
                % {"where": where, "count": MAX_LENGTH}
            )
        try:
            value = Decimal(amount.replace(",", ".").replace("\u202f", "").replace(" ", ""))
        except InvalidOperation:
            raise DisaggregationError(
                _("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": amount}
            ) from None
        if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
            raise DisaggregationError(_("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": amount})
        key = (dimension.casefold(), category.casefold())
        if key in seen:
            raise DisaggregationError(
                _("%(where)s: %(dimension)s / %(category)s is given twice.")
                % {"where": where, "dimension": dimension, "category": category}
            )
        seen.add(key)
        parts.append(Part(dimension, category, value))
    return parts


def write(parts: list[Part], *, separator: str = "\n") -> str:
    """The text that `parse` reads back as the same parts."""
    return separator.join(f"{part.dimension} / {part.category} = {part.value.normalize():f}" for part in parts)
