"""The demo's money: loaded through the rate loader and the money import after the programmes; loading twice
changes nothing; the money of a programme not loaded yet is left out with a message."""

from django.contrib.auth.models import User

from egide.accounts.models import Organisation
from egide.money.demo import money_demo_load
from egide.money.models import Budget, ExchangeRate, Transaction
from egide.money.selectors import programme_money
from egide.programmes.models import Programme

DEMO = {
    "FR-DEMO-KOSOVO": "XK",
    "FR-DEMO-AFGHANISTAN": "AF",
    "FR-DEMO-JUSSEC": "ML",
    "FR-DEMO-CAR-ROL": "CF",
    "FR-DEMO-DRC-ROL": "CD",
    "FR-DEMO-HAITI": "HT",
}


def _programmes(owner: Organisation, identifiers: list[str]) -> None:
    for identifier in identifiers:
        Programme.objects.create(
            country=DEMO[identifier],
            iati_identifier=identifier,
            title_en=identifier,
            owner=owner,
            confidentiality="public",
            illustrative=True,
        )


def test_the_demo_money_loads_once_for_the_six_programmes(
    organisation: Organisation, other_organisation: Organisation
) -> None:
    Organisation.objects.create(name_en="Expertise France", name_fr="Expertise France", acronym="EF", type="agency")
    _programmes(organisation, list(DEMO))
    first = money_demo_load(user=None)
    assert first.missing_programmes == []
    assert sorted(first.reports) == sorted(DEMO.values())
    assert Budget.objects.count() == 19
    assert Transaction.objects.count() == 35
    assert ExchangeRate.objects.count() == 36
    counts = (Budget.objects.count(), Transaction.objects.count(), ExchangeRate.objects.count())
    again = money_demo_load(user=None)
    assert not any(report.changed for report in again.reports.values())
    assert again.rates.created == 0
    assert (Budget.objects.count(), Transaction.objects.count(), ExchangeRate.objects.count()) == counts
    # Kosovo's second DEM instalment of 2000 has no rate: flagged, left out of the totals.
    kosovo = Programme.objects.get(iati_identifier="FR-DEMO-KOSOVO")
    money = programme_money(user=None, programme=kosovo)
    assert money.missing == 1
    disbursed = next(group for group in money.by_type if group.code == "3")
    assert disbursed.totals.usd.excluded == 1
    assert disbursed.totals.usd.counted == 3


def test_programmes_not_loaded_yet_are_left_out_with_a_message(organisation: Organisation, staff: User) -> None:
    Organisation.objects.create(name_en="Expertise France", name_fr="Expertise France", acronym="EF", type="agency")
    _programmes(organisation, ["FR-DEMO-CAR-ROL"])
    result = money_demo_load(user=None)
    assert list(result.reports) == ["CF"]
    assert "FR-DEMO-HAITI" in result.missing_programmes
    assert "left out the money of programmes not loaded yet" in result.message
    assert Transaction.objects.filter(programme__iati_identifier="FR-DEMO-CAR-ROL").count() == 5
