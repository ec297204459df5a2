"""Two countries for the dashboard's tests, as owner, member and outsider see them."""

import datetime

import pytest

from egide.accounts.models import Confidentiality, Organisation
from tests.coordination import dashboard_data
from tests.coordination.helpers import published_assessment


@pytest.fixture
def two_countries(organisation: Organisation) -> None:
    """Chad (a weak assessment) and the Central African Republic (a strong public one, and a confidential
    programme and a confidential later assessment that only the owner's organisation may see)."""
    dashboard_data.country("TD", organisation, score=0)
    dashboard_data.country("CF", organisation, score=3)
    dashboard_data.funded_programme(
        "CF", organisation, area="prisons", value="5000", level=Confidentiality.ORGANISATION
    )
    published_assessment(
        country="CF",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
        answers={"J1": 1, "O1": 1},
        as_of=datetime.date(2025, 1, 1),
        title="Confidential review",
    )
