"""A programme built through the services, on the small map of tests/conftest.py."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from egide.accounts.models import Organisation
from egide.programmes import services
from egide.programmes.data import CountryShare, ParticipationData, ProgrammeData, SectorShare, SupportData
from egide.programmes.models import Programme
from tests.conftest import SmallMap

ProgrammeFactory = Callable[..., Programme]


def programme_data(organisation: Organisation, **changes: object) -> ProgrammeData:
    values: dict[str, object] = {
        "country": "CF",
        "title_en": "Support for the rule of law",
        "title_fr": "Appui à l’état de droit",
        "owner": organisation,
        "confidentiality": "public",
        "iati_identifier": "FR-TEST-1",
        "status": "2",
        "lifecycle_stage": "implementation",
        "planned_start": date(2007, 1, 1),
        "planned_end": date(2010, 12, 31),
        "countries": [CountryShare("CF", Decimal(100))],
        "participations": [ParticipationData(role="1", organisation=organisation)],
        "sectors": [SectorShare("15210", Decimal(60)), SectorShare("15130", Decimal(40))],
        "areas": ["justice"],
    }
    values.update(changes)
    return ProgrammeData(**values)  # type: ignore[arg-type]


@pytest.fixture
def make_programme(organisation: Organisation) -> ProgrammeFactory:
    def make(**changes: object) -> Programme:
        return services.programme_create(user=None, data=programme_data(organisation, **changes))

    return make


@pytest.fixture
def programme(make_programme: ProgrammeFactory, small_map: SmallMap) -> Programme:
    return make_programme(supports=[SupportData(small_map.police, "Training", "Formation")])
