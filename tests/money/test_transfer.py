"""A country's budgets and transactions exported (CSV in a ZIP, XLSX) and imported back: every problem named by
table, row and column; atomic; a second import changes nothing; owner, member, outsider."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.core.imports.problems import ImportRejected
from egide.money import services
from egide.money.data import BudgetData, TransactionData
from egide.money.models import Budget, Transaction
from egide.money.transfer import money_export, money_file_import
from egide.programmes.models import Programme
from tests.money.conftest import logged_in

BUDGETS = (
    "programme,type,status,period_start,period_end,value,currency,value_date\n"
    "FR-TEST-CF-1,1,2,2008-01-01,2008-12-31,680000,EUR,\n"
    "FR-TEST-CF-1,1,2,2009-01-01,2009-12-31,720000,EUR,2009-01-01\n"
)
TRANSACTIONS = (
    "programme,type,date,value,currency,provider,receiver_name,sector_code\n"
    "FR-TEST-CF-1,3,2008-06-01,340000,EUR,MEAE,Ministry of Justice,15130\n"
    "FR-TEST-CF-1,4,2008-09-01,44605000,XAF,,Police,15210\n"
)


def _zip(**files: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"{name}.csv", text)
    return buffer.getvalue()


def test_an_import_creates_then_a_second_changes_nothing(programme: Programme, member: User) -> None:
    data = _zip(budgets=BUDGETS, transactions=TRANSACTIONS)
    report = money_file_import(user=member, country="CF", data=data, filename="money.zip")
    assert (report.budgets_created, report.transactions_created) == (2, 2)
    record = Transaction.objects.get(type="3")
    assert record.provider is not None
    assert record.provider.acronym == "MEAE"
    assert record.value_date == date(2008, 6, 1)
    again = money_file_import(user=member, country="CF", data=data, filename="money.zip")
    assert not again.changed
    assert (again.budgets_unchanged, again.transactions_unchanged) == (2, 2)
    assert Budget.objects.count() == 2
    assert Transaction.objects.count() == 2


def test_a_check_without_apply_writes_nothing(programme: Programme, member: User) -> None:
    report = money_file_import(user=member, country="CF", data=_zip(budgets=BUDGETS), filename="money.zip", apply=False)
    assert report.budgets_created == 2
    assert not Budget.objects.exists()


def test_the_export_imports_back_unchanged_and_an_edit_changes_that_record(
    programme: Programme, member: User, organisation: Organisation
) -> None:
    services.budget_create(
        user=member, programme=programme, data=BudgetData(date(2008, 1, 1), date(2008, 12, 31), Decimal("10.5"), "EUR")
    )
    services.transaction_create(
        user=member,
        programme=programme,
        data=TransactionData("3", date(2008, 2, 1), Decimal("7"), "EUR", provider=organisation, description="a, b"),
    )
    for fmt, filename in (("csv", "money.zip"), ("xlsx", "money.xlsx")):
        exported = money_export(user=member, country="CF", fmt=fmt)
        report = money_file_import(user=member, country="CF", data=exported, filename=filename)
        assert not report.changed, (fmt, report)
    exported = money_export(user=member, country="CF", fmt="csv")
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        budgets = archive.read("budgets.csv").decode("utf-8-sig").replace("10.50", "11.00")
    report = money_file_import(user=member, country="CF", data=_zip(budgets=budgets), filename="money.zip")
    assert report.budgets_updated == 1
    assert Budget.objects.get().value == Decimal("11.00")


def test_every_problem_is_named_by_table_row_and_column_and_nothing_is_written(
    programme: Programme, member: User
) -> None:
    budgets = (
        BUDGETS + "FR-UNKNOWN,1,1,2008-01-01,2008-12-31,1,EUR,\nFR-TEST-CF-1,9,1,2008-13-01,2008-12-31,1e19,ZZZ,\n"
    )
    transactions = TRANSACTIONS + "FR-TEST-CF-1,3,2008-01-01,abc,EUR,NOBODY,,1\n"
    with pytest.raises(ImportRejected) as error:
        money_file_import(
            user=member, country="CF", data=_zip(budgets=budgets, transactions=transactions), filename="m.zip"
        )
    found = {(problem.table, problem.row, problem.column) for problem in error.value.problems}
    assert found == {
        ("budgets", 4, "programme"),
        ("budgets", 5, "type"),
        ("budgets", 5, "period_start"),
        ("budgets", 5, "value"),
        ("budgets", 5, "currency"),
        ("transactions", 4, "value"),
        ("transactions", 4, "provider"),
        ("transactions", 4, "sector_code"),
    }
    assert not Budget.objects.exists()
    assert not Transaction.objects.exists()


def test_an_id_of_another_programme_is_refused(programme: Programme, member: User, organisation: Organisation) -> None:
    other = Programme.objects.create(
        country="CF", iati_identifier="FR-OTHER", title_en="Other", owner=organisation, confidentiality="public"
    )
    budget = services.budget_create(
        user=member, programme=other, data=BudgetData(date(2008, 1, 1), date(2008, 12, 31), Decimal(1), "EUR")
    )
    text = (
        f"id,programme,period_start,period_end,value,currency\n{budget.pk},FR-TEST-CF-1,2008-01-01,2008-12-31,2,EUR\n"
    )
    with pytest.raises(ImportRejected) as error:
        money_file_import(user=member, country="CF", data=text.encode(), filename="budgets.csv")
    [problem] = error.value.problems
    assert (problem.row, problem.column) == (2, "id")


def test_an_outsider_may_not_import_into_anothers_programme(programme: Programme, outsider: User) -> None:
    with pytest.raises(ImportRejected) as error:
        money_file_import(user=outsider, country="CF", data=_zip(budgets=BUDGETS), filename="m.zip")
    assert {problem.column for problem in error.value.problems} == {"programme"}
    assert "may not change" in error.value.problems[0].message
    assert not Budget.objects.exists()


def test_programmes_hidden_from_the_reader_are_not_found(hidden_programme: Programme, outsider: User) -> None:
    text = f"programme,period_start,period_end,value,currency\n{hidden_programme.pk},2008-01-01,2008-12-31,1,EUR\n"
    with pytest.raises(ImportRejected, match="1 problem"):
        money_file_import(user=outsider, country="CF", data=text.encode(), filename="budgets.csv")


def test_the_export_holds_only_what_the_reader_sees(hidden_programme: Programme, member: User, outsider: User) -> None:
    services.budget_create(
        user=member,
        programme=hidden_programme,
        data=BudgetData(date(2008, 1, 1), date(2008, 12, 31), Decimal("123.45"), "EUR"),
    )
    with zipfile.ZipFile(io.BytesIO(money_export(user=member, country="CF", fmt="csv"))) as archive:
        assert "123.45" in archive.read("budgets.csv").decode()
    with zipfile.ZipFile(io.BytesIO(money_export(user=outsider, country="CF", fmt="csv"))) as archive:
        assert "123.45" not in archive.read("budgets.csv").decode()


def test_the_import_and_export_pages(programme: Programme, member: User) -> None:
    client = logged_in(member)
    assert client.get(reverse("money-import", args=["CF"])).status_code == 200
    response = client.get(reverse("money-export", args=["CF"]) + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="money-CF.xlsx"'
    assert client.get(reverse("money-export", args=["CF"]) + "?format=pdf").status_code == 404
    upload = SimpleUploadedFile("money.zip", _zip(budgets=BUDGETS))
    page = client.post(reverse("money-import", args=["CF"]), {"file": upload}).content.decode()
    assert "Checked: nothing was written." in page
    assert not Budget.objects.exists()
    upload = SimpleUploadedFile("money.zip", _zip(budgets=BUDGETS))
    page = client.post(reverse("money-import", args=["CF"]), {"file": upload, "apply": "on"}).content.decode()
    assert "Budgets: 2 new, 0 changed, 0 unchanged." in page
    bad = SimpleUploadedFile(
        "budgets.csv", b"programme,period_start,period_end,value,currency\nX,2008-01-01,2008-12-31,1,EUR\n"
    )
    page = client.post(reverse("money-import", args=["CF"]), {"file": bad, "apply": "on"}).content.decode()
    assert "1 problem; nothing was loaded." in page
    assert client.get(reverse("money-import", args=["QQ"])).status_code == 404
