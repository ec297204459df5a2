"""The pages and API endpoints of due-diligence assessments, each read by the owner organisation's member, a partner
the assessment is shared with, another partner and an anonymous visitor; the forms; the reports and their XLSX."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.accounts.models import Organisation, Role, Share
from egide.audit.models import Action, AuditEvent
from egide.duediligence.diligence_selectors import risk_for
from egide.duediligence.models import Decision, DiligenceAssessment
from tests.conftest import make_user
from tests.duediligence.diligence_world import World, assessment, partner, sharing, world

__all__ = ["assessment", "partner", "sharing", "world"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(assessment: DiligenceAssessment, world: World, partner: Organisation) -> DiligenceAssessment:
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    Share.objects.create(record=world.against_unit, organisation=partner, country="CF")
    return assessment


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def readers(member: User, sharing: User, outsider: User) -> dict[str, Client]:
    return {
        "member": client_of(member),
        "sharing": client_of(sharing),
        "outsider": client_of(outsider),
        "anonymous": Client(),
    }


def test_the_assessment_page_by_reader(
    shared: DiligenceAssessment, world: World, member: User, sharing: User, outsider: User
) -> None:
    address = reverse("diligence:assessment-detail", kwargs={"pk": shared.pk})
    answers = {name: client.get(address) for name, client in readers(member, sharing, outsider).items()}
    assert answers["anonymous"].status_code == 302
    assert answers["outsider"].status_code == 404
    member_page = answers["member"].content.decode()
    assert answers["member"].status_code == 200
    for title in (
        "Detentions at the barracks",
        "Ministry raid",
        "Checkpoint beating",
        "p. 12",
        "Colonel Exemplar Testperson",
    ):
        assert title in member_page
    assert "Earlier abuse" not in member_page  # before the commander took the post
    assert 'id="decide"' in member_page
    sharing_page = answers["sharing"].content.decode()
    assert answers["sharing"].status_code == 200
    assert "Detentions at the barracks" in sharing_page
    assert "Checkpoint beating" not in sharing_page
    assert 'id="decide"' not in sharing_page  # a share for reading


def test_the_decision_form(
    assessment: DiligenceAssessment, member: User, sharing: User, outsider: User, partner: Organisation
) -> None:
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    address = reverse("diligence:assessment-decide", kwargs={"pk": assessment.pk})
    review = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    posted = {
        "decision": Decision.CONDITIONAL,
        "risk_level": "high",
        "conditions": "",
        "next_review": review,
        "version": 1,
    }
    assert client_of(outsider).post(address, posted).status_code == 404
    assert client_of(sharing).post(address, posted).status_code == 403
    assert Client().post(address, posted).status_code == 302
    refused = client_of(member).post(address, posted)
    assert refused.status_code == 400
    assert "Write down the conditions" in refused.content.decode()
    accepted = client_of(member).post(address, posted | {"conditions": "Vetting"})
    assert accepted.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.decision, assessment.conditions, assessment.decided_by) == (
        Decision.CONDITIONAL,
        "Vetting",
        member,
    )
    stale = client_of(member).post(address, posted | {"conditions": "Other", "version": 1})
    assert stale.status_code == 302
    assessment.refresh_from_db()
    assert assessment.conditions == "Vetting"


def test_the_create_and_edit_forms(
    world: World, member: User, outsider: User, sharing: User, partner: Organisation
) -> None:
    create = reverse("diligence:assessment-create", kwargs={"pk": world.programme.pk, "support": world.support.pk})
    assert client_of(outsider).get(create).status_code == 403
    assert client_of(sharing).get(create).status_code == 403
    assert Client().get(create).status_code == 302
    client = client_of(member)
    assert client.get(create).status_code == 200
    response = client.post(
        create,
        {
            "period_start": "2024-01-01",
            "period_end": "2023-01-01",
            "owner": world.programme.owner_id,
            "confidentiality": "restricted",
        },
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    response = client.post(
        create,
        {
            "period_start": "2024-01-01",
            "include_parents": "on",
            "owner": world.programme.owner_id,
            "confidentiality": "restricted",
        },
    )
    assessment = DiligenceAssessment.objects.get()
    assert response["Location"] == reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})
    edit = reverse("diligence:assessment-edit", kwargs={"pk": assessment.pk})
    assert client_of(outsider).get(edit).status_code == 404
    assert Client().get(edit).status_code == 302
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    assert client_of(sharing).get(edit).status_code == 403
    Share.objects.filter(organisation=partner).update(can_edit=True)
    partner_editor = make_user("partner-editor", partner, Role.EDITOR)
    assert client_of(partner_editor).get(edit).status_code == 200
    assert client.get(edit).status_code == 200
    client.post(
        edit,
        {
            "period_start": "2024-01-01",
            "owner": world.programme.owner_id,
            "confidentiality": "organisation",
            "factors": "Past abuse",
            "version": 1,
        },
    )
    assessment.refresh_from_db()
    assert (assessment.include_parents, assessment.factors, assessment.confidentiality) == (
        False,
        "Past abuse",
        "organisation",
    )


def test_the_programme_page_lists_its_supported_units_for_signed_in_readers(
    shared: DiligenceAssessment, world: World, member: User, sharing: User, outsider: User
) -> None:
    DiligenceAssessment.objects.filter(pk=shared.pk).update(
        decision=Decision.SUPPORT, next_review=datetime.date.today() - datetime.timedelta(days=3)
    )
    address = reverse("programme-detail", kwargs={"pk": world.programme.pk})
    pages = {name: client.get(address).content.decode() for name, client in readers(member, sharing, outsider).items()}
    assert 'id="due-diligence"' not in pages["anonymous"]
    for name in ("member", "sharing"):
        assert "review overdue" in pages[name], name
        assert reverse("diligence:assessment-detail", kwargs={"pk": shared.pk}) in pages[name]
    assert "Not assessed" in pages["outsider"]
    assert reverse("diligence:assessment-detail", kwargs={"pk": shared.pk}) not in pages["outsider"]


def test_the_reports_and_their_workbooks(
    shared: DiligenceAssessment, world: World, member: User, sharing: User, outsider: User
) -> None:
    DiligenceAssessment.objects.filter(pk=shared.pk).update(
        decision=Decision.CONDITIONAL, risk_level="high", next_review=datetime.date.today() - datetime.timedelta(days=1)
    )
    clients = readers(member, sharing, outsider)
    for address in (
        reverse("diligence:programme-report", kwargs={"pk": world.programme.pk}),
        reverse("diligence:country-report", kwargs={"code": "CF"}),
    ):
        assert clients["anonymous"].get(address).status_code == 302
        for name in ("member", "sharing"):
            page = clients[name].get(address).content.decode()
            assert "Support with conditions" in page, (address, name)
            assert "review overdue" in page
        assert "Support with conditions" not in clients["outsider"].get(address).content.decode()
    export = reverse("diligence:country-report-export", kwargs={"code": "CF"})
    assert clients["anonymous"].get(export).status_code == 302
    sharing_rows = list(load_workbook(io.BytesIO(clients["sharing"].get(export).content)).active.values)
    assert sharing_rows[1][2] == "Support with conditions"
    rows = list(load_workbook(io.BytesIO(clients["member"].get(export).content)).active.values)
    assert rows[1][1:4] == ("First Test Battalion", "Support with conditions", "High")
    assert rows[1][6] == "yes"
    outsider_rows = list(load_workbook(io.BytesIO(clients["outsider"].get(export).content)).active.values)
    assert len(outsider_rows) == 1
    programme_export = reverse("diligence:programme-report-export", kwargs={"pk": world.programme.pk})
    outsider_programme = list(
        load_workbook(io.BytesIO(clients["outsider"].get(programme_export).content)).active.values
    )
    assert outsider_programme[1][2] == "Not assessed"
    assert clients["member"].get(reverse("diligence:country-report", kwargs={"code": "ZZ"})).status_code == 404


def test_the_api_by_reader(
    shared: DiligenceAssessment, world: World, member: User, sharing: User, outsider: User
) -> None:
    clients = readers(member, sharing, outsider)
    detail = f"/api/v1/due-diligence/{shared.pk}"
    assert clients["anonymous"].get(detail).status_code == 401
    assert clients["outsider"].get(detail).status_code == 404
    body = clients["member"].get(detail).json()
    assert {incident["title"] for incident in body["incidents"]} == {
        "Detentions at the barracks",
        "Ministry raid",
        "Checkpoint beating",
    }
    commander = next(incident for incident in body["incidents"] if incident["title"] == "Checkpoint beating")
    assert commander["links"][0]["path"] == "commander"
    assert commander["links"][0]["post_start"] == "2015"
    assert [incident["title"] for incident in clients["sharing"].get(detail).json()["incidents"]] == [
        "Detentions at the barracks"
    ]
    for address in (f"/api/v1/programmes/{world.programme.pk}/due-diligence", "/api/v1/countries/CF/due-diligence"):
        assert clients["anonymous"].get(address).status_code == 401
        assert [row["assessment_id"] for row in clients["member"].get(address).json()] == [shared.pk]
        assert [row["assessment_id"] for row in clients["sharing"].get(address).json()] == [shared.pk]
        assert all(row["assessment_id"] is None for row in clients["outsider"].get(address).json())


def test_the_country_brief_holds_the_due_diligence_sheet_for_its_readers_only(
    shared: DiligenceAssessment, member: User, sharing: User, outsider: User
) -> None:
    DiligenceAssessment.objects.filter(pk=shared.pk).update(decision=Decision.SUPPORT, risk_level="low")
    address = reverse("country-coordination-export", kwargs={"code": "CF"})

    def sheets(client: Client) -> dict[str, list[tuple[object, ...]]]:
        workbook = load_workbook(io.BytesIO(b"".join(client.get(address).streaming_content)))  # type: ignore[attr-defined]
        return {sheet.title: list(sheet.values) for sheet in workbook.worksheets}

    clients = readers(member, sharing, outsider)
    for name in ("member", "sharing"):
        rows = sheets(clients[name])["Due diligence"]
        assert rows[1][1:4] == ("First Test Battalion", "Support", "Low"), name
    for name in ("outsider", "anonymous"):
        assert "Due diligence" not in sheets(clients[name]), name


def test_reading_an_assessment_is_recorded(assessment: DiligenceAssessment, world: World, member: User) -> None:
    """On the assessment for its owners, and on each incident and commander its risk listing shows, for theirs."""
    client_of(member).get(reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk}))
    client_of(member).get(f"/api/v1/due-diligence/{assessment.pk}")
    reads = AuditEvent.objects.filter(action=Action.READ, user=member)
    assert reads.filter(content_type__model="diligenceassessment", object_id=assessment.pk).count() == 2
    listing = risk_for(user=member, assessment=assessment)
    shown = {("incident", row.incident.pk) for row in listing.rows} | {
        ("person", link.post.person_id) for row in listing.rows for link in row.links if link.post is not None
    }
    assert ("person", world.commander.pk) in shown
    assert len(shown) > 2
    listed = reads.exclude(content_type__model="diligenceassessment")
    # Each shown once per read (the page, then the API), never twice in one read.
    assert sorted((event.content_type.model, event.object_id) for event in listed) == sorted([*shown, *shown])
    assert {event.organisation_id for event in listed} == {assessment.owner_id}
    assert all(event.after == {"via": "assessment", "assessment": assessment.pk} for event in listed)


def test_the_owners_editors_share_an_assessment(
    assessment: DiligenceAssessment, member: User, sharing: User, outsider: User, partner: Organisation
) -> None:
    address = reverse("diligence:assessment-share", kwargs={"pk": assessment.pk})
    detail = reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})
    assert client_of(sharing).get(detail).status_code == 404
    assert client_of(outsider).post(address, {"organisation": "SHARED"}).status_code == 404
    assert Client().post(address, {"organisation": "SHARED"}).status_code == 302
    unknown = client_of(member).post(address, {"organisation": "NOPE"}, follow=True)
    assert "No organisation has the acronym" in unknown.content.decode()
    client_of(member).post(address, {"organisation": "shared"})
    assert client_of(sharing).get(detail).status_code == 200
    assert 'id="sharing"' not in client_of(sharing).get(detail).content.decode()
    assert "SHARED" in client_of(member).get(detail).content.decode()
    assert client_of(sharing).post(address, {"organisation": "AGENCY"}).status_code == 403


def test_a_parent_unit_hidden_from_the_reader_is_not_named(
    assessment: DiligenceAssessment, world: World, member: User, outsider: User
) -> None:
    Actor = type(world.ministry)
    Actor.objects.filter(pk=world.ministry.pk).update(
        confidentiality="restricted", owner=Organisation.objects.get(acronym="AGENCY")
    )
    page = client_of(member).get(reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})).content.decode()
    assert "Ministry raid" in page
    assert "Ministry of Exercises" not in page
    assert "a unit you cannot see" in page
    body = client_of(member).get(f"/api/v1/due-diligence/{assessment.pk}").json()
    raid = next(incident for incident in body["incidents"] if incident["title"] == "Ministry raid")
    assert raid["links"][0]["unit"] == ""
