"""Alerts: each trigger, raised once, none for a cleared allegation or an ended support; shown to the owners,
acknowledged by them; the daily digest's e-mails, their language and the marking of what was sent."""

import datetime

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation, Role, Share
from egide.duediligence import diligence_services as services
from egide.duediligence.digest import digest_send, reader_language_remember
from egide.duediligence.models import Alert, AlertKind, DiligenceAssessment, Post, PostRole, Responsibility
from egide.duediligence.tasks import digest_task
from tests.conftest import make_user
from tests.duediligence.diligence_world import World, assessment, incident, partner, person, sharing, world

__all__ = ["assessment", "partner", "sharing", "world"]

pytestmark = pytest.mark.django_db


def current_command(world: World, someone: object, **fields: object) -> Post:
    values: dict = {"role": PostRole.COMMANDER, "start_date": datetime.date(2024, 1, 1), "ongoing": True}
    return Post.objects.create(person=someone, actor=world.unit, country="CF", **(values | fields))


def test_a_new_incident_alleged_against_the_supported_unit_raises_one_alert(
    assessment: DiligenceAssessment, world: World, organisation: Organisation
) -> None:
    new = incident(organisation, "New detentions", datetime.date(2025, 2, 1))
    responsibility = Responsibility.objects.create(incident=new, actor=world.unit)
    alert = Alert.objects.get()
    assert (alert.assessment, alert.kind, alert.responsibility) == (
        assessment,
        AlertKind.UNIT_INCIDENT,
        responsibility,
    )
    responsibility.notes = "saved again"
    responsibility.save()
    assert Alert.objects.count() == 1


def test_an_incident_of_another_unit_or_a_parent_raises_nothing(
    assessment: DiligenceAssessment, world: World, organisation: Organisation, make_actor: object
) -> None:
    new = incident(organisation, "Elsewhere", datetime.date(2025, 2, 1))
    Responsibility.objects.create(incident=new, actor=world.ministry)
    assert not Alert.objects.exists()


def test_a_new_incident_alleged_against_a_current_commander_raises_an_alert(
    assessment: DiligenceAssessment, world: World, organisation: Organisation
) -> None:
    chief = person(organisation, "Brigadier Placeholder Sampleman")
    current_command(world, chief)
    assert not Alert.objects.exists()  # no allegation yet: taking command raises nothing
    new = incident(organisation, "Beating", datetime.date(2025, 3, 1))
    responsibility = Responsibility.objects.create(incident=new, person=chief)
    alert = Alert.objects.get()
    assert (alert.kind, alert.responsibility) == (AlertKind.COMMANDER_INCIDENT, responsibility)


def test_a_former_commanders_new_incident_raises_nothing(
    assessment: DiligenceAssessment, world: World, organisation: Organisation
) -> None:
    new = incident(organisation, "Old case", datetime.date(2018, 3, 1))
    Responsibility.objects.create(incident=new, person=world.commander)  # their post ended in 2019
    assert not Alert.objects.exists()


def test_a_person_with_a_credible_allegation_taking_command_raises_an_alert(
    assessment: DiligenceAssessment, world: World, organisation: Organisation
) -> None:
    post = current_command(world, world.commander)
    alert = Alert.objects.get()
    assert (alert.kind, alert.post) == (AlertKind.ALLEGED_COMMANDER, post)
    post.save()
    assert Alert.objects.count() == 1


def test_a_cleared_allegation_raises_nothing(
    assessment: DiligenceAssessment, world: World, organisation: Organisation
) -> None:
    cleared = person(organisation, "Captain Imaginary Acquitted")
    Responsibility.objects.create(
        incident=incident(organisation, "Tried", datetime.date(2020, 1, 1)), person=cleared, status="acquitted"
    )
    current_command(world, cleared)
    Responsibility.objects.create(
        incident=incident(organisation, "Dismissed case", datetime.date(2025, 1, 1)),
        actor=world.unit,
        status="dismissed",
    )
    assert not Alert.objects.exists()


def test_a_support_that_has_ended_is_not_watched(
    assessment: DiligenceAssessment, world: World, organisation: Organisation
) -> None:
    DiligenceAssessment.objects.filter(pk=assessment.pk).update(
        period_start=datetime.date(2010, 1, 1), period_end=datetime.date(2011, 1, 1)
    )
    Responsibility.objects.create(incident=incident(organisation, "Late", datetime.date(2025, 1, 1)), actor=world.unit)
    assert not Alert.objects.exists()


def test_one_alert_per_affected_assessment(
    assessment: DiligenceAssessment, world: World, organisation: Organisation, member: User
) -> None:
    second = services.diligence_create(
        user=member, support=world.support, data=services.DiligenceData(period_start=datetime.date(2025, 1, 1))
    )
    Responsibility.objects.create(incident=incident(organisation, "Both", datetime.date(2025, 1, 1)), actor=world.unit)
    assert sorted(Alert.objects.values_list("assessment_id", flat=True)) == sorted([assessment.pk, second.pk])


@pytest.fixture
def alert(assessment: DiligenceAssessment, world: World, organisation: Organisation) -> Alert:
    Responsibility.objects.create(
        incident=incident(organisation, "Night arrests", datetime.date(2025, 4, 1)), actor=world.unit
    )
    return Alert.objects.get()


def test_owners_see_alerts_on_their_dashboard_and_others_do_not(
    alert: Alert, member: User, outsider: User, sharing: User, partner: Organisation
) -> None:
    Share.objects.create(record=alert.assessment, organisation=partner, country="CF")
    for user, expected in ((member, True), (outsider, False), (sharing, False)):
        client = Client()
        client.force_login(user)
        html = client.get(reverse("coordination:dashboard")).content.decode()
        assert ('id="diligence-alerts"' in html) is expected, user
        assert ("Night arrests" in html) is expected
    assert 'id="diligence-alerts"' not in Client().get(reverse("coordination:dashboard")).content.decode()


def test_an_alert_is_shown_only_to_those_who_may_read_its_incident(
    alert: Alert, organisation: Organisation, world: World
) -> None:
    narrow = make_user("narrow", organisation, Role.VIEWER, countries=["CF"])
    alert.responsibility.incident.owner = Organisation.objects.create(
        name_en="Other", name_fr="Autre", acronym="OTHER", type="agency"
    )
    alert.responsibility.incident.save()
    client = Client()
    client.force_login(narrow)
    html = client.get(reverse("coordination:dashboard")).content.decode()
    assert 'id="diligence-alerts"' not in html
    assert "Night arrests" not in html
    page = client.get(reverse("diligence:assessment-detail", kwargs={"pk": alert.assessment_id})).content.decode()
    assert 'id="alerts"' not in page


def test_owners_acknowledge_alerts_and_others_may_not(
    alert: Alert, member: User, outsider: User, sharing: User, partner: Organisation
) -> None:
    client = Client()
    client.force_login(outsider)
    assert client.post(reverse("diligence:alert-acknowledge", kwargs={"pk": alert.pk})).status_code == 404
    Share.objects.create(record=alert.assessment, organisation=partner, country="CF")
    client.force_login(sharing)
    # The partner reads the assessment but not its alerts: an alert it may not read is not found, as a missing one.
    assert client.post(reverse("diligence:alert-acknowledge", kwargs={"pk": alert.pk})).status_code == 404
    assert client.post(reverse("diligence:alert-acknowledge", kwargs={"pk": alert.pk + 1000})).status_code == 404
    client.force_login(member)
    response = client.post(
        reverse("diligence:alert-acknowledge", kwargs={"pk": alert.pk}), {"next": reverse("coordination:dashboard")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:dashboard")
    alert.refresh_from_db()
    assert alert.acknowledged_by == member
    assert 'id="diligence-alerts"' not in client.get(reverse("coordination:dashboard")).content.decode()
    assert Client().post(reverse("diligence:alert-acknowledge", kwargs={"pk": alert.pk})).status_code == 302


def test_the_digest_sends_one_email_per_owner_member_in_their_language_and_marks_alerts_sent(
    alert: Alert, member: User, owner: User, outsider: User, organisation: Organisation, world: World
) -> None:
    for user in (member, owner, outsider):
        user.email = f"{user.username}@example.org"
        user.save()
    reader_language_remember(user=owner, language="fr")
    Responsibility.objects.create(
        incident=incident(organisation, "Second case", datetime.date(2025, 5, 1)), actor=world.unit
    )
    report = digest_send()
    assert report.alerts == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["member@example.org", "owner@example.org"]
    english = next(message for message in mail.outbox if message.to == ["member@example.org"])
    french = next(message for message in mail.outbox if message.to == ["owner@example.org"])
    assert english.subject == "Égide: 2 new due-diligence alerts"
    assert "Night arrests" in english.body
    assert "Second case" in english.body
    link = f"/due-diligence/{alert.assessment_id}/#incident-{alert.responsibility.incident_id}"
    assert link in english.body
    assert french.subject == "Égide : 2 nouvelles alertes de diligence voulue"
    assert "Night arrests (fr)" in french.body
    assert not Alert.objects.filter(emailed_at__isnull=True).exists()
    mail.outbox.clear()
    assert digest_send().sent == 0
    assert mail.outbox == []


def test_the_digest_command_and_task_send_only_what_was_not_sent(
    alert: Alert, member: User, organisation: Organisation, world: World, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    member.email = "member@example.org"
    member.save()
    call_command("duediligence", "digest")
    assert len(mail.outbox) == 1
    Responsibility.objects.create(incident=incident(organisation, "Third", datetime.date(2025, 6, 1)), actor=world.unit)
    result = digest_task.enqueue()
    assert result.return_value == 1
    assert "Third" in mail.outbox[1].body
    assert "Night arrests" not in mail.outbox[1].body


def test_the_digest_language_follows_the_pages_the_owner_reads(alert: Alert, member: User) -> None:
    from django.conf import settings

    from egide.duediligence.models import ReaderLanguage

    client = Client()
    client.force_login(member)
    address = reverse("diligence:assessment-detail", kwargs={"pk": alert.assessment_id})
    client.get(address)
    assert ReaderLanguage.objects.get(user=member).language == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.get(address)
    assert ReaderLanguage.objects.get(user=member).language == "fr"


def test_an_alleged_commanders_alert_is_shown_to_readers_of_the_person_only(
    assessment: DiligenceAssessment, world: World, member: User, organisation: Organisation
) -> None:
    narrow = make_user("narrow", organisation, Role.VIEWER, countries=["CF"])
    narrow.email, member.email = "narrow@example.org", "member@example.org"
    narrow.save()
    member.save()
    current_command(world, world.commander)
    world.commander.owner = Organisation.objects.create(name_en="Else", name_fr="Autre", acronym="ELSE", type="agency")
    world.commander.save()
    client = Client()
    client.force_login(narrow)
    html = client.get(reverse("coordination:dashboard")).content.decode()
    assert 'id="diligence-alerts"' not in html
    assert "Colonel Exemplar Testperson" not in html
    world.commander.owner = organisation
    world.commander.save()
    assert (
        "Colonel Exemplar Testperson</a>, Commander" in client.get(reverse("coordination:dashboard")).content.decode()
    )
    digest_send()
    assert all("Colonel Exemplar Testperson" in message.body for message in mail.outbox)
