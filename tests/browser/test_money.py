"""The Money tab in a real browser: the chart drawn by its script under the content security policy, a budget
added in the dialog without reloading the page, and the page at phone width in English and French.

With EGIDE_SCREENSHOTS set to a folder, the tab's screenshots (English and French, desktop and 390 px) are written
there to be looked at."""

import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from egide.accounts.models import Organisation
from egide.money import services
from egide.money.data import BudgetData, TransactionData
from egide.money.models import ExchangeRate
from egide.programmes.models import Programme
from tests.browser import test_map
from tests.browser.test_map import Visit
from tests.conftest import PASSWORD

browser = test_map.browser
static_root = test_map.static_root
visit = test_map.visit
pytestmark = test_map.pytestmark

SHOTS = os.environ.get("EGIDE_SCREENSHOTS", "")


@pytest.fixture
def funded(organisation: Organisation, member: User) -> Programme:
    programme = Programme.objects.create(
        country="CF",
        iati_identifier="FR-TEST-CF-MONEY",
        title_en="Support for strengthening the rule of law",
        title_fr="Appui au renforcement de l’État de droit",
        owner=organisation,
        confidentiality="public",
        illustrative=True,
    )
    for year, rate in ((2007, "0.7306"), (2008, "0.68"), (2009, "0.7198")):
        ExchangeRate.objects.create(currency="EUR", starts_on=date(year, 1, 1), rate=Decimal(rate), source="imf")
    ExchangeRate.objects.create(currency="XAF", starts_on=date(2008, 1, 1), rate=Decimal("447.81"), source="imf")
    for year, value in ((2007, "800000"), (2008, "1200000"), (2009, "1500000")):
        services.budget_create(
            user=member,
            programme=programme,
            data=BudgetData(date(year, 1, 1), date(year, 12, 31), Decimal(value), "EUR", status="2"),
        )
    flows = [
        ("2", date(2007, 3, 1), "3500000", "EUR", "Commitment: police, justice, media"),
        ("3", date(2007, 6, 1), "700000", "EUR", "Police training"),
        ("3", date(2008, 5, 1), "1100000", "EUR", "Justice: courts and registries"),
        ("4", date(2008, 11, 1), "223905000", "XAF", "Media support"),
        ("3", date(2009, 5, 1), "900000", "EUR", "Police and justice"),
        ("4", date(2010, 2, 1), "50000", "GBP", "Expert mission (no rate for 2010)"),
    ]
    for kind, day, value, currency, text in flows:
        services.transaction_create(
            user=member,
            programme=programme,
            data=TransactionData(
                kind, day, Decimal(value), currency, receiver_name="Ministry of Justice", description=text
            ),
        )
    return programme


def _log_in(visit: Visit, path: str) -> Any:
    page = visit.page
    page.goto(visit.url(f"/login/?next={path}"))
    page.fill("#id_username", "member")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(visit.url(path))
    return page


def _chart_drawn(page: Any) -> None:
    page.wait_for_selector(".money-chart canvas", state="attached")


def test_the_chart_is_drawn_and_a_budget_is_added_without_reloading(visit: Visit, funded: Programme) -> None:
    path = f"/programmes/{funded.pk}/money/"
    page = _log_in(visit, path)
    _chart_drawn(page)
    assert "1 amount has no exchange rate" in page.inner_text("#money-panel")
    page.evaluate("() => { window.notReloaded = true; }")
    page.click("#new-budget")
    page.wait_for_selector("#dialog[open] #id_period_start")
    page.fill("#id_period_start", "2010-01-01")
    page.fill("#id_period_end", "2010-12-31")
    page.fill("#id_value", "250000")
    page.fill("#id_currency", "EUR")
    page.click("#dialog button[type=submit]")
    page.wait_for_selector("#dialog:not([open])", state="attached")
    page.wait_for_selector("#money-budgets tbody tr:nth-child(4)")
    assert page.evaluate("() => window.notReloaded") is True
    assert "2010-01-01" in page.inner_text("#money-budgets")
    _chart_drawn(page)
    assert visit.errors == []


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_tab_fits_desktop_and_phone_in_both_languages(
    browser: Any, live_server: Any, funded: Programme, language: str, width: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 500 else 844},
        locale="fr-FR" if language == "fr" else "en-GB",
    )
    visit = Visit(context.new_page(), live_server.url)
    try:
        page = _log_in(visit, f"/programmes/{funded.pk}/money/")
        _chart_drawn(page)
        text = page.inner_text("main")
        assert ("Budget et décaissements" if language == "fr" else "Budget against disbursement") in text
        # Nothing wider than the screen but the tables' own scrolling boxes.
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SHOTS) / f"money-{language}-{width}.png"), full_page=True)
        assert visit.errors == []
    finally:
        context.close()
