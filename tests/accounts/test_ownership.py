"""Editing rights on a shared record cover its content, never who owns it and who may read it.

The attack of issue 7: an organisation a restricted record was shared with "may edit" re-shared it, gave it to
itself and made it public; the real owner then lost its own record, and only the new owner's log said so.
"""

import json

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client

from egide.accounts import services as account_services
from egide.accounts.models import Organisation, OrganisationType, Role, Share
from egide.actors import selectors, services
from egide.actors.data import ActorData, RelationshipData
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Actor, Relationship
from egide.actors.tabular import ACTOR_COLUMNS, Row, Tables
from egide.audit.models import AuditEvent
from egide.audit.selectors import organisation_log
from tests.conftest import ActorFactory, make_user
from tests.security.helpers import verified_client


@pytest.fixture
def third_organisation(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="Third party", name_fr="Tierce partie", acronym="THIRD", type=OrganisationType.OTHER
    )


@pytest.fixture
def secret(make_actor: ActorFactory, other_organisation: Organisation) -> Actor:
    """A restricted actor of the owner organisation, shared with the other organisation for editing."""
    actor = make_actor(
        kind="civilian_intelligence", name="Intelligence agency", reference="ANR", confidentiality="restricted"
    )
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Actor),
        object_id=actor.pk,
        organisation=other_organisation,
        can_edit=True,
        country=actor.country,
    )
    return actor


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _data(actor: Actor, **changes: object) -> ActorData:
    values: dict[str, object] = {
        "kind": actor.kind,
        "name_en": actor.name_en,
        "name_fr": actor.name_fr,
        "reference": actor.reference,
        "parent": actor.parent,
        "owner": actor.owner,
        "confidentiality": actor.confidentiality,
    }
    return ActorData(**(values | changes))  # type: ignore[arg-type]


def test_who_may_manage_a_record(
    secret: Actor, owner: User, member: User, viewer: User, outsider: User, nobody: User, staff: User
) -> None:
    from egide.accounts.selectors import can_manage

    assert can_manage(user=owner, record=secret)
    assert can_manage(user=member, record=secret)
    assert can_manage(user=staff, record=secret)
    assert not can_manage(user=viewer, record=secret)
    assert not can_manage(user=outsider, record=secret)  # may edit the content, through the share
    assert not can_manage(user=nobody, record=secret)


def test_a_shared_editor_cannot_take_the_record_over_through_the_services(
    secret: Actor, member: User, outsider: User, other_organisation: Organisation, third_organisation: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        account_services.record_share(user=outsider, record=secret, organisation=third_organisation, can_edit_too=True)
    with pytest.raises(PermissionDenied):  # nor change its own share
        account_services.record_share(user=outsider, record=secret, organisation=other_organisation, can_edit_too=False)
    with pytest.raises(PermissionDenied):
        services.actor_update(user=outsider, actor=secret, data=_data(secret, owner=other_organisation))
    secret.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.actor_update(user=outsider, actor=secret, data=_data(secret, confidentiality="public"))
    secret.refresh_from_db()
    share = Share.objects.get(object_id=secret.pk, organisation=other_organisation)
    with pytest.raises(PermissionDenied):
        account_services.share_remove(user=outsider, share=share)

    secret.refresh_from_db()
    assert (secret.owner_id, secret.confidentiality) == (member.memberships.get().organisation_id, "restricted")
    assert list(Share.objects.filter(object_id=secret.pk).values_list("organisation__acronym", "can_edit")) == [
        ("AGENCY", True)
    ]
    # The share still covers the content.
    services.actor_update(user=outsider, actor=secret, data=_data(secret, notes="Reorganised in 2024."))
    secret.refresh_from_db()
    assert secret.notes == "Reorganised in 2024."


def test_a_shared_editor_cannot_take_the_record_over_on_the_pages(
    secret: Actor,
    member: User,
    outsider: User,
    organisation: Organisation,
    other_organisation: Organisation,
    third_organisation: Organisation,
) -> None:
    attacker = _client(outsider)
    # Re-share to a third organisation.
    response = attacker.post(f"/actors/{secret.pk}/share/", {"organisation": "THIRD", "can_edit": "on"})
    assert response.status_code == 403
    # Remove the owner's view of the shares: the share list is not even offered.
    page = attacker.get(f"/actors/{secret.pk}/")
    assert page.status_code == 200
    assert 'id="sharing"' not in page.content.decode()
    share = Share.objects.get(object_id=secret.pk)
    assert attacker.post(f"/shares/{share.pk}/remove/").status_code == 404
    # The edit form offers neither owner nor confidentiality, and a forged post changes neither.
    form = attacker.get(f"/actors/{secret.pk}/edit/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="name_en"' in html
    assert 'name="owner"' not in html or "disabled" in html.split('name="owner"', 1)[1].split(">", 1)[0]
    response = attacker.post(
        f"/actors/{secret.pk}/edit/",
        {
            "name_en": "Intelligence agency",
            "name_fr": "Agence de renseignement",
            "kind": secret.kind,
            "reference": secret.reference,
            "confidence": "medium",
            "owner": other_organisation.pk,
            "confidentiality": "public",
        },
    )
    assert response.status_code == 302
    secret.refresh_from_db()
    assert secret.name_fr == "Agence de renseignement"  # the content changed
    assert (secret.owner_id, secret.confidentiality) == (organisation.pk, "restricted")
    # The real owner still sees its record; a stranger still does not.
    assert _client(member).get(f"/actors/{secret.pk}/").status_code == 200
    assert Client().get(f"/actors/{secret.pk}/").status_code == 404
    assert list(Share.objects.filter(object_id=secret.pk).values_list("organisation__acronym", flat=True)) == ["AGENCY"]


def test_a_shared_editor_cannot_take_the_record_over_through_the_api(
    secret: Actor, member: User, outsider: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    attacker = _client(outsider)
    for change in ({"owner": other_organisation.pk}, {"confidentiality": "public"}):
        response = attacker.patch(f"/api/v1/actors/{secret.pk}", json.dumps(change), content_type="application/json")
        assert response.status_code == 403, change
    response = attacker.patch(
        f"/api/v1/actors/{secret.pk}", json.dumps({"notes": "Seen in the field."}), content_type="application/json"
    )
    assert response.status_code == 200
    secret.refresh_from_db()
    assert (secret.owner_id, secret.confidentiality, secret.notes) == (
        organisation.pk,
        "restricted",
        "Seen in the field.",
    )
    assert _client(member).get(f"/api/v1/actors/{secret.pk}").status_code == 200


def test_a_shared_editor_cannot_make_the_record_public_by_importing(secret: Actor, outsider: User) -> None:
    row = dict.fromkeys(ACTOR_COLUMNS, "")
    row |= {
        "reference": secret.reference,
        "kind": secret.kind,
        "name_en": secret.name_en,
        "name_fr": secret.name_fr,
        "confidence": secret.confidence,
        "confidentiality": "public",
    }
    tables = Tables(actors=[Row(number=2, values=row)])
    other = Organisation.objects.get(acronym="AGENCY")
    with pytest.raises(ImportRejected):
        country_map_import(user=outsider, country="CF", tables=tables, owner=other)
    secret.refresh_from_db()
    assert secret.confidentiality == "restricted"


def test_relationships_obey_the_same_rule(
    make_actor: ActorFactory, outsider: User, other_organisation: Organisation
) -> None:
    army, police = make_actor(kind="armed_forces"), make_actor(kind="police")
    relationship = services.relationship_create(
        user=None,
        data=RelationshipData(source=army, target=police, type="commands", owner=army.owner, confidentiality="public"),
    )
    relationship.confidentiality = "restricted"
    relationship.save()
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Relationship),
        object_id=relationship.pk,
        organisation=other_organisation,
        can_edit=True,
        country="CF",
    )
    data = RelationshipData(
        source=army, target=police, type="commands", owner=army.owner, confidentiality="public", notes="x"
    )
    with pytest.raises(PermissionDenied):
        services.relationship_update(user=outsider, relationship=relationship, data=data)
    data.confidentiality = "restricted"
    services.relationship_update(user=outsider, relationship=relationship, data=data)
    relationship.refresh_from_db()
    assert (relationship.notes, relationship.confidentiality) == ("x", "restricted")


def test_an_ownership_change_is_in_both_organisations_logs(
    secret: Actor, organisation: Organisation, other_organisation: Organisation
) -> None:
    both = make_user("both", organisation, Role.ADMINISTRATOR)
    from egide.accounts.models import Membership

    Membership.objects.create(user=both, organisation=other_organisation, role=Role.ADMINISTRATOR)
    services.actor_update(user=both, actor=secret, data=_data(secret, owner=other_organisation))
    secret.refresh_from_db()
    assert secret.owner_id == other_organisation.pk
    event = AuditEvent.objects.filter(object_id=secret.pk, action="update").latest("id")
    assert event.before["owner"] == organisation.pk
    assert event.after["owner"] == other_organisation.pk
    assert event in organisation_log(user=both, organisation=organisation)
    assert event in organisation_log(user=both, organisation=other_organisation)
    # Each organisation's log page lists it.
    client = _client(both)
    for owner in (organisation, other_organisation):
        response = client.get(f"/organisations/{owner.pk}/audit/")
        assert response.status_code == 200
        assert "Intelligence agency" in response.content.decode()
    # An unrelated organisation's log does not.
    third = Organisation.objects.create(name_en="T", name_fr="T", acronym="T", type=OrganisationType.OTHER)
    staff = User.objects.create_superuser(username="root", password="a-long-test-password")
    assert event not in organisation_log(user=staff, organisation=third)
    assert verified_client(staff).get(f"/organisations/{third.pk}/audit/").status_code == 200
    # The record's page shows the change once.
    assert selectors.actor_get(user=both, pk=secret.pk).owner_id == other_organisation.pk
