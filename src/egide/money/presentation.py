"""What the Money tab shows: its tables' rows as text, and the chart's figures as the JSON its script reads
(egide/money.js)."""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from egide.money.conversion import Converted
from egide.money.selectors import ProgrammeMoney


def chart_document(money: ProgrammeMoney) -> str:
    """Cumulative budget and cumulative disbursement in US dollars, one point per date where either changes; the
    same figures are in the tables beside it. Amounts without a rate are left out, as in the totals."""
    points = money.chart
    document = {
        "dates": [point.day.isoformat() for point in points],
        "budget": [str(point.budget) for point in points],
        "disbursed": [str(point.disbursed) for point in points],
        "names": {"budget": _("Budget (cumulative, USD)"), "disbursed": _("Disbursed (cumulative, USD)")},
        "currency": "USD",
    }
    return json.dumps(document)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the Money tab's tables, ready to print: the template only writes these strings (a table of a few
    hundred rows rendered through template tags and filters would cost more than all the rest of the page)."""

    pk: int
    when: str
    kind: str
    detail: str
    description: str
    value: str
    usd: str
    eur: str
    rates: str
    missing: str
    edit_url: str
    delete_url: str


def amount(value: Decimal | None) -> str:
    """An amount in the reader's language, two decimals, grouped: 1,000,000.00 in English, 1 000 000,00 in French."""
    return "" if value is None else number_format(value, decimal_pos=2, force_grouping=True)


def _missing(converted: Converted) -> str:
    if not converted.missing:
        return ""
    return _("Missing: %(currencies)s on %(day)s") % {
        "currencies": ", ".join(converted.missing),
        "day": converted.value_date.isoformat(),
    }


def _urls(name: str, programme_pk: int, key: str, pk: int) -> tuple[str, str]:
    return (
        reverse(f"{name}-edit", kwargs={"pk": programme_pk, key: pk}),
        reverse(f"{name}-delete", kwargs={"pk": programme_pk, key: pk}),
    )


def budget_rows(money: ProgrammeMoney) -> list[Row]:
    # One reversal per table, the rows' addresses made from it: a reversal per row would cost more than the row.
    edit, delete = _urls("budget", money.programme.pk, "budget", 0)
    rows = []
    for line in money.budgets:
        budget, converted = line.budget, line.converted
        rows.append(
            Row(
                pk=budget.pk,
                when=f"{budget.period_start.isoformat()} – {budget.period_end.isoformat()}",
                kind=budget.type_label,
                detail=budget.status_label,
                description="",
                value=f"{amount(budget.value)} {budget.currency}",
                usd=amount(converted.usd),
                eur=amount(converted.eur),
                rates=converted.rates_used,
                missing=_missing(converted),
                edit_url=edit.replace("/0/", f"/{budget.pk}/"),
                delete_url=delete.replace("/0/", f"/{budget.pk}/"),
            )
        )
    return rows


def transaction_rows(money: ProgrammeMoney) -> list[Row]:
    edit, delete = _urls("transaction", money.programme.pk, "transaction", 0)
    rows = []
    for line in money.transactions:
        record, converted = line.transaction, line.converted
        rows.append(
            Row(
                pk=record.pk,
                when=record.date.isoformat(),
                kind=record.type_label,
                detail=f"{record.provider_display or '—'} → {record.receiver_display or '—'}",
                description=record.description if len(record.description) <= 80 else record.description[:79] + "…",
                value=f"{amount(record.value)} {record.currency}",
                usd=amount(converted.usd),
                eur=amount(converted.eur),
                rates=converted.rates_used,
                missing=_missing(converted),
                edit_url=edit.replace("/0/", f"/{record.pk}/"),
                delete_url=delete.replace("/0/", f"/{record.pk}/"),
            )
        )
    return rows
