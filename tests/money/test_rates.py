"""Loading exchange rates in the IMF's format (the reader, the command `egide money rates load`, the upload page),
and the rate table's pages: who may change the table (platform staff only) and what bad lines say."""

import io
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from egide.audit.models import AuditEvent
from egide.core.imports.problems import ImportRejected
from egide.money import services
from egide.money.models import ExchangeRate
from egide.money.rates_file import rates_read
from tests.money.conftest import logged_in
from tests.security.helpers import verified_client

FIXTURE = Path(__file__).parent / "data" / "imf_rates_small.csv"
# The IMF's own files, kept outside the project in ../shared/data beside the checkout (or where EGIDE_SHARED_DATA
# says); the tests that read them are skipped, saying why, where they are absent.
CHECKOUT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("EGIDE_SHARED_DATA") or CHECKOUT.parent / "shared" / "data")
SHARED = SHARED_DATA / "iati" / "exchange-rates"
IMF_ANNUAL = SHARED / "imf_exchangerates_A_ENDA_USD.csv"
IMF_MONTHLY = SHARED / "imf_monthly_subset_8_currencies.csv"
HEADER = "Date,Rate,Currency,Frequency,Source,Country code,Country\n"


def _read(text: str) -> list[tuple[str, str, date, Decimal]]:
    result = rates_read((HEADER + text).encode(), filename="rates.csv")
    return [(row.currency, row.period, row.starts_on, row.units_per_usd) for row in result.rows]


def test_the_hand_made_file_reads_with_its_shared_currencies_resolved() -> None:
    result = rates_read(FIXTURE.read_bytes(), filename=FIXTURE.name)
    rates = {(row.currency, row.period, row.starts_on): row.units_per_usd for row in result.rows}
    # The euro area's own line wins over Kosovo's and Montenegro's.
    assert rates[("EUR", "year", date(2008, 1, 1))] == Decimal("0.679923")
    # No union line: the rate most lines give.
    assert rates[("XOF", "year", date(2008, 1, 1))] == Decimal("447.805")
    assert rates[("XOF", "month", date(2008, 3, 1))] == Decimal("440.5")
    assert not any(currency == "USD" for currency, _period, _start in rates)
    assert result.dollar_lines == 2
    assert result.merged_lines == 4  # two repeated EUR 2008 lines, two repeated XOF 2008 lines
    assert result.disagreements == 2
    assert len(rates) == 7


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("2008-12-31,abc,EUR,A,IMF,U2,Euro", "rate", "not a number"),
        ("2008-12-31,-1,EUR,A,IMF,U2,Euro", "rate", "not a positive number"),
        ("2008-12-31,,EUR,A,IMF,U2,Euro", "rate", "missing"),
        ("2008-12-31,10000000000000,EUR,A,IMF,U2,Euro", "rate", "too large"),
        ("2008-12-31,0.000000000000000000001,EUR,A,IMF,U2,Euro", "rate", "too small"),
        ("31/12/2008,1,EUR,A,IMF,U2,Euro", "date", "not a date"),
        ("2008-02-30,1,EUR,A,IMF,U2,Euro", "date", "not a date"),
        ("2008-12-31,1,EUROS,A,IMF,U2,Euro", "currency", "ISO 4217"),
        ("2008-12-31,1,ZZZ,A,IMF,U2,Euro", "currency", "ISO 4217"),
        ("2008-12-31,1,EUR,W,IMF,U2,Euro", "frequency", "not a frequency"),
    ],
)
def test_a_bad_line_is_named_by_line_and_column(line: str, column: str, message: str) -> None:
    text = "2007-12-31,0.73,EUR,A,IMF,U2,Euro\n" + line + "\n"
    with pytest.raises(ImportRejected) as error:
        _read(text)
    [problem] = error.value.problems
    assert (problem.row, problem.column) == (3, column)
    assert message in problem.message


def test_every_bad_line_is_reported_at_once() -> None:
    with pytest.raises(ImportRejected) as error:
        _read("x,1,EUR,A,,,\n2008-12-31,0,EUR,A,,,\n2008-12-31,1,EUR,A,,,\n2009-12-31,2,QQQ,Q,,,\n")
    assert [(problem.row, problem.column) for problem in error.value.problems] == [
        (2, "date"),
        (3, "rate"),
        (5, "currency"),
        (5, "frequency"),
    ]


def test_a_file_that_is_no_rate_table_is_refused() -> None:
    from egide.core.imports.limits import FileRefused

    with pytest.raises(FileRefused, match="rate table"):
        rates_read(b"name,value\na,1\n", filename="other.csv")


def test_loading_is_atomic_and_a_second_load_changes_nothing(db: None) -> None:
    rows = rates_read(FIXTURE.read_bytes(), filename=FIXTURE.name).rows
    first = services.rates_load(user=None, rows=rows)
    assert (first.created, first.updated, first.unchanged) == (7, 0, 0)
    events = AuditEvent.objects.count()
    assert events == 7
    again = services.rates_load(user=None, rows=rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert AuditEvent.objects.count() == events
    # A rate that the file corrects is replaced, and becomes the IMF's again.
    rate = ExchangeRate.objects.get(currency="CDF")
    rate.rate, rate.source = Decimal("1"), "manual"
    rate.save()
    third = services.rates_load(user=None, rows=rows)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 6)
    rate.refresh_from_db()
    assert (rate.rate, rate.source) == (Decimal("559.29"), "imf")


def test_the_command_loads_the_file_and_says_what_it_did(db: None) -> None:
    out = io.StringIO()
    call_command("money", "rates", "load", str(FIXTURE), stdout=out)
    assert "7 new, 0 changed, 0 unchanged" in out.getvalue()
    assert "2 lines labelled USD" in out.getvalue()
    out = io.StringIO()
    call_command("money", "rates", "load", str(FIXTURE), stdout=out)
    assert "0 new, 0 changed, 7 unchanged" in out.getvalue()


def test_the_command_names_bad_lines_and_loads_nothing(db: None, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "2008-12-31,0.68,EUR,A,IMF,U2,Euro\n2009-12-31,zero,EUR,A,IMF,U2,Euro\n")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("money", "rates", "load", str(path), stdout=io.StringIO(), stderr=errors)
    assert "bad.csv, line 3, rate: “zero” is not a number." in errors.getvalue()
    assert not ExchangeRate.objects.exists()
    with pytest.raises(CommandError, match="No such file"):
        call_command("money", "rates", "load", str(tmp_path / "missing.csv"))


@pytest.mark.skipif(not IMF_ANNUAL.exists(), reason=f"the IMF's annual-rates file is not at {IMF_ANNUAL}")
def test_the_imf_annual_file_loads_whole(db: None) -> None:
    result = rates_read(IMF_ANNUAL.read_bytes(), filename=IMF_ANNUAL.name)
    rates = {(row.currency, row.starts_on.year): row.units_per_usd for row in result.rows}
    assert len(rates) > 8_000
    assert all(row.period == "year" for row in result.rows)
    # Haiti's lines labelled USD are left out, not read as dollars at 100 per dollar.
    assert result.dollar_lines > 0
    # The euro area's own rate wins over Kosovo's and Montenegro's.
    assert rates[("EUR", 2020)] == Decimal("0.875506396987998")
    loaded = services.rates_load(user=None, rows=result.rows)
    assert loaded.created == len(result.rows)
    assert services.rates_load(user=None, rows=result.rows).unchanged == len(result.rows)


@pytest.mark.skipif(not IMF_MONTHLY.exists(), reason=f"the IMF's monthly subset is not at {IMF_MONTHLY}")
def test_the_imf_monthly_subset_reads_as_monthly_rates() -> None:
    result = rates_read(IMF_MONTHLY.read_bytes(), filename=IMF_MONTHLY.name)
    assert result.rows
    assert all(row.period == "month" and row.starts_on.day == 1 for row in result.rows)


# --- pages ----------------------------------------------------------------------------------------------------------


def test_everyone_reads_the_rate_table(rates: list[ExchangeRate], member: User) -> None:
    for client in (Client(), logged_in(member)):
        page = client.get(reverse("rate-list")).content.decode()
        assert "446.05" in page
        assert 'id="new-rate"' not in page
    assert "446.05" not in Client().get(reverse("rate-list") + "?currency=EUR").content.decode()


def test_staff_add_edit_and_delete_rates_in_dialogs(staff: User) -> None:
    client = verified_client(staff)
    page = client.get(reverse("rate-list")).content.decode()
    assert 'id="new-rate"' in page
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(
        reverse("rate-create"), {"currency": "gbp", "period": "month", "starts_on": "2008-03-01", "rate": "0.5"}, **htmx
    )
    assert response.status_code == 204
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.period, rate.source) == ("GBP", "month", "manual")
    bad = client.post(
        reverse("rate-edit", args=[rate.pk]),
        {"currency": "GBP", "period": "month", "starts_on": "2008-03-02", "rate": "0.5"},
        **htmx,
    )
    assert "first of the month" in bad.content.decode()
    good = client.post(
        reverse("rate-edit", args=[rate.pk]),
        {"currency": "GBP", "period": "month", "starts_on": "2008-03-01", "rate": "0.51"},
        **htmx,
    )
    assert good.status_code == 204
    rate.refresh_from_db()
    assert rate.rate == Decimal("0.51")
    assert client.post(reverse("rate-delete", args=[rate.pk]), **htmx).status_code == 204
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize("who", ["owner", "member", "outsider"])
def test_organisation_users_may_not_change_the_rates(
    who: str, request: pytest.FixtureRequest, rates: list[ExchangeRate]
) -> None:
    client = logged_in(request.getfixturevalue(who))
    rate = rates[0]
    assert client.get(reverse("rate-create")).status_code == 403
    assert client.post(reverse("rate-edit", args=[rate.pk]), {"rate": "1"}).status_code == 403
    assert client.post(reverse("rate-delete", args=[rate.pk])).status_code == 403
    assert client.get(reverse("rates-upload")).status_code == 403
    assert ExchangeRate.objects.count() == 3


def test_staff_upload_the_imf_file_and_see_bad_lines(staff: User) -> None:
    client = verified_client(staff)
    assert client.get(reverse("rates-upload")).status_code == 200
    upload = SimpleUploadedFile("rates.csv", FIXTURE.read_bytes(), content_type="text/csv")
    page = client.post(reverse("rates-upload"), {"file": upload}).content.decode()
    assert "Loaded: 7 new, 0 changed, 0 unchanged." in page
    bad = SimpleUploadedFile("bad.csv", (HEADER + "2010-12-31,x,EUR,A,,,\n").encode(), content_type="text/csv")
    page = client.post(reverse("rates-upload"), {"file": bad}).content.decode()
    assert "1 problem; nothing was loaded." in page
    assert "<td>2</td><td>rate</td>" in page
    assert ExchangeRate.objects.count() == 7
