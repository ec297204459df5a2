"""A small country for the briefs: public actors, relationships, a cited source, a published public assessment,
a public programme with money, a public indicator; and beside them records that only the owner organisation may
see, named and numbered so that any trace of them in a brief is found (SECRET_* below)."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import LazySettings

from egide.accounts.models import Confidentiality, Organisation
from egide.actors import services as actor_services
from egide.actors.data import ActorData, RelationshipData
from egide.actors.models import Actor, Source
from egide.context.models import Indicator, Observation
from egide.money import sums
from egide.money.models import ExchangeRate, Transaction
from egide.programmes.models import Participation, Programme, ProgrammeArea, SupportedActor
from egide.reports import rendering
from tests.coordination.helpers import published_assessment

PUBLIC = Confidentiality.PUBLIC
SECRET_ACTOR = "Zephyr Covert Directorate"
SECRET_SOURCE = "Quillfeather Classified Memo"
SECRET_PROGRAMME = "Operation Nightjar Support"
SECRET_PARTNER = "Obsidian Donor Agency"
SECRET_AMOUNT = Decimal("7654321")
SECRET_ASSESSMENT = "Marmot Internal Review"
SECRET_INDICATOR = "Gryphon Internal Index"
SECRETS = (SECRET_ACTOR, SECRET_SOURCE, SECRET_PROGRAMME, SECRET_PARTNER, SECRET_ASSESSMENT, SECRET_INDICATOR)
SECRET_NUMBERS = ("7654321", "7,654,321", "7 654 321", "7\u202f654\u202f321", "7\xa0654\xa0321")
AS_OF = datetime.date(2025, 6, 30)


@dataclass
class Country:
    army: Actor
    police: Actor
    secret: Actor
    source: Source
    programme: Programme
    hidden_programme: Programme


def _actor(organisation: Organisation, kind: str, name: str, level: str) -> Actor:
    return actor_services.actor_create(
        user=None,
        country="CF",
        data=ActorData(kind=kind, name_en=name, name_fr=name, owner=organisation, confidentiality=level),
    )


def _programme(organisation: Organisation, title: str, partner: str, level: str, amount: Decimal) -> Programme:
    programme = Programme.objects.create(
        country="CF",
        iati_identifier=f"XM-BRIEF-{title[:10]}",
        title_en=title,
        status="2",
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        owner=organisation,
        confidentiality=level,
    )
    Participation.objects.create(programme=programme, role="1", name=partner)
    ProgrammeArea.objects.create(programme=programme, area="democratic_forces")
    day = datetime.date(2025, 3, 10)
    Transaction.objects.create(programme=programme, type="2", date=day, value_date=day, value=amount, currency="USD")
    return programme


@pytest.fixture
def country(organisation: Organisation) -> Country:
    army = _actor(organisation, "armed_forces", "Central Armed Forces", PUBLIC)
    police = _actor(organisation, "police", "National Police Force", PUBLIC)
    defence = _actor(organisation, "ministry_of_defence", "Ministry of Defence", PUBLIC)
    secret = _actor(organisation, "civilian_intelligence", SECRET_ACTOR, Confidentiality.ORGANISATION)
    actor_services.relationship_create(
        user=None,
        data=RelationshipData(
            source=defence, target=army, type="administers", owner=organisation, confidentiality=PUBLIC
        ),
    )
    actor_services.relationship_create(
        user=None,
        data=RelationshipData(
            source=secret,
            target=police,
            type="coordinates_with",
            owner=organisation,
            confidentiality=Confidentiality.ORGANISATION,
        ),
    )
    source = Source.objects.create(country="CF", title="Constitution of 2016", author="Parliament", owner=organisation)
    actor_services.citation_add(user=None, source=source, actor=army)
    hidden_source = Source.objects.create(country="CF", title=SECRET_SOURCE, owner=organisation)
    actor_services.citation_add(user=None, source=hidden_source, actor=secret)
    published_assessment(
        country="CF", owner=organisation, confidentiality=PUBLIC, answers={"J1": 1}, title="Public baseline"
    )
    published_assessment(
        country="CF",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
        answers={"J1": 3},
        title=SECRET_ASSESSMENT,
        as_of=datetime.date(2025, 1, 31),
    )
    ExchangeRate.objects.create(currency="EUR", period="year", starts_on=datetime.date(2025, 1, 1), rate=Decimal("0.9"))
    programme = _programme(organisation, "Police training", "France", PUBLIC, Decimal("120000"))
    SupportedActor.objects.create(programme=programme, actor=police)
    hidden = _programme(organisation, SECRET_PROGRAMME, SECRET_PARTNER, Confidentiality.ORGANISATION, SECRET_AMOUNT)
    sums.sums_of_programmes_rebuild([programme.pk, hidden.pk])
    visible = Indicator.objects.create(
        code="test-rule-of-law",
        source="upload",
        name_en="Rule of law score",
        name_fr="Score d’État de droit",
        minimum=0,
        maximum=100,
        owner=organisation,
        confidentiality=PUBLIC,
    )
    hidden_indicator = Indicator.objects.create(
        code="test-hidden",
        source="upload",
        name_en=SECRET_INDICATOR,
        name_fr=SECRET_INDICATOR,
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
    )
    for year, value in ((2021, 40.0), (2022, 42.0), (2023, 45.5)):
        Observation.objects.create(indicator=visible, country="CF", year=year, value=value)
        Observation.objects.create(indicator=hidden_indicator, country="CF", year=year, value=value + 1)
    return Country(army=army, police=police, secret=secret, source=source, programme=programme, hidden_programme=hidden)


@pytest.fixture
def background(settings: LazySettings) -> None:
    """Tasks run at once, in the request."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Pages that only need a PDF to be there get a stand-in (WeasyPrint takes a second or more per brief); the
    documents it was asked to print are kept. tests/reports/test_public_brief.py prints a real one."""
    printed: list[str] = []

    def stand_in(document: str) -> bytes:
        printed.append(document)
        return b"%PDF-1.4 stand-in"

    monkeypatch.setattr(rendering, "brief_pdf", stand_in)
    return printed
