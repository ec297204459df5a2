"""An organisation's own indicator series as a CSV file: one row per country and year (`country`, `year`,
`value`), the country as ISO 3166-1 alpha-2 or alpha-3. Pure Python: every faulty cell named with its line and
column, nothing kept when one is found."""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egide.context import codes
from egide.context.sources.base import MAX_FIELD, number, year_of
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import Problems
from egide.core.reference import countries

MAX_BYTES = 5 * 2**20
MAX_ROWS = 50_000
COLUMNS = ("country", "year", "value")


@dataclass(frozen=True, slots=True)
class SeriesRow:
    country: str
    year: int
    value: float


def _country(text: str) -> str | None:
    code = text.strip().upper()
    if len(code) == 2:
        return code if code in countries() else None
    return codes.from_iso3(code)


def series_read(data: bytes, *, filename: str) -> list[SeriesRow]:
    """The file's rows; FileRefused when it cannot be read, ImportRejected naming each faulty cell."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_("%(file)s: larger than 5 MB, the most a series may be.") % {"file": filename})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("%(file)s: not UTF-8 text.") % {"file": filename}) from None
    csv.field_size_limit(MAX_FIELD)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    absent = [column for column in COLUMNS if column not in header]
    if absent:
        raise FileRefused(
            _("%(file)s, line 1: the header lacks the column(s) %(columns)s (it needs country, year and value).")
            % {"file": filename, "columns": ", ".join(absent)}
        )
    reader.fieldnames = header
    problems = Problems()
    rows: dict[tuple[str, int], SeriesRow] = {}
    try:
        for row in reader:
            line = reader.line_num
            if line > MAX_ROWS + 1:
                raise FileRefused(_("%(file)s: more than 50,000 rows.") % {"file": filename})
            country = _country(row.get("country") or "")
            if country is None:
                problems.at(
                    filename,
                    line,
                    "country",
                    _("not an ISO 3166-1 country code: %(code)r") % {"code": (row.get("country") or "")[:20]},
                )
            try:
                year: int | None = year_of(row.get("year"))
            except ValueError:
                year = None
                problems.at(filename, line, "year", _("not a year: %(text)r") % {"text": (row.get("year") or "")[:20]})
            try:
                value = number(row.get("value"), missing=("",))
            except ValueError:
                problems.at(
                    filename, line, "value", _("not a number: %(text)r") % {"text": (row.get("value") or "")[:20]}
                )
                continue
            if value is None:
                problems.at(filename, line, "value", _("no value: leave the row out instead"))
                continue
            if country is None or year is None:
                continue
            if (country, year) in rows and rows[(country, year)].value != value:
                problems.at(
                    filename,
                    line,
                    "year",
                    _("%(country)s %(year)s is given twice") % {"country": country, "year": year},
                )
            rows[(country, year)] = SeriesRow(country, year, value)
    except csv.Error as error:
        raise FileRefused(f"{filename}, line {reader.line_num}: {error}.") from None
    problems.raise_if_any()
    if not rows:
        raise FileRefused(_("%(file)s: no rows.") % {"file": filename})
    return list(rows.values())
