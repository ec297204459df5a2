"""The links between the three parts of due diligence: a person named in an incident, an incident in a person's
career, a consultation, the risk listing, the alerts and their digest, an actor's incidents and the command tree
each link to the page of the person or incident, and only for a reader who may read it."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation, Share
from egide.duediligence.digest import digest_send
from egide.duediligence.models import Alert, DiligenceAssessment, Post, PostRole, Responsibility
from tests.duediligence.diligence_world import World, assessment, incident, partner, sharing, world

__all__ = ["assessment", "partner", "sharing", "world"]

pytestmark = pytest.mark.django_db


def page(user: User | None, address: str, **query: str) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(address, query)
    assert response.status_code == 200, address
    return response.content.decode()


def person_link(world: World) -> str:
    return f'href="{reverse("people:detail", kwargs={"pk": world.commander.pk})}"'


def incident_link(pk: int) -> str:
    return f'href="{reverse("incidents:detail", kwargs={"pk": pk})}"'


def test_the_incident_page_links_a_named_person_for_readers_of_the_person_only(
    world: World, member: User, sharing: User, partner: Organisation
) -> None:
    address = reverse("incidents:detail", kwargs={"pk": world.during_command.pk})
    assert person_link(world) in page(member, address)
    Share.objects.create(record=world.during_command, organisation=partner, country="CF")
    shared = page(sharing, address)
    assert "Checkpoint beating" in shared
    assert person_link(world) not in shared
    assert "Colonel Exemplar Testperson" not in shared


def test_the_person_page_links_the_incidents_the_reader_may_read(
    world: World, member: User, sharing: User, partner: Organisation
) -> None:
    address = reverse("people:detail", kwargs={"pk": world.commander.pk})
    html = page(member, address)
    assert incident_link(world.during_command.pk) in html
    assert incident_link(world.before_command.pk) in html
    Share.objects.create(record=world.commander, organisation=partner, country="CF")
    Share.objects.create(record=world.before_command, organisation=partner, country="CF")
    shared = page(sharing, address)
    assert incident_link(world.before_command.pk) in shared
    assert incident_link(world.during_command.pk) not in shared


def test_the_consultations_link_the_incidents_their_administrator_may_read(
    world: World, member: User, owner: User, organisation: Organisation
) -> None:
    page(member, reverse("incidents:detail", kwargs={"pk": world.against_unit.pk}))
    html = page(owner, reverse("people:consultations", kwargs={"pk": organisation.pk}))
    assert incident_link(world.against_unit.pk) in html
    world.against_unit.owner = Organisation.objects.create(
        name_en="Else", name_fr="Autre", acronym="ELSE", type="agency"
    )
    world.against_unit.save()
    assert incident_link(world.against_unit.pk) not in page(
        owner, reverse("people:consultations", kwargs={"pk": organisation.pk})
    )


def test_the_risk_listing_links_incidents_and_commanders_the_reader_may_read(
    assessment: DiligenceAssessment, world: World, member: User, sharing: User, partner: Organisation
) -> None:
    address = reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})
    html = page(member, address)
    assert incident_link(world.against_unit.pk) in html
    assert incident_link(world.during_command.pk) in html
    assert person_link(world) in html
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    Share.objects.create(record=world.against_unit, organisation=partner, country="CF")
    shared = page(sharing, address)
    assert incident_link(world.against_unit.pk) in shared
    assert incident_link(world.during_command.pk) not in shared
    assert person_link(world) not in shared


def alleged_commander_alert(world: World) -> Alert:
    Post.objects.create(
        person=world.commander,
        actor=world.unit,
        country="CF",
        role=PostRole.COMMANDER,
        start_date=datetime.date(2024, 1, 1),
        ongoing=True,
    )
    return Alert.objects.get(post__isnull=False)


def test_alerts_link_their_incident_and_person_for_readers_of_them(
    assessment: DiligenceAssessment, world: World, member: User, organisation: Organisation
) -> None:
    new = incident(organisation, "Night arrests", datetime.date(2025, 4, 1))
    Responsibility.objects.create(incident=new, actor=world.unit)
    alleged_commander_alert(world)
    dashboard = page(member, reverse("coordination:dashboard"))
    detail = page(member, reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk}))
    for html in (dashboard, detail):
        assert 'class="alert-incident"' in html
        assert incident_link(new.pk) in html
        assert f'{person_link(world)} class="alert-person"' in html
    assert 'class="alert-assessment"' in dashboard
    elsewhere = Organisation.objects.create(name_en="Else", name_fr="Autre", acronym="ELSE", type="agency")
    new.owner = elsewhere
    new.save()
    world.commander.owner = elsewhere
    world.commander.save()
    for address in (
        reverse("coordination:dashboard"),
        reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk}),
    ):
        html = page(member, address)
        assert 'id="alert-' not in html  # an alert is shown only to a reader of its cause
        assert incident_link(new.pk) not in html
        assert person_link(world) not in html


def test_the_digest_gives_the_incident_page_to_its_readers_only(
    assessment: DiligenceAssessment, world: World, member: User, organisation: Organisation, settings: object
) -> None:
    member.email = "member@example.org"
    member.save()
    readable = incident(organisation, "Night arrests", datetime.date(2025, 4, 1))
    Responsibility.objects.create(incident=readable, actor=world.unit)
    hidden = incident(
        Organisation.objects.create(name_en="Else", name_fr="Autre", acronym="ELSE", type="agency"),
        "Hidden case",
        datetime.date(2025, 5, 1),
    )
    Responsibility.objects.create(incident=hidden, actor=world.unit)
    digest_send()
    (message,) = mail.outbox
    site = settings.EGIDE_SITE_URL  # type: ignore[attr-defined]
    assert f"{site}{reverse('incidents:detail', kwargs={'pk': readable.pk})}" in message.body
    assert reverse("incidents:detail", kwargs={"pk": hidden.pk}) not in message.body


def test_the_actor_page_lists_the_units_incidents_for_their_readers(
    world: World, member: User, outsider: User, sharing: User, partner: Organisation
) -> None:
    address = reverse("actor-detail", kwargs={"pk": world.unit.pk})
    html = page(member, address)
    assert 'id="actor-incidents"' in html
    assert incident_link(world.against_unit.pk) in html
    # The incident alleged against the commander names a person, not the unit.
    assert incident_link(world.during_command.pk) not in html
    world.unit.confidentiality = Confidentiality.PUBLIC  # so that an anonymous visitor sees the page
    world.unit.save()
    for reader in (outsider, None):
        assert 'id="actor-incidents"' not in page(reader, address)
    Share.objects.create(record=world.against_unit, organisation=partner, country="CF")
    assert incident_link(world.against_unit.pk) in page(sharing, address)


def test_the_command_tree_links_its_commanders_for_signed_in_readers(
    world: World, member: User, outsider: User
) -> None:
    address = "/countries/CF/command-tree/"
    html = page(member, address, as_of="2016-03-01")
    assert 'id="command-tree-commanders"' in html
    assert person_link(world) in html
    assert person_link(world) not in page(outsider, address, as_of="2016-03-01")
    assert person_link(world) not in page(None, address, as_of="2016-03-01")


def test_a_person_and_an_incident_list_the_assessments_of_their_units_for_readers_of_them(
    assessment: DiligenceAssessment, world: World, member: User, sharing: User, partner: Organisation
) -> None:
    link = f'href="{reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})}"'
    person_page = reverse("people:detail", kwargs={"pk": world.commander.pk})
    unit_incident = reverse("incidents:detail", kwargs={"pk": world.against_unit.pk})
    parent_incident = reverse("incidents:detail", kwargs={"pk": world.against_parent.pk})
    assert link in page(member, person_page)
    assert link in page(member, unit_incident)
    assert 'id="linked-assessments"' not in page(member, parent_incident)  # the ministry has no assessment
    for record in (world.commander, world.against_unit):
        Share.objects.create(record=record, organisation=partner, country="CF")
    for address in (person_page, unit_incident):
        assert 'id="linked-assessments"' not in page(sharing, address)  # the assessment is not shared with them
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    for address in (person_page, unit_incident):
        assert link in page(sharing, address)
