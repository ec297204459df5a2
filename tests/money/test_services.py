"""The services of money: who may change a programme's budgets and transactions (owner, member, outsider), what
they refuse, and the audit log of every change."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from egide.audit.models import AuditEvent
from egide.money import services
from egide.money.data import BudgetData, RateData, TransactionData
from egide.money.models import Budget, ExchangeRate, Transaction
from egide.programmes.models import Programme

BUDGET = BudgetData(
    period_start=date(2008, 1, 1), period_end=date(2008, 12, 31), value=Decimal("1000000"), currency="eur"
)
DISBURSEMENT = TransactionData(type="3", date=date(2008, 3, 1), value=Decimal("250000.50"), currency="EUR")


@pytest.mark.parametrize("who", ["owner", "member"])
def test_editors_of_the_owner_create_change_and_delete_budgets(
    who: str, request: pytest.FixtureRequest, programme: Programme
) -> None:
    user: User = request.getfixturevalue(who)
    budget = services.budget_create(user=user, programme=programme, data=BUDGET)
    assert budget.currency == "EUR"  # normalised
    assert budget.value_date == date(2008, 1, 1)  # the period's start when not given
    changed = BudgetData(
        period_start=date(2008, 1, 1),
        period_end=date(2008, 12, 31),
        value=Decimal("900000"),
        currency="EUR",
        type="2",
        status="2",
    )
    services.budget_update(user=user, budget=budget, data=changed)
    budget.refresh_from_db()
    assert (budget.value, budget.type, budget.status) == (Decimal("900000.00"), "2", "2")
    services.budget_delete(user=user, budget=budget)
    assert not Budget.objects.exists()
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == ["create", "update", "delete"]


def test_an_outsider_may_not_touch_the_money(programme: Programme, outsider: User, member: User) -> None:
    with pytest.raises(PermissionDenied):
        services.budget_create(user=outsider, programme=programme, data=BUDGET)
    with pytest.raises(PermissionDenied):
        services.transaction_create(user=outsider, programme=programme, data=DISBURSEMENT)
    budget = services.budget_create(user=member, programme=programme, data=BUDGET)
    record = services.transaction_create(user=member, programme=programme, data=DISBURSEMENT)
    with pytest.raises(PermissionDenied):
        services.budget_update(user=outsider, budget=budget, data=BUDGET)
    with pytest.raises(PermissionDenied):
        services.budget_delete(user=outsider, budget=budget)
    with pytest.raises(PermissionDenied):
        services.transaction_update(user=outsider, record=record, data=DISBURSEMENT)
    with pytest.raises(PermissionDenied):
        services.transaction_delete(user=outsider, record=record)
    assert Budget.objects.count() == 1
    assert Transaction.objects.count() == 1


def test_a_viewer_of_the_owner_may_not_change_the_money(programme: Programme, viewer: User) -> None:
    with pytest.raises(PermissionDenied):
        services.budget_create(user=viewer, programme=programme, data=BUDGET)


def test_transactions_are_created_changed_deleted_and_audited(programme: Programme, member: User) -> None:
    record = services.transaction_create(user=member, programme=programme, data=DISBURSEMENT)
    assert record.value_date == record.date
    event = AuditEvent.objects.get(action="create")
    assert event.after is not None
    assert event.after["value"] == "250000.50"
    assert event.organisation_id == programme.owner_id or event.organisation_id is None
    services.transaction_update(
        user=member,
        record=record,
        data=TransactionData(
            type="4", date=date(2008, 4, 1), value=Decimal("10"), currency="XAF", provider_name="MEAE"
        ),
    )
    record.refresh_from_db()
    assert (record.type, record.currency, record.provider_name) == ("4", "XAF", "MEAE")
    services.transaction_delete(user=member, record=record)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == ["create", "update", "delete"]


def test_an_unchanged_save_records_nothing(programme: Programme, member: User) -> None:
    budget = services.budget_create(user=member, programme=programme, data=BUDGET)
    services.budget_update(user=member, budget=budget, data=BUDGET)
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("1000000000000000000"), "too large"),
        (Decimal("-1000000000000000000"), "too large"),
        (Decimal("1.001"), "more than two decimal places"),
        (Decimal("NaN"), "must be a number"),
    ],
)
def test_a_value_the_column_cannot_hold_is_refused_with_a_clear_message(
    programme: Programme, member: User, value: Decimal, message: str
) -> None:
    data = BudgetData(period_start=date(2008, 1, 1), period_end=date(2008, 12, 31), value=value, currency="EUR")
    with pytest.raises(ValidationError) as error:
        services.budget_create(user=member, programme=programme, data=data)
    assert message in " ".join(error.value.message_dict["value"])
    assert not Budget.objects.exists()


def test_the_largest_value_that_fits_is_kept_exactly(programme: Programme, member: User) -> None:
    """PostgreSQL keeps all 20 digits; SQLite stores a decimal as a double and keeps 15 significant digits (which
    docs/money.md says), so there the test takes the largest amount it keeps exactly."""
    value = Decimal("999999999999999999.99") if connection.vendor == "postgresql" else Decimal("9999999999999.99")
    data = BudgetData(period_start=date(2008, 1, 1), period_end=date(2008, 12, 31), value=value, currency="EUR")
    budget = services.budget_create(user=member, programme=programme, data=data)
    budget.refresh_from_db()
    assert budget.value == value


def test_bad_codes_currencies_and_periods_are_refused_by_field(programme: Programme, member: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.budget_create(
            user=member,
            programme=programme,
            data=BudgetData(
                period_start=date(2009, 1, 1), period_end=date(2008, 1, 1), value=Decimal(1), currency="XYZ", type="7"
            ),
        )
    assert set(error.value.message_dict) == {"currency", "type", "period_end"}
    with pytest.raises(ValidationError) as error:
        services.transaction_create(
            user=member,
            programme=programme,
            data=TransactionData(
                type="99",
                date=date(2008, 1, 1),
                value=Decimal(1),
                currency="EUR",
                sector_code="ABC",
                recipient_country="QQ",
            ),
        )
    assert set(error.value.message_dict) == {"type", "sector_code", "recipient_country"}


def test_a_provider_is_an_organisation_or_a_name_not_both(programme: Programme, member: User, organisation) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.transaction_create(
            user=member,
            programme=programme,
            data=TransactionData(
                type="3",
                date=date(2008, 1, 1),
                value=Decimal(1),
                currency="EUR",
                provider=organisation,
                provider_name="Someone",
            ),
        )
    assert "provider_name" in error.value.message_dict


# --- rates ----------------------------------------------------------------------------------------------------------

RATE = RateData(currency="xof", period="year", starts_on=date(2008, 1, 1), rate=Decimal("447.805"))


def test_platform_staff_create_change_and_delete_rates(staff: User) -> None:
    rate = services.rate_create(user=staff, data=RATE)
    assert rate.currency == "XOF"
    assert rate.source == "manual"
    services.rate_update(user=staff, rate=rate, data=RateData("XOF", "year", date(2008, 1, 1), Decimal("450")))
    rate.refresh_from_db()
    assert rate.rate == Decimal("450")
    with pytest.raises(ValidationError, match="already has a rate"):
        services.rate_create(user=staff, data=RATE)
    services.rate_delete(user=staff, rate=rate)
    assert not ExchangeRate.objects.exists()
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == ["create", "update", "delete"]


@pytest.mark.parametrize("who", ["owner", "member", "outsider", "nobody"])
def test_nobody_but_platform_staff_changes_the_rates(who: str, request: pytest.FixtureRequest) -> None:
    """Not even an organisation's administrator (`owner`): the table converts every organisation's amounts."""
    user: User = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.rate_create(user=user, data=RATE)
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (RateData("USD", "year", date(2008, 1, 1), Decimal(1)), "currency"),
        (RateData("XOF", "year", date(2008, 3, 1), Decimal(1)), "starts_on"),
        (RateData("XOF", "month", date(2008, 3, 2), Decimal(1)), "starts_on"),
        (RateData("XOF", "day", date(2008, 3, 2), Decimal(0)), "rate"),
        (RateData("XOF", "day", date(2008, 3, 2), Decimal("0.000000000000000000001")), "rate"),
        (RateData("XOF", "week", date(2008, 3, 2), Decimal(1)), "period"),
    ],
)
def test_bad_rates_are_refused(staff: User, data: RateData, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.rate_create(user=staff, data=data)
    assert field in error.value.message_dict
