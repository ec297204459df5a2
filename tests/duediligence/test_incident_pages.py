# ruff: noqa: F811 (the fixtures imported from incident_fixtures are parameters of the tests)
"""The incidents' pages for the owner's member, the partner the incident is shared with, another partner and an
anonymous visitor: what each reads (lists, counts, details), what each may change, and the audit of reads."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation, Share
from egide.audit.models import Action, AuditEvent
from egide.duediligence.models import Evidence, Incident, Responsibility
from tests.duediligence.incident_fixtures import (  # noqa: F401 (fixtures)
    Scene,
    client_of,
    make_person,
    partner,
    partner_user,
    scene,
)

pytestmark = pytest.mark.django_db

TITLE = "Night raid on the market"


def page(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in_everywhere(scene: Scene) -> None:
    anonymous = Client()
    incident = scene.incident.pk
    for url in (
        "/incidents/",
        "/incidents/?country=CF",
        f"/incidents/{incident}/",
        f"/incidents/{incident}/edit/",
        "/incidents/new/CF/",
        f"/incidents/{incident}/responsibilities/new/",
        f"/incidents/{incident}/evidence/new/",
        f"/incidents/responsibilities/{scene.unit_link.pk}/edit/",
        f"/incidents/responsibilities/{scene.unit_link.pk}/evidence/new/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
    for url in (
        f"/incidents/{incident}/delete/",
        f"/incidents/{incident}/share/",
        f"/incidents/responsibilities/{scene.unit_link.pk}/delete/",
        f"/incidents/evidence/{Evidence.objects.first().pk}/delete/",  # type: ignore[union-attr]
    ):
        assert anonymous.post(url).status_code == 302, url
    assert Incident.objects.count() == 1
    assert not AuditEvent.objects.filter(action=Action.READ).exists()


def test_the_list_and_counts_show_only_what_each_reader_may_read(
    scene: Scene, member: User, partner_user: User, outsider: User
) -> None:
    listed = page(client_of(member), "/incidents/", country="CF")
    assert TITLE in listed
    assert "1 incident you may read" in listed
    assert "Attack on civilians (1)" in listed
    assert "2021 (1)" in listed
    assert TITLE in page(client_of(partner_user), "/incidents/", country="CF")
    hidden = page(client_of(outsider), "/incidents/", country="CF")
    assert TITLE not in hidden
    assert "0 incidents you may read" in hidden
    assert "Attack on civilians" not in hidden.split('id="incident-counts"')[1]


def test_the_country_chooser_counts_readable_incidents(scene: Scene, member: User, outsider: User) -> None:
    chooser = page(client_of(member), "/incidents/")
    assert 'Central African Republic</a> <small class="muted">(1)' in chooser
    assert "You may read no incident yet." in page(client_of(outsider), "/incidents/")
    assert "No country has the code “ZZ”" in page(client_of(member), "/incidents/", country="ZZ")


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"violation": "attack_on_civilians"}, True),
        ({"violation": "torture"}, False),
        ({"year_from": "2021", "year_to": "2021"}, True),
        ({"year_from": "2022"}, False),
        ({"status": "under_investigation"}, True),
        ({"status": "convicted"}, False),
        ({"confidence": "medium"}, True),
        ({"confidence": "low"}, False),
    ],
)
def test_the_filters_narrow_the_list(scene: Scene, member: User, params: dict[str, str], shown: bool) -> None:
    listed = page(client_of(member), "/incidents/", country="CF", **params)
    assert (TITLE in listed.split('id="incident-counts"')[0]) is shown


def test_the_unit_filter(scene: Scene, member: User, make_actor: object) -> None:
    assert TITLE in page(client_of(member), "/incidents/", country="CF", unit=str(scene.battalion.pk))


def test_a_bad_filter_is_said_and_ignored(scene: Scene, member: User) -> None:
    listed = page(client_of(member), "/incidents/", country="CF", year_from="last year", violation="genocide")
    assert "Enter a whole number." in listed
    assert "Select a valid choice." in listed
    assert TITLE in listed


def test_the_detail_shows_what_when_where_and_who_to_the_member(scene: Scene, member: User) -> None:
    detail = page(client_of(member), f"/incidents/{scene.incident.pk}/")
    for text in (
        TITLE,
        "Attack on civilians",
        "2021-03",
        "Bossangoa",
        "Ouham",
        ">4<",
        "First battalion",
        "Colonel Exemplar Testperson",
        "Under investigation",
        "since 2022",
        "Monitoring report 12",
        "p. 4",
        "p. 5",
        'id="edit-incident"',
        'id="sharing"',
    ):
        assert text in detail, text
    assert 'class="person-name" href="/people/' in detail


def test_the_sharing_partner_reads_but_does_not_change(scene: Scene, partner_user: User) -> None:
    client = client_of(partner_user)
    detail = page(client, f"/incidents/{scene.incident.pk}/")
    assert TITLE in detail
    assert 'id="edit-incident"' not in detail
    assert 'id="sharing"' not in detail
    # The colonel's record is not shared with the partner: the incident does not open it.
    assert "Colonel Exemplar Testperson" not in detail
    assert "a person whose record you may not read" in detail
    assert client.get(f"/incidents/{scene.incident.pk}/edit/").status_code == 403
    assert client.post(f"/incidents/{scene.incident.pk}/delete/").status_code == 403
    assert client.post(f"/incidents/{scene.incident.pk}/share/", {"organisation": "AGENCY"}).status_code == 403
    assert client.get(f"/incidents/{scene.incident.pk}/responsibilities/new/").status_code == 403
    assert client.post(f"/incidents/responsibilities/{scene.unit_link.pk}/delete/").status_code == 403
    assert Incident.objects.count() == 1
    assert Responsibility.objects.count() == 2


def test_another_partner_finds_nothing(scene: Scene, outsider: User) -> None:
    client = client_of(outsider)
    evidence = Evidence.objects.first()
    assert evidence is not None
    for url in (
        f"/incidents/{scene.incident.pk}/",
        f"/incidents/{scene.incident.pk}/edit/",
        f"/incidents/{scene.incident.pk}/evidence/new/",
        f"/incidents/responsibilities/{scene.unit_link.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/incidents/{scene.incident.pk}/delete/",
        f"/incidents/responsibilities/{scene.unit_link.pk}/delete/",
        f"/incidents/evidence/{evidence.pk}/delete/",
    ):
        assert client.post(url).status_code == 404, url
    assert not AuditEvent.objects.filter(action=Action.READ).exists()


def test_every_read_of_an_incident_is_audited(scene: Scene, member: User, partner_user: User) -> None:
    page(client_of(member), f"/incidents/{scene.incident.pk}/")
    page(client_of(partner_user), f"/incidents/{scene.incident.pk}/")
    page(client_of(member), f"/incidents/{scene.incident.pk}/")
    reads = AuditEvent.objects.filter(action=Action.READ, object_id=scene.incident.pk).order_by("id")
    assert list(reads.values_list("username", flat=True)) == ["member", "partner", "member"]
    assert set(reads.values_list("organisation_id", flat=True)) == {scene.incident.owner_id}


def test_a_member_records_an_incident_through_the_form(organisation: Organisation, member: User) -> None:
    client = client_of(member)
    assert "Record an incident" in page(client, "/incidents/", country="CF")
    form = page(client, "/incidents/new/CF/")
    assert 'value="public"' not in form  # never offered unless the platform publishes
    response = client.post(
        "/incidents/new/CF/",
        {
            "title_en": "Detention without charge",
            "violation": "arbitrary_detention",
            "occurred": "2020",
            "latitude": "95",
            "longitude": "10",
            "confidence": "low",
            "owner": organisation.pk,
            "confidentiality": Confidentiality.RESTRICTED,
        },
    )
    assert response.status_code == 200
    assert "The latitude must be between -90 and 90 degrees." in response.content.decode()
    assert not Incident.objects.exists()
    response = client.post(
        "/incidents/new/CF/",
        {
            "title_en": "Detention without charge",
            "violation": "arbitrary_detention",
            "occurred": "2020",
            "confidence": "low",
            "owner": organisation.pk,
            "confidentiality": Confidentiality.ORGANISATION,
        },
    )
    incident = Incident.objects.get()
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert (incident.occurred, incident.confidentiality) == ("2020", "organisation")


def test_an_outsider_may_not_open_the_form_of_a_country_it_cannot_edit_for(
    organisation: Organisation, viewer: User
) -> None:
    assert client_of(viewer).get("/incidents/new/CF/").status_code == 403
    assert client_of(viewer).get("/incidents/new/ZZ/").status_code == 404


def test_an_edit_from_an_older_version_is_refused_and_keeps_what_was_typed(scene: Scene, member: User) -> None:
    client = client_of(member)
    fields = {
        "title_en": "Renamed raid",
        "violation": "attack_on_civilians",
        "occurred": "2021-03",
        "confidence": "medium",
        "owner": scene.incident.owner_id,
        "confidentiality": "restricted",
        "version": "1",
    }
    assert client.post(f"/incidents/{scene.incident.pk}/edit/", fields).status_code == 302
    stale = client.post(f"/incidents/{scene.incident.pk}/edit/", fields | {"title_en": "Second rename"})
    assert stale.status_code == 200
    assert "Someone saved this incident since you opened it" in stale.content.decode()
    assert 'value="Second rename"' in stale.content.decode()
    assert Incident.objects.get().title_en == "Renamed raid"


def test_responsibilities_and_evidence_through_the_forms(scene: Scene, member: User, make_actor: object) -> None:
    client = client_of(member)
    incident = scene.incident.pk
    second = make_actor(kind="police", name="Second battalion")  # type: ignore[operator]
    response = client.post(
        f"/incidents/{incident}/responsibilities/new/",
        {"actor": second.pk, "status": "prosecuted", "status_since": "2020", "confidence": "low"},
    )
    assert "The status date (2020) is before the incident (2021-03)." in response.content.decode()
    response = client.post(
        f"/incidents/{incident}/responsibilities/new/",
        {"actor": second.pk, "status": "prosecuted", "status_since": "2022", "confidence": "low"},
    )
    assert response.status_code == 302
    link = Responsibility.objects.get(actor=second)
    response = client.post(
        f"/incidents/responsibilities/{link.pk}/edit/",
        {"actor": second.pk, "status": "convicted", "status_since": "2023", "confidence": "high"},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "convicted"
    response = client.post(
        f"/incidents/responsibilities/{link.pk}/evidence/new/",
        {"source_title": "Court judgment 44/2023", "locator": "p. 9", "confidence": "high"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(responsibility=link)
    assert evidence.source.title == "Court judgment 44/2023"
    response = client.post(f"/incidents/{incident}/evidence/new/", {"confidence": "high"})
    assert "Choose a recorded source or describe a new one." in response.content.decode()
    assert client.post(f"/incidents/evidence/{evidence.pk}/delete/").status_code == 302
    assert client.post(f"/incidents/responsibilities/{link.pk}/delete/").status_code == 302
    assert not Responsibility.objects.filter(pk=link.pk).exists()


def test_the_owner_shares_and_stops_sharing(scene: Scene, member: User, other_organisation: Organisation) -> None:
    client = client_of(member)
    response = client.post(f"/incidents/{scene.incident.pk}/share/", {"organisation": "agency"})
    assert response.status_code == 302
    share = Share.objects.get(organisation=other_organisation)
    assert client.post(f"/incidents/{scene.incident.pk}/share/", {"organisation": "NOPE"}).status_code == 302
    response = client.post(f"/shares/{share.pk}/remove/", {"next": f"/incidents/{scene.incident.pk}/"})
    assert response["Location"] == f"/incidents/{scene.incident.pk}/"
    assert not Share.objects.filter(organisation=other_organisation).exists()
    assert AuditEvent.objects.filter(action=Action.SHARE, object_id=scene.incident.pk).count() == 1


def test_the_member_deletes_an_incident(scene: Scene, member: User) -> None:
    response = client_of(member).post(f"/incidents/{scene.incident.pk}/delete/", {"version": "1"})
    assert response["Location"] == "/incidents/?country=CF"
    assert not Incident.objects.exists()


def test_a_person_of_another_organisation_is_not_offered(
    scene: Scene, member: User, other_organisation: Organisation
) -> None:
    make_person(other_organisation, "Major Hidden Example")
    form = page(client_of(member), f"/incidents/{scene.incident.pk}/responsibilities/new/")
    assert "Colonel Exemplar Testperson" in form
    assert "Major Hidden Example" not in form


def test_a_delete_asked_by_the_page_script_leaves_for_the_list(scene: Scene, member: User) -> None:
    response = client_of(member).post(
        f"/incidents/{scene.incident.pk}/delete/", {"version": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/incidents/?country=CF"
    assert not Incident.objects.exists()


def test_the_owner_administrator_sees_who_consulted_and_changed_an_incident(
    scene: Scene, owner: User, member: User, partner_user: User
) -> None:
    page(client_of(partner_user), f"/incidents/{scene.incident.pk}/")
    client_of(member).post(f"/incidents/responsibilities/{scene.person_link.pk}/delete/")
    log = page(client_of(owner), f"/organisations/{scene.incident.owner_id}/audit/")
    assert "Consulted" in log
    assert "partner" in log
    assert "Night raid on the market" in log


def test_a_partner_that_may_edit_changes_the_content_but_is_not_offered_who_owns_or_reads(
    scene: Scene, partner_user: User
) -> None:
    Share.objects.filter(organisation=scene.partner).update(can_edit=True)
    client = client_of(partner_user)
    form = page(client, f"/incidents/{scene.incident.pk}/edit/")
    assert "SHARED" not in form
    assert 'value="partners"' not in form
    fields = {
        "title_en": "Night raid, corrected",
        "violation": "attack_on_civilians",
        "confidence": "medium",
        "owner": scene.incident.owner_id,
        "confidentiality": "restricted",
    }
    assert client.post(f"/incidents/{scene.incident.pk}/edit/", fields).status_code == 302
    taken = client.post(f"/incidents/{scene.incident.pk}/edit/", fields | {"confidentiality": "partners"})
    assert "Select a valid choice." in taken.content.decode()
    incident = Incident.objects.get()
    assert (incident.title_en, incident.confidentiality) == ("Night raid, corrected", "restricted")
