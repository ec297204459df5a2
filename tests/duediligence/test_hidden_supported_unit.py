"""A programme's supported unit that its editor may not see (restricted to another organisation) is neither listed
in the programme's due-diligence section and report nor offered for an assessment: its name would leak."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation
from egide.actors.models import Actor
from egide.duediligence import diligence_services as services
from egide.duediligence.diligence_selectors import programme_units
from egide.duediligence.reports import programme_report
from tests.duediligence.diligence_world import World, partner, world

__all__ = ["partner", "world"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(world: World, partner: Organisation) -> World:
    Actor.objects.filter(pk=world.unit.pk).update(owner=partner, confidentiality=Confidentiality.RESTRICTED)
    return world


def test_the_unit_is_listed_to_whoever_sees_it(world: World, member: User) -> None:
    assert [unit.support.actor_id for unit in programme_units(user=member, programme=world.programme)] == [
        world.unit.pk
    ]


def test_a_hidden_unit_is_not_listed_nor_reported(hidden: World, member: User) -> None:
    assert programme_units(user=member, programme=hidden.programme) == []
    assert programme_report(user=member, programme=hidden.programme) == []
    client = Client()
    client.force_login(member)
    report = client.get(reverse("diligence:programme-report", kwargs={"pk": hidden.programme.pk}))
    assert report.status_code == 200
    assert "First Test Battalion" not in report.content.decode()


def test_a_hidden_unit_is_not_offered_for_an_assessment(hidden: World, member: User) -> None:
    client = Client()
    client.force_login(member)
    address = reverse("diligence:assessment-create", kwargs={"pk": hidden.programme.pk, "support": hidden.support.pk})
    assert client.get(address).status_code == 404
    with pytest.raises(PermissionDenied):
        services.diligence_create(
            user=member,
            support=hidden.support,
            data=services.DiligenceData(period_start=datetime.date(2024, 1, 1)),
        )
