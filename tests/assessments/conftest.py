"""A small framework loaded, an assessment of the Central African Republic owned by the test organisation, and a
reviewer of that organisation."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from egide.accounts.models import Confidentiality, Organisation, Role
from egide.assessments import services
from egide.assessments.models import Assessment, FrameworkVersion
from tests.assessments.helpers import SMALL
from tests.conftest import make_user


@pytest.fixture
def small_version(db: None) -> FrameworkVersion:
    return services.framework_load(user=None, content=SMALL.read_bytes()).version


@pytest.fixture
def reviewer(organisation: Organisation) -> User:
    """A reviewer of the assessment's owner organisation."""
    return make_user("reviewer", organisation, Role.REVIEWER)


@pytest.fixture
def assessment(small_version: FrameworkVersion, organisation: Organisation) -> Assessment:
    return services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country="CF",
            framework_version=small_version,
            as_of=date(2024, 6, 30),
            owner=organisation,
            confidentiality=Confidentiality.ORGANISATION,
            title="Baseline review",
        ),
    )
