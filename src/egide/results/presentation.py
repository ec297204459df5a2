"""What the Results tab prints for each period: its row as text, ready for the template. A framework of a hundred
periods rendered through template filters, lookups and `{% url %}` tags row by row cost more than everything else
on the page (benchmarks/RESULTS.md, results); here each address is reversed once per page and the rows' addresses
made from it, and dates and numbers are formatted once, as the template would have (in the reader's language)."""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _

from egide.results.progress import Progress
from egide.results.selectors import Framework, PeriodView

PLACEHOLDER = 999_999_999
"""The id reversed once for every row's addresses, then replaced by each period's."""


def number(value: Decimal | None) -> str:
    """A target, actual or part as `{{ value.normalize }}` writes it: no trailing zeros, in the reader's language."""
    return "" if value is None else str(localize(value.normalize()))


@dataclass(frozen=True, slots=True)
class PeriodRow:
    pk: int
    dates: str
    target: str
    target_comment: str
    targets: list[tuple[str, str, str]]  # dimension, category, value
    actual: str
    actual_parts: list[tuple[str, str, str]]
    progress: Progress
    percent: str  # the progress in whole percent ("" without one), and the bar's filled share
    bar_width: str
    counts: str
    has_values: bool
    edit_url: str
    delete_url: str
    values_url: str
    report_url: str
    source: str = ""  # for a linked indicator: "from assessment X", the assessment it links to, its coverage
    source_url: str = ""
    coverage: str = ""


class _Addresses:
    def __init__(self) -> None:
        self.patterns = {
            name: reverse(name, kwargs={"pk": PLACEHOLDER})
            for name in ("period-edit", "period-delete", "period-values", "update-create", "assessment-detail")
        }

    def of(self, name: str, pk: int) -> str:
        return self.patterns[name].replace(str(PLACEHOLDER), str(pk))


def _source(view: PeriodView, addresses: _Addresses) -> dict[str, str]:
    """What a linked indicator's period shows of the assessment its actual comes from."""
    derived = view.derived
    if derived is None:
        return {}
    coverage = derived.measured.coverage
    return {
        "source": _("from assessment %(assessment)s") % {"assessment": derived.assessment},
        "source_url": addresses.of("assessment-detail", derived.assessment.pk),
        "coverage": "" if coverage is None else _("coverage %(percent)s %%") % {"percent": number(coverage)},
    }


def _row(view: PeriodView, addresses: _Addresses) -> PeriodRow:
    period = view.period
    pk = period.pk
    percent = view.progress.percent
    return PeriodRow(
        **_source(view, addresses),
        pk=pk,
        dates=f"{date_format(period.start, 'SHORT_DATE_FORMAT')} – {date_format(period.end, 'SHORT_DATE_FORMAT')}",
        target=number(period.target_value),
        target_comment=period.target_comment,
        targets=[(part.dimension, part.category, number(part.value)) for part in view.targets],
        actual=number(view.progress.actual),
        actual_parts=[(dimension, category, number(value)) for dimension, category, value in view.actual_parts],
        progress=view.progress,
        # Whole numbers, written as the template writes an integer (no grouping: USE_THOUSAND_SEPARATOR is off).
        percent="" if percent is None else str(percent),
        bar_width=str(view.progress.bar_width),
        counts=view.counts,
        has_values=bool(view.approved or view.waiting or view.others),
        edit_url=addresses.of("period-edit", pk),
        delete_url=addresses.of("period-delete", pk),
        values_url=addresses.of("period-values", pk),
        report_url=addresses.of("update-create", pk),
    )


def framework_rows(framework: Framework) -> None:
    """Give every indicator of the framework the rows of its periods (`IndicatorView.rows`)."""
    addresses = _Addresses()
    for result in framework.results:
        for indicator in result.indicators:
            indicator.rows = [_row(view, addresses) for view in indicator.periods]
