"""The fictional training country ("XT") is named as such wherever its records are shown: a list filtered by it, a
list whose page holds one of its records, its people's and incidents' pages and forms, its reports, and the digest
e-mail about its assessments. And the forms of people and incidents start restricted, saying who reads at each
level."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from egide.accounts.selectors import PLATFORM
from egide.demo.loader import demo_load
from egide.duediligence.digest import digest_send
from egide.duediligence.models import Alert, Incident, Violation
from tests.duediligence.people_world import COUNTRY, World, client_of, make_person, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

NOTICE = 'id="training-notice"'
TRAINING = "XT"


def _shows_notice(client: Client, address: str, data: dict[str, str] | None = None) -> bool:
    response = client.get(address, data or {})
    assert response.status_code == 200, (address, response.status_code)
    return NOTICE in response.content.decode()


def _incident(world: World, country: str) -> Incident:
    return Incident.objects.create(
        country=country,
        owner=world.organisation,
        title_en="Invented raid",
        violation=Violation.TORTURE,
        occurred_on=datetime.date(2020, 1, 2),
    )


def test_the_people_list_filtered_by_the_training_country_says_it_is_fictional(world: World) -> None:
    make_person(world.organisation, "Trainee Inventedname", country=TRAINING)
    client = client_of(world.member)
    assert _shows_notice(client, "/people/", {"country": "xt"})
    assert not _shows_notice(client, "/people/", {"country": COUNTRY})


def test_a_list_holding_a_training_record_says_it_is_fictional(world: World) -> None:
    client = client_of(world.member)
    assert not _shows_notice(client, "/people/")
    make_person(world.organisation, "Trainee Inventedname", country=TRAINING)
    assert _shows_notice(client, "/people/")
    assert _shows_notice(client, "/people/", {"q": "Trainee"})  # a search's page too
    assert not _shows_notice(client, "/people/", {"q": "Exemplar"})


def test_the_training_countrys_records_and_forms_say_they_are_fictional(world: World) -> None:
    person = make_person(world.organisation, "Trainee Inventedname", country=TRAINING)
    incident = _incident(world, TRAINING)
    client = client_of(world.member)
    for address in (
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        f"/incidents/{incident.pk}/",
        f"/incidents/{incident.pk}/edit/",
        f"/incidents/new/{TRAINING}/",
        f"/due-diligence/countries/{TRAINING}/",
    ):
        assert _shows_notice(client, address), address
    assert _shows_notice(client, "/incidents/", {"country": TRAINING})
    other = _incident(world, COUNTRY)
    for address in (f"/people/{world.person.pk}/", f"/incidents/{other.pk}/", f"/due-diligence/countries/{COUNTRY}/"):
        assert not _shows_notice(client, address), address
    assert not _shows_notice(client, "/incidents/", {"country": COUNTRY})


def test_the_digest_says_when_an_assessment_is_about_the_training_country() -> None:
    demo_load(user=PLATFORM)
    alert = Alert.objects.select_related("assessment").get()
    assert alert.assessment.country == TRAINING
    Alert.objects.filter(pk=alert.pk).update(emailed_at=None)
    members = User.objects.filter(memberships__organisation=alert.assessment.owner)
    for user in members:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    report = digest_send()
    assert report.sent >= 1
    bodies = [message.body for message in mail.outbox]
    assert bodies
    for body in bodies:
        assert "Fictional training country" in body or "Pays fictif d’entraînement" in body, body


@pytest.mark.parametrize("address", ["/people/new/", f"/incidents/new/{COUNTRY}/"])
def test_the_forms_start_restricted_and_say_who_reads_at_each_level(world: World, address: str) -> None:
    html = client_of(world.member).get(address).content.decode()
    assert '<option value="restricted" selected>' in html
    assert '<option value="partners" selected>' not in html
    assert "Restricted (the default): only the owner organisation&#x27;s members" in html
    assert "Partners: every member of every organisation working on the country, without any sharing" in html
