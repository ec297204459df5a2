"""Countries for the dashboard's tests: each with an actor, a programme with money in an area, a published
assessment and a context value."""

import datetime
from decimal import Decimal

from egide.accounts.models import Confidentiality, Organisation
from egide.actors import services as actor_services
from egide.actors.data import ActorData
from egide.context.models import Indicator, Observation
from egide.money import sums
from egide.money.models import ExchangeRate, Transaction
from egide.programmes.models import Participation, Programme, ProgrammeArea
from tests.coordination.helpers import published_assessment


def peace_index() -> Indicator:
    indicator, _created = Indicator.objects.get_or_create(
        code="gpi.overall",
        defaults={
            "source": "gpi",
            "name_en": "Global Peace Index",
            "name_fr": "Indice mondial de la paix",
            "minimum": 1,
            "maximum": 5,
            "higher_is_better": False,
            "confidentiality": Confidentiality.PUBLIC,
        },
    )
    return indicator


def euro_rate() -> None:
    ExchangeRate.objects.get_or_create(
        currency="EUR", period="year", starts_on=datetime.date(2025, 1, 1), defaults={"rate": Decimal("0.8")}
    )


def funded_programme(
    country: str, organisation: Organisation, *, area: str, value: str, level: str, kind: str = "2"
) -> Programme:
    programme = Programme.objects.create(
        country=country,
        iati_identifier=f"XM-DASH-{country}-{Programme.objects.count()}",
        title_en=f"Programme in {country}",
        status="2",
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        owner=organisation,
        confidentiality=level,
    )
    Participation.objects.create(programme=programme, role="1", name="France")
    ProgrammeArea.objects.create(programme=programme, area=area)
    day = datetime.date(2025, 3, 10)
    Transaction.objects.create(
        programme=programme, type=kind, date=day, value_date=day, value=Decimal(value), currency="USD"
    )
    sums.sums_of_programmes_rebuild([programme.pk])
    return programme


def country(code: str, organisation: Organisation, *, score: int = 1) -> None:
    """A country with a police force (whose findings the rules make), a public programme of 1,000 USD committed
    to justice, a public published assessment (J1 and O1 answered `score` of 3) and a peace index value."""
    euro_rate()
    actor_services.actor_create(
        user=None, country=code, data=ActorData(kind="police", name_en=f"Police {code}", owner=organisation)
    )
    funded_programme(code, organisation, area="justice", value="1000", level=Confidentiality.PUBLIC)
    published_assessment(
        country=code, owner=organisation, confidentiality=Confidentiality.PUBLIC, answers={"J1": score, "O1": score}
    )
    Observation.objects.create(indicator=peace_index(), country=code, year=2024, value=2.5)
