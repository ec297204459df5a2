"""A country's programmes as tables (CSV, ZIP of CSVs, XLSX): the layout from `fields`, and each cell read or
written by its field's kind. Pure: no ORM."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from egide.core.imports.tables import TableLayout
from egide.core.reference import countries
from egide.programmes import fields

YES = frozenset({"yes", "y", "true", "1", "oui", "o", "vrai"})
NO = frozenset({"no", "n", "false", "0", "non", "faux", ""})


def _recognise(columns: set[str]) -> str | None:
    """The table a lone CSV file holds, by the columns that only it has."""
    if "title_en" in columns:
        return "programmes"
    for record in fields.PARTS:
        if set(record.required) <= columns and "programme" in columns:
            return record.table
    return None


def _unrecognised() -> str:
    return _(
        "the header row matches no table: programmes need 'iati_identifier' and 'title_en'; countries, "
        "participations, sectors, areas and supported_actors need 'programme' and their own columns"
    )


LAYOUT = TableLayout(
    columns={name: record.columns for name, record in fields.TABLES.items()},
    required={name: record.required for name, record in fields.TABLES.items()},
    recognise=_recognise,
    unrecognised=_unrecognised,
)


class CellError(ValueError):
    """A cell that cannot be read as its field's kind; the message says what is expected."""


def read_cell(field: fields.Field, text: str) -> object:
    """The value of a cell, by its field's kind (a reference to an actor or an organisation stays text, looked up
    by the caller). Raises CellError."""
    text = text.strip()
    if not text:
        if field.required:
            raise CellError(_("This column needs a value."))
        return field.default
    kind = field.kind
    if field.max_length is not None and len(text) > field.max_length and kind in (fields.Kind.LINE, fields.Kind.CODE):
        raise CellError(_("At most %(count)s characters.") % {"count": field.max_length})
    if kind is fields.Kind.CODE:
        if text not in field.codes():
            raise CellError(
                _("“%(value)s” is not one of the codes: %(codes)s.")
                % {"value": text, "codes": ", ".join(field.codes())}
            )
        return text
    if kind is fields.Kind.COUNTRY:
        code = text.upper()
        if code not in countries():
            raise CellError(_("“%(code)s” is not a known country code.") % {"code": text})
        return code
    if kind is fields.Kind.YES_NO:
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise CellError(_("Write yes or no."))
    if kind is fields.Kind.DATE:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise CellError(_("Write a date as YYYY-MM-DD.")) from None
    if kind is fields.Kind.NUMBER:
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise CellError(_("Write a number.")) from None
        if not number.is_finite():
            raise CellError(_("Write a number."))
        return number
    if kind is fields.Kind.INTEGER:
        try:
            return int(Decimal(text))
        except (InvalidOperation, ValueError):
            raise CellError(_("Write a whole number.")) from None
    return text


def write_cell(value: object) -> str:
    """A value as a cell: dates in ISO, yes and no, numbers without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
