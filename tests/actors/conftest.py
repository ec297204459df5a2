"""Fixtures for the page, API and query-count tests of the security system map."""

import pytest
from django.conf import LazySettings

from egide.actors import services
from egide.actors.data import CitationData
from egide.actors.models import Source
from egide.core.fuzzy_dates import FuzzyDate
from tests.conftest import SmallMap


@pytest.fixture(autouse=True)
def immediate_tasks(settings: LazySettings) -> None:
    """Background imports run at once, in the test's own transaction, so that their outcome can be checked."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def constitution(small_map: SmallMap) -> Source:
    """A source cited for the Ministry of Defence and for Parliament's oversight of it."""
    source = services.source_get_or_create(
        user=None,
        country="CF",
        citation=CitationData(
            title="Constitution of 30 March 2016",
            author="Constituent assembly",
            published=FuzzyDate.parse("2016-03-30"),
        ),
    )
    services.citation_add(user=None, source=source, actor=small_map.defence, locator="Art. 28")
    services.citation_add(user=None, source=source, relationship=small_map.oversees, locator="Art. 60")
    return source


@pytest.fixture
def french_names(small_map: SmallMap) -> SmallMap:
    """French names that differ from the English ones, as the pages must show them."""
    names = {
        small_map.army: ("Forces armées centrafricaines", "FACA"),
        small_map.defence: ("Ministère de la Défense nationale", ""),
        small_map.parliament: ("Assemblée nationale", ""),
        small_map.presidency: ("Présidence de la République", "PR"),
    }
    for actor, (name_fr, acronym_fr) in names.items():
        actor.name_fr, actor.acronym_fr = name_fr, acronym_fr
        actor.save(update_fields=["name_fr", "acronym_fr"])
    return small_map
