"""Money's fixtures: a programme of the owner organisation, and a few rates."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Organisation
from egide.money.models import ExchangeRate, RatePeriod, RateSource
from egide.programmes.models import Programme


@pytest.fixture
def programme(organisation: Organisation) -> Programme:
    return Programme.objects.create(
        country="CF",
        iati_identifier="FR-TEST-CF-1",
        title_en="Support for the rule of law",
        title_fr="Appui à l’État de droit",
        owner=organisation,
        confidentiality="public",
        default_currency="EUR",
    )


@pytest.fixture
def hidden_programme(organisation: Organisation) -> Programme:
    """A programme only its owner's members may see."""
    return Programme.objects.create(
        country="CF", title_en="Internal programme", owner=organisation, confidentiality="organisation"
    )


@pytest.fixture
def rates(db: None) -> list[ExchangeRate]:
    def annual(currency: str, year: int, rate: str) -> ExchangeRate:
        return ExchangeRate.objects.create(
            currency=currency,
            period=RatePeriod.YEAR,
            starts_on=date(year, 1, 1),
            rate=Decimal(rate),
            source=RateSource.IMF,
        )

    return [annual("EUR", 2008, "0.68"), annual("EUR", 2009, "0.72"), annual("XAF", 2008, "446.05")]


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
