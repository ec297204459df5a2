"""The dashboard's sums, read from the totals kept converted per layer of readers (egide.money.layers), never hold
a confidential programme for a reader of another organisation, after a change of rates and after an IATI import
as at first: the owner's and member's totals count it, the outsider's and the anonymous visitor's give the public
money only, to the cent, in the API and on the page."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import PLATFORM
from egide.iati.importer import iati_file_import
from egide.money import services
from egide.money.conversion import RateRow
from egide.money.data import RateData
from egide.money.models import ExchangeRate, Transaction
from egide.programmes.models import Programme
from tests.coordination import dashboard_data

ACTIVITY = """<?xml version="1.0" encoding="utf-8"?>
<iati-activities version="2.03">
<iati-activity default-currency="USD">
  <iati-identifier>XM-DAC-7-CONF</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donor ministry</narrative></reporting-org>
  <title><narrative>Prison reform</narrative></title>
  <participating-org role="1" ref="XM-DAC-7"><narrative>Donor ministry</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2025-01-01"/>
  <recipient-country code="CF" percentage="100"/>
  <sector vocabulary="1" code="15130" percentage="100"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2025-03-15"/>
    <value currency="USD" value-date="2025-03-15">{spent}</value></transaction>
</iati-activity>
</iati-activities>
"""


def _money(user: User | None, query: str) -> tuple[Decimal | None, dict[str, Decimal], str]:
    """CF's total and sums by area in the API, and its money cell on the page."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/api/v1/dashboard?{query}")
    assert response.status_code == 200, response.content
    (central,) = [entry for entry in response.json()["countries"] if entry["country"] == "CF"]
    money = None if central["money"] is None else Decimal(central["money"])
    by_area = {area: Decimal(value) for area, value in central["money_by_area"].items()}
    page = BeautifulSoup(client.get(f"/dashboard/?{query}").content, "html.parser")
    cells = page.select_one("#country-CF").select("th, td")
    return money, by_area, " ".join(cells[7].get_text(" ").split())


def _import(tmp_path: Path, user: User, organisation: Organisation, spent: str) -> None:
    path = tmp_path / f"activity-{spent}.xml"
    path.write_text(ACTIVITY.format(spent=spent), encoding="utf-8")
    report = iati_file_import(user=user, path=path, owner=organisation)
    assert report.errors == []
    assert report.created + report.updated == 1


@pytest.mark.django_db
def test_confidential_money_stays_out_of_other_readers_sums_after_rate_changes_and_imports(
    tmp_path: Path, organisation: Organisation, owner: User, member: User, outsider: User
) -> None:
    readers = {"owner": owner, "member": member, "outsider": outsider, "anonymous": None}
    # CF: a public programme committing 1,000 USD to justice (EUR at 0.8 in 2025), and a programme only the
    # organisation's members see committing 600,000 XOF to prisons (600 XOF to the dollar: 1,000 USD).
    dashboard_data.country("CF", organisation)
    ExchangeRate.objects.create(currency="XOF", period="year", starts_on=datetime.date(2025, 1, 1), rate=600)
    dashboard_data.funded_programme("CF", organisation, area="prisons", value="0", level=Confidentiality.ORGANISATION)
    hidden = Programme.objects.get(confidentiality=Confidentiality.ORGANISATION)
    Transaction.objects.filter(programme=hidden).update(value=Decimal(600_000), currency="XOF")
    services.programme_sums_refresh(programme_ids=[hidden.pk])

    def committed(expected_inside: str, expected_outside: str, currency: str = "USD") -> None:
        for name, user in readers.items():
            inside = name in ("owner", "member")
            money, by_area, cell = _money(user, f"currency={currency}")
            assert money == Decimal(expected_inside if inside else expected_outside), name
            assert ("prisons" in by_area) == inside, name
            assert ("Prisons" in cell or "prison" in cell.casefold()) == inside, name

    committed("2000", "1000")
    committed("1600", "800", "EUR")

    # Rates changed: the euro's through the service, XOF's by a file that changes it among rates left alone.
    euro = ExchangeRate.objects.get(currency="EUR", period="year")
    services.rate_update(
        user=PLATFORM,
        rate=euro,
        data=RateData(currency="EUR", period="year", starts_on=euro.starts_on, rate=Decimal("0.5")),
    )
    services.rates_load(
        user=PLATFORM,
        rows=[
            RateRow("EUR", "year", datetime.date(2025, 1, 1), Decimal("0.5")),
            RateRow("XOF", "year", datetime.date(2025, 1, 1), Decimal("500")),
        ],
    )
    committed("2200", "1000")  # 1,000 + 600,000 / 500
    committed("1100", "500", "EUR")

    # An IATI activity imported for the organisation (public: everyone sees its 250,000 USD spent), then made
    # confidential by its owner, then imported again with other money: only the organisation's readers see it.
    _import(tmp_path, member, organisation, "250000")
    for name, user in readers.items():
        assert _money(user, "flow=spent")[0] == Decimal("250000"), name
    imported = Programme.objects.get(iati_identifier="XM-DAC-7-CONF")
    imported.confidentiality = Confidentiality.ORGANISATION
    imported.save()
    for name, user in readers.items():
        assert _money(user, "flow=spent")[0] == (Decimal("250000") if name in ("owner", "member") else None), name
    _import(tmp_path, member, organisation, "300000.10")
    for name, user in readers.items():
        money, _by_area, cell = _money(user, "flow=spent")
        if name in ("owner", "member"):
            assert money == Decimal("300000.10"), name
            assert cell.startswith("300,000"), name
        else:
            assert money is None, name
            assert cell == "—", name
    # And a rate change after the import leaves the outsider's euros without it.
    services.rates_load(user=PLATFORM, rows=[RateRow("EUR", "year", datetime.date(2025, 1, 1), Decimal("0.75"))])
    for name, user in readers.items():
        expected = Decimal("225000.08") if name in ("owner", "member") else None  # 300,000.10 × 0.75, to the cent
        assert _money(user, "flow=spent&currency=EUR")[0] == expected, name
