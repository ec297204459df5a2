"""A country (the Central African Republic) with public records and, beside them, records that are not public,
each named with a word found nowhere else, so that a test can tell that none of them reached a public page.
Everything is written through the services."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from egide.accounts.models import Confidentiality, Organisation
from egide.actors import services as map_services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor
from egide.assessments import services as assessment_services
from egide.assessments.models import Assessment, FrameworkVersion
from egide.money import services as money_services
from egide.money.data import TransactionData
from egide.programmes.models import Programme
from tests.assessments.helpers import SMALL
from tests.conftest import ActorFactory
from tests.programmes.conftest import ProgrammeFactory, make_programme  # noqa: F401  (a fixture)

NON_PUBLIC_WORDS = ("ZETASECRET", "OMEGAHIDDEN", "CLANDESTINE", "COVERTREVIEW", "DRAFTYREVIEW", "987654321")
"""Each names (or is the amount of) a record that is not public; none may appear on a public page or in a file."""
NON_PUBLIC_AMOUNT_SPELLINGS = ("987654321", "987,654,321", "987 654 321", "987\u202f654\u202f321", "9.87654321e")


@dataclass
class Published:
    police: Actor
    army: Actor
    hidden: Actor
    programme: Programme
    secret_programme: Programme
    assessment: Assessment
    covert_assessment: Assessment
    draft_assessment: Assessment


def _assessment(
    version: FrameworkVersion, organisation: Organisation, title: str, level: str, *, publish: bool
) -> Assessment:
    assessment = assessment_services.assessment_create(
        user=None,
        data=assessment_services.AssessmentData(
            country="CF",
            framework_version=version,
            as_of=date(2024, 6, 30),
            owner=organisation,
            confidentiality=level,
            title=title,
        ),
    )
    if publish:
        assessment_services.assessment_submit(user=None, assessment=assessment)
        assessment = assessment_services.assessment_approve(user=None, assessment=assessment)
    return assessment


def _paid(programme: Programme, amount: str) -> None:
    money_services.transaction_create(
        user=None,
        programme=programme,
        data=TransactionData(type="3", date=date(2008, 3, 1), value=Decimal(amount), currency="EUR"),
    )


@pytest.fixture
def published(make_actor: ActorFactory, make_programme: ProgrammeFactory, organisation: Organisation) -> Published:  # noqa: F811
    public = Confidentiality.PUBLIC
    police = make_actor(kind="police", name="Gendarmerie nationale", reference="GN", confidentiality=public)
    army = make_actor(kind="armed_forces", name="Forces armées", reference="FACA", confidentiality=public)
    hidden = make_actor(
        kind="civilian_intelligence", name="ZETASECRET Unit", reference="ZS", confidentiality="partners"
    )
    make_actor(kind="presidential_guard", name="OMEGAHIDDEN Guard", reference="OG", confidentiality="organisation")
    map_services.relationship_create(
        user=None,
        data=RelationshipData(
            source=army, target=police, type="coordinates_with", owner=organisation, confidentiality=public
        ),
    )
    map_services.relationship_create(
        user=None, data=RelationshipData(source=hidden, target=police, type="commands", owner=organisation)
    )
    programme = make_programme(title_en="Open justice support", title_fr="Appui ouvert à la justice")
    _paid(programme, "4242")
    secret_programme = make_programme(
        title_en="CLANDESTINE programme",
        title_fr="Programme CLANDESTINE",
        iati_identifier="FR-TEST-2",
        confidentiality=Confidentiality.ORGANISATION,
    )
    _paid(secret_programme, "987654321")
    version = assessment_services.framework_load(user=None, content=SMALL.read_bytes()).version
    return Published(
        police=police,
        army=army,
        hidden=hidden,
        programme=programme,
        secret_programme=secret_programme,
        assessment=_assessment(version, organisation, "Open baseline review", public, publish=True),
        covert_assessment=_assessment(
            version, organisation, "COVERTREVIEW", Confidentiality.ORGANISATION, publish=True
        ),
        draft_assessment=_assessment(version, organisation, "DRAFTYREVIEW", public, publish=False),
    )
