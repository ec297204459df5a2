"""Every write of money: a programme's budgets and transactions, and the exchange-rate table. Each service checks
the permission first, validates (egide.money.rules), writes in one transaction and records it in the audit log.

Budgets and transactions are changed by whoever may change their programme (`programme_editable`). The rate table
is shared by every organisation: only platform staff (and the command line) change it (`may_edit_rates`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egide.audit.models import Action
from egide.audit.services import audit_record, audit_records_bulk, snapshot
from egide.core.users import Caller, author
from egide.money import currencies, layers, rules, sums
from egide.money.conversion import RateRow
from egide.money.data import BudgetData, RateData, TransactionData
from egide.money.models import Budget, ExchangeRate, RatePeriod, RateSource, Transaction
from egide.money.selectors import may_edit_rates
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable


def _raise(problems: list[rules.Problem]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors)


def _require_programme(user: Caller, programme: Programme) -> None:
    if not programme_editable(user=user, programme=programme):
        raise PermissionDenied(_("You may not change the money of this programme."))


def _require_rates(user: Caller) -> None:
    if not may_edit_rates(user=user):
        raise PermissionDenied(_("Only platform staff may change the exchange rates."))


# --- budgets ------------------------------------------------------------------------------------------------------


def _budget_check(data: BudgetData) -> BudgetData:
    currency = currencies.normalised(data.currency)
    _raise(
        rules.check_budget(
            type=data.type,
            status=data.status,
            period_start=data.period_start,
            period_end=data.period_end,
            value=data.value,
            currency=currency,
        )
    )
    return BudgetData(
        period_start=data.period_start,
        period_end=data.period_end,
        value=data.value,
        currency=currency,
        value_date=data.value_date or data.period_start,
        type=data.type,
        status=data.status,
    )


def _budget_apply(budget: Budget, data: BudgetData) -> None:
    budget.type, budget.status = data.type, data.status
    budget.period_start, budget.period_end = data.period_start, data.period_end
    budget.value, budget.currency = data.value, data.currency
    budget.value_date = data.value_date or data.period_start


@transaction.atomic
def budget_create(*, user: Caller, programme: Programme, data: BudgetData) -> Budget:
    _require_programme(user, programme)
    data = _budget_check(data)
    budget = Budget(programme=programme, created_by=author(user), updated_by=author(user))
    _budget_apply(budget, data)
    budget.save()
    programme_sums_refresh(programme_ids=[programme.pk])
    audit_record(user=user, action=Action.CREATE, instance=budget, before=None, after=snapshot(budget))
    return budget


@transaction.atomic
def budget_update(*, user: Caller, budget: Budget, data: BudgetData) -> Budget:
    _require_programme(user, budget.programme)
    data = _budget_check(data)
    before = snapshot(budget)
    _budget_apply(budget, data)
    if snapshot(budget) == before:
        return budget
    budget.updated_by = author(user)
    budget.save()
    programme_sums_refresh(programme_ids=[budget.programme_id])
    audit_record(user=user, action=Action.UPDATE, instance=budget, before=before, after=snapshot(budget))
    return budget


@transaction.atomic
def budget_delete(*, user: Caller, budget: Budget) -> None:
    _require_programme(user, budget.programme)
    audit_record(user=user, action=Action.DELETE, instance=budget, before=snapshot(budget), after=None)
    budget.delete()
    programme_sums_refresh(programme_ids=[budget.programme_id])


# --- transactions -------------------------------------------------------------------------------------------------


def _transaction_check(data: TransactionData) -> TransactionData:
    currency = currencies.normalised(data.currency)
    country = data.recipient_country.strip().upper()
    _raise(
        rules.check_transaction(
            type=data.type,
            value=data.value,
            currency=currency,
            has_provider=data.provider is not None,
            provider_name=data.provider_name.strip(),
            has_receiver=data.receiver is not None,
            receiver_name=data.receiver_name.strip(),
            sector_code=data.sector_code.strip(),
            recipient_country=country,
        )
    )
    return TransactionData(
        type=data.type,
        date=data.date,
        value=data.value,
        currency=currency,
        value_date=data.value_date or data.date,
        provider=data.provider,
        provider_name=data.provider_name.strip(),
        provider_reference=data.provider_reference.strip(),
        receiver=data.receiver,
        receiver_name=data.receiver_name.strip(),
        receiver_reference=data.receiver_reference.strip(),
        description=data.description.strip(),
        sector_code=data.sector_code.strip(),
        recipient_country=country,
        reference=data.reference.strip(),
    )


TRANSACTION_FIELDS = (
    "type",
    "date",
    "value",
    "currency",
    "value_date",
    "provider",
    "provider_name",
    "provider_reference",
    "receiver",
    "receiver_name",
    "receiver_reference",
    "description",
    "sector_code",
    "recipient_country",
    "reference",
)


def _transaction_apply(record: Transaction, data: TransactionData) -> None:
    for name in TRANSACTION_FIELDS:
        setattr(record, name, getattr(data, name))


@transaction.atomic
def transaction_create(*, user: Caller, programme: Programme, data: TransactionData) -> Transaction:
    _require_programme(user, programme)
    data = _transaction_check(data)
    record = Transaction(programme=programme, created_by=author(user), updated_by=author(user))
    _transaction_apply(record, data)
    record.save()
    programme_sums_refresh(programme_ids=[programme.pk])
    audit_record(user=user, action=Action.CREATE, instance=record, before=None, after=snapshot(record))
    return record


@transaction.atomic
def transaction_update(*, user: Caller, record: Transaction, data: TransactionData) -> Transaction:
    _require_programme(user, record.programme)
    data = _transaction_check(data)
    before = snapshot(record)
    _transaction_apply(record, data)
    if snapshot(record) == before:
        return record
    record.updated_by = author(user)
    record.save()
    programme_sums_refresh(programme_ids=[record.programme_id])
    audit_record(user=user, action=Action.UPDATE, instance=record, before=before, after=snapshot(record))
    return record


@transaction.atomic
def transaction_delete(*, user: Caller, record: Transaction) -> None:
    _require_programme(user, record.programme)
    audit_record(user=user, action=Action.DELETE, instance=record, before=snapshot(record), after=None)
    record.delete()
    programme_sums_refresh(programme_ids=[record.programme_id])


# --- the sums of a country's totals -------------------------------------------------------------------------------


def programme_sums_refresh(*, programme_ids: Iterable[int]) -> None:
    """Write again the sums that a country's totals read (egide.money.models.MoneySum) for these programmes, from
    their budgets and transactions: after every write of them, here and in bulk (the IATI importer). The
    platform's own bookkeeping, in the caller's transaction: no permission of its own, no audit entry."""
    sums.sums_of_programmes_rebuild(programme_ids)


def money_sums_rebuild() -> int:
    """Write every sum again from the records (the `egide money sums rebuild` command, after records were
    written without the services); returns how many sums there are."""
    with transaction.atomic():
        return sums.sums_rebuild()


def _day_rates_moved(*rates: tuple[str, date]) -> None:
    """A daily rate appeared or disappeared (period, starts_on of before and after): its day's amounts move out
    of their month's sum or back into it."""
    days = [starts_on for period, starts_on in rates if period == RatePeriod.DAY]
    if days:
        sums.sums_of_days_rebuild(days)


# --- exchange rates -----------------------------------------------------------------------------------------------


def _rate_check(data: RateData) -> RateData:
    currency = currencies.normalised(data.currency)
    _raise(rules.check_rate(currency=currency, period=data.period, starts_on=data.starts_on, rate=data.rate))
    return RateData(currency=currency, period=data.period, starts_on=data.starts_on, rate=rules.rate_stored(data.rate))


def _rate_unique(data: RateData, *, exclude: int | None = None) -> None:
    taken = ExchangeRate.objects.filter(currency=data.currency, period=data.period, starts_on=data.starts_on)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {"starts_on": [_("The table already has a rate of this currency for this period: change that one.")]}
        )


@transaction.atomic
def rate_create(*, user: Caller, data: RateData) -> ExchangeRate:
    _require_rates(user)
    data = _rate_check(data)
    _rate_unique(data)
    rate = ExchangeRate(
        currency=data.currency,
        period=data.period,
        starts_on=data.starts_on,
        rate=data.rate,
        source=RateSource.MANUAL,
        created_by=author(user),
        updated_by=author(user),
    )
    rate.save()
    _day_rates_moved((rate.period, rate.starts_on))
    audit_record(user=user, action=Action.CREATE, instance=rate, before=None, after=snapshot(rate))
    return rate


@transaction.atomic
def rate_update(*, user: Caller, rate: ExchangeRate, data: RateData) -> ExchangeRate:
    _require_rates(user)
    data = _rate_check(data)
    _rate_unique(data, exclude=rate.pk)
    before = snapshot(rate)
    was = (rate.currency, rate.period, rate.starts_on)
    rate.currency, rate.period, rate.starts_on, rate.rate = data.currency, data.period, data.starts_on, data.rate
    if snapshot(rate) == before:
        return rate
    # A rate corrected by hand is no longer the IMF's.
    rate.source = RateSource.MANUAL
    rate.updated_by = author(user)
    rate.save()
    if was != (rate.currency, rate.period, rate.starts_on):
        _day_rates_moved(was[1:], (rate.period, rate.starts_on))
    audit_record(user=user, action=Action.UPDATE, instance=rate, before=before, after=snapshot(rate))
    return rate


@transaction.atomic
def rate_delete(*, user: Caller, rate: ExchangeRate) -> None:
    _require_rates(user)
    audit_record(user=user, action=Action.DELETE, instance=rate, before=snapshot(rate), after=None)
    rate.delete()
    _day_rates_moved((rate.period, rate.starts_on))


@dataclass(slots=True)
class RatesLoaded:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


BATCH = 500


@transaction.atomic
def rates_load(*, user: Caller, rows: list[RateRow], source: str = RateSource.IMF) -> RatesLoaded:
    """Write a file's rates (egide.money.rates_file): a rate the table lacks is created, one that differs is
    replaced (and becomes the file's source), one that is the same is left alone, so that loading a file twice
    changes nothing. Rates the file does not give are kept. All or nothing."""
    _require_rates(user)
    result = RatesLoaded()
    existing: dict[tuple[str, str, date], ExchangeRate] = {}
    for currency_batch in _batches(sorted({row.currency for row in rows})):
        for rate in ExchangeRate.objects.filter(currency__in=currency_batch):
            existing[(rate.currency, rate.period, rate.starts_on)] = rate
    created: list[ExchangeRate] = []
    updated: list[tuple[ExchangeRate, dict, dict]] = []
    recorded = author(user)
    for row in rows:
        found = existing.get((row.currency, row.period, row.starts_on))
        if found is None:
            created.append(
                ExchangeRate(
                    currency=row.currency,
                    period=row.period,
                    starts_on=row.starts_on,
                    rate=row.units_per_usd,
                    source=source,
                    created_by=recorded,
                    updated_by=recorded,
                )
            )
        elif found.rate != row.units_per_usd:
            before = snapshot(found)
            found.rate, found.source, found.updated_by = row.units_per_usd, source, recorded
            updated.append((found, before, {}))
        else:
            result.unchanged += 1
    # The dashboard's totals change by the difference of the sums that read these rates, taken at the rates as
    # they are and as they will be (the bulk writes send no signal): a file that changes a few rates costs those.
    change = layers.rates_changing(
        {(rate.currency, rate.period, rate.starts_on) for rate in created}
        | {(rate.currency, rate.period, rate.starts_on) for rate, _before, _after in updated}
    )
    ExchangeRate.objects.bulk_create(created, batch_size=BATCH)
    if created and created[0].pk is None:
        # Databases that return no ids from a bulk insert (none that Égide supports today): read them back.
        keys = {(rate.currency, rate.period, rate.starts_on) for rate in created}
        created = [
            rate
            for rate in ExchangeRate.objects.filter(currency__in={key[0] for key in keys})
            if (rate.currency, rate.period, rate.starts_on) in keys
        ]
    if updated:
        ExchangeRate.objects.bulk_update(
            [rate for rate, _before, _after in updated], ["rate", "source", "updated_by"], batch_size=BATCH
        )
    audit_records_bulk(user=user, action=Action.IMPORT, items=((rate, None, snapshot(rate)) for rate in created))
    audit_records_bulk(
        user=user, action=Action.UPDATE, items=((rate, before, snapshot(rate)) for rate, before, _after in updated)
    )
    result.created, result.updated = len(created), len(updated)
    layers.rates_changed(change)
    # Then the days whose daily rates appeared, their amounts taken out of their months' sums (at the new rates).
    _day_rates_moved(*((rate.period, rate.starts_on) for rate in created))
    return result


def _batches(values: list[str]) -> list[list[str]]:
    return [values[start : start + BATCH] for start in range(0, len(values), BATCH)]
