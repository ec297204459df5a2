"""A programme owned by the test organisation, with a reviewer of that organisation and an editor of another one
it is shared with for editing, for the results framework's tests."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from egide.accounts.models import Confidentiality, Organisation, Role, Share
from egide.programmes.models import Programme
from egide.results import services
from egide.results.data import IndicatorData, PeriodData, ResultData, UpdateData
from egide.results.models import Indicator, Period, Result, Update
from tests.conftest import make_user


@pytest.fixture
def programme(organisation: Organisation) -> Programme:
    return Programme.objects.create(
        country="CF",
        iati_identifier="FR-TEST-1",
        title_en="Rule of law support",
        title_fr="Appui à l’État de droit",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
    )


@pytest.fixture
def reviewer(organisation: Organisation) -> User:
    """A reviewer of the programme's owner organisation."""
    return make_user("reviewer", organisation, Role.REVIEWER)


@pytest.fixture
def shared_editor(programme: Programme, other_organisation: Organisation) -> User:
    """An editor of another organisation with which the programme is shared for editing."""
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Programme),
        object_id=programme.pk,
        organisation=other_organisation,
        country=programme.country,
        can_edit=True,
    )
    return make_user("partner", other_organisation, Role.EDITOR)


@pytest.fixture
def result(programme: Programme) -> Result:
    return services.result_create(user=None, programme=programme, data=ResultData(title_en="Courts work", type="2"))


@pytest.fixture
def indicator(result: Result) -> Indicator:
    return services.indicator_create(
        user=None,
        result=result,
        data=IndicatorData(title_en="Judges trained", measure="1", baseline_value=Decimal(10)),
    )


@pytest.fixture
def period(indicator: Indicator) -> Period:
    return services.period_create(
        user=None,
        indicator=indicator,
        data=PeriodData(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31), target_value=Decimal(110)),
    )


def submit(user: User | None, period: Period, value: str, day: int = 1) -> Update:
    return services.update_create(
        user=user, period=period, data=UpdateData(value=Decimal(value), value_date=datetime.date(2020, 6, day))
    )
