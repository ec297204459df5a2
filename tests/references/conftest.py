"""Records of the references app built through its services, for the tests of this folder."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from egide.accounts.models import Confidentiality, Organisation, Role
from egide.accounts.selectors import PLATFORM
from egide.core.fuzzy_dates import FuzzyDate
from egide.references import services
from egide.references.data import DocumentData, FrameworkData, MissionData
from egide.references.models import DocumentType, Framework, Mission, MissionKind, ReferenceDocument
from tests.conftest import make_user


@pytest.fixture
def limited_member(organisation: Organisation) -> User:
    """An editor of the owner organisation whose membership covers the Central African Republic only."""
    return make_user("limited", organisation, Role.EDITOR, countries=["CF"])


def document_data(organisation: Organisation | None, **values: Any) -> DocumentData:
    defaults: dict[str, Any] = {
        "type": DocumentType.RESOLUTION,
        "title_en": "Resolution 2151 on security sector reform",
        "title_fr": "Résolution 2151 sur la réforme du secteur de la sécurité",
        "symbol": "S/RES/2151 (2014)",
        "issued": FuzzyDate.parse("2014-04-28"),
        "issuing_body": "Security Council",
        "languages": ["en", "fr"],
        "summary_en": "The first resolution devoted to security sector reform.",
        "summary_fr": "La première résolution consacrée à la réforme du secteur de la sécurité.",
        "countries": [],
        "owner": organisation,
        "confidentiality": Confidentiality.PUBLIC,
    }
    return DocumentData(**(defaults | values))


def mission_data(organisation: Organisation | None, **values: Any) -> MissionData:
    defaults: dict[str, Any] = {
        "country": "XK",
        "kind": MissionKind.EU_CSDP_CIVILIAN,
        "name_en": "European Union Rule of Law Mission in Kosovo",
        "name_fr": "Mission État de droit de l’Union européenne au Kosovo",
        "acronym_en": "EULEX Kosovo",
        "start": FuzzyDate.parse("2008-04"),
        "areas": ["justice"],
        "tasks_en": "Civilian aspects of SSR.",
        "owner": organisation,
        "confidentiality": Confidentiality.PUBLIC,
    }
    return MissionData(**(defaults | values))


def framework_data(organisation: Organisation | None, **values: Any) -> FrameworkData:
    defaults: dict[str, Any] = {
        "code": "EU-SSR-CONCEPT",
        "title_en": "A Concept for European Community Support for Security Sector Reform",
        "title_fr": "Un concept pour le soutien de la Communauté européenne à la réforme du secteur de la sécurité",
        "issuing_body": "European Commission",
        "adopted": FuzzyDate.parse("2006-05"),
        "links": ["https://example.org/concept"],
        "owner": organisation,
        "confidentiality": Confidentiality.PUBLIC,
    }
    return FrameworkData(**(defaults | values))


@pytest.fixture
def make_document(organisation: Organisation) -> Callable[..., ReferenceDocument]:
    def make(**values: Any) -> ReferenceDocument:
        return services.reference_document_create(user=PLATFORM, data=document_data(organisation, **values))

    return make


@pytest.fixture
def make_mission(organisation: Organisation) -> Callable[..., Mission]:
    def make(**values: Any) -> Mission:
        return services.mission_create(user=PLATFORM, data=mission_data(organisation, **values))

    return make


@pytest.fixture
def make_framework(organisation: Organisation) -> Callable[..., Framework]:
    def make(**values: Any) -> Framework:
        return services.framework_create(user=PLATFORM, data=framework_data(organisation, **values))

    return make
