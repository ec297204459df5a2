"""Due-diligence alerts, the digest and the reports tell a reader only what they may read: an alert is shown and
mailed only to readers of its cause, and a report names no programme or unit the reader may not see. The digest
mails each reader apart: a failed mail leaves that reader's alerts for the next digest and mails nobody twice."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.accounts.models import Confidentiality, Organisation, Share
from egide.accounts.services import record_share
from egide.duediligence.digest import digest_send
from egide.duediligence.diligence_selectors import alerts_for
from egide.duediligence.models import Alert, AlertMailing, DiligenceAssessment, Responsibility
from egide.duediligence.reports import brief_sheet, country_report
from egide.programmes.models import Programme
from tests.duediligence.diligence_world import World, assessment, incident, partner, sharing, world

__all__ = ["assessment", "partner", "sharing", "world"]

pytestmark = pytest.mark.django_db


def _addressed(*users: User) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save()


def _dashboard(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("coordination:dashboard")).content.decode()


def test_an_alert_on_an_incident_the_owner_may_not_read_is_neither_shown_nor_mailed(
    assessment: DiligenceAssessment,
    world: World,
    member: User,
    outsider: User,
    sharing: User,
    partner: Organisation,
    other_organisation: Organisation,
) -> None:
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    hidden = incident(other_organisation, "Other organisation's secret", datetime.date(2025, 2, 14))
    Responsibility.objects.create(incident=hidden, actor=world.unit)
    assert Alert.objects.count() == 1  # raised: an owner who may read the incident later sees it then
    _addressed(member, outsider, sharing)
    for user in (member, sharing, outsider):
        assert list(alerts_for(user=user)) == []
        assert "Other organisation" not in _dashboard(user)
    report = digest_send()
    assert mail.outbox == []
    assert report.sent == 0
    # Once the incident's owner shares it with the assessment's owner, the owner's member is told of it.
    record_share(user=None, record=hidden, organisation=world.programme.owner, can_edit_too=False)
    Alert.objects.update(emailed_at=None)
    assert [alert.responsibility.incident_id for alert in alerts_for(user=member)] == [hidden.pk]
    assert "Other organisation&#x27;s secret" in _dashboard(member)
    for user in (sharing, outsider):  # the assessment's sharing partner and another partner are not
        assert list(alerts_for(user=user)) == []
    digest_send()
    assert [message.to for message in mail.outbox] == [["member@example.org"]]
    assert "2025-02-14" in mail.outbox[0].body


def test_an_alert_on_a_commander_is_shown_only_to_readers_of_the_commander_and_of_an_allegation(
    assessment: DiligenceAssessment, world: World, member: User, other_organisation: Organisation
) -> None:
    from tests.duediligence.test_alerts import current_command

    for case in (world.during_command, world.before_command):
        case.owner = other_organisation
        case.save()
    current_command(world, world.commander)
    assert Alert.objects.filter(post__isnull=False).count() == 1
    assert list(alerts_for(user=member)) == []  # the commander is readable, no allegation against them is
    world.before_command.owner = world.programme.owner
    world.before_command.save()
    assert len(alerts_for(user=member)) == 1


def test_the_digest_mails_each_reader_apart_and_a_failed_mail_is_tried_again_alone(
    monkeypatch: pytest.MonkeyPatch,
    assessment: DiligenceAssessment,
    world: World,
    member: User,
    owner: User,
    organisation: Organisation,
) -> None:
    _addressed(member, owner)
    Responsibility.objects.create(
        incident=incident(organisation, "Night arrests", datetime.date(2025, 4, 1)), actor=world.unit
    )
    sent = EmailBackend.send_messages

    def refuse_the_owner(self: EmailBackend, messages: list) -> int:
        if any("owner@example.org" in message.to for message in messages):
            raise OSError("mail server refused")
        return sent(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_owner)
    report = digest_send()
    assert [message.to for message in mail.outbox] == [["member@example.org"]]
    assert report.failed == ["owner@example.org"]
    assert report.alerts == 0
    assert Alert.objects.get().emailed_at is None
    assert list(AlertMailing.objects.values_list("user_id", flat=True)) == [member.pk]
    monkeypatch.setattr(EmailBackend, "send_messages", sent)
    report = digest_send()
    assert [message.to for message in mail.outbox] == [["member@example.org"], ["owner@example.org"]]
    assert report.alerts == 1
    assert Alert.objects.get().emailed_at is not None
    digest_send()
    assert len(mail.outbox) == 2


def test_the_reports_name_no_programme_the_reader_may_not_see(
    assessment: DiligenceAssessment, world: World, member: User, sharing: User, partner: Organisation
) -> None:
    record_share(user=None, record=assessment, organisation=partner, can_edit_too=False)
    assert [row.programme for row in country_report(user=sharing, country="CF")] == ["Training the battalion"]
    Programme.objects.filter(pk=world.programme.pk).update(confidentiality=Confidentiality.RESTRICTED)
    assert country_report(user=sharing, country="CF") == []
    assert brief_sheet(user=sharing, country="CF") is None
    client = Client()
    client.force_login(sharing)
    for address in (
        reverse("diligence:country-report", kwargs={"code": "CF"}),
        reverse("diligence:country-report-export", kwargs={"code": "CF"}),
    ):
        response = client.get(address)
        assert response.status_code == 200
        content = (
            str([cell.value for sheet in load_workbook(io.BytesIO(response.content)) for row in sheet for cell in row])
            if address.endswith(".xlsx")
            else response.content.decode()
        )
        assert "Training the battalion" not in content
    assert client.get(reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})).status_code == 404
    assert [row.programme for row in country_report(user=member, country="CF")] == ["Training the battalion"]


def test_the_reports_name_no_unit_the_reader_may_not_see(
    assessment: DiligenceAssessment, world: World, sharing: User, partner: Organisation
) -> None:
    record_share(user=None, record=assessment, organisation=partner, can_edit_too=False)
    type(world.unit).objects.filter(pk=world.unit.pk).update(confidentiality=Confidentiality.RESTRICTED)
    assert country_report(user=sharing, country="CF") == []
