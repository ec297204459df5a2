"""Organisations and their members: administrators manage members; sharing restricted records; all audited."""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from egide.accounts import services
from egide.accounts.models import Membership, Organisation, Role, Share
from egide.accounts.selectors import can_edit, reach_of
from egide.actors.models import Actor
from egide.audit.models import AuditEvent
from tests.conftest import ActorFactory
from tests.security.helpers import verify


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_adds_a_member_with_a_role_limited_to_countries(
    owner: User, nobody: User, organisation: Organisation
) -> None:
    membership = services.membership_set(
        user=owner, organisation=organisation, member=nobody, role=Role.EDITOR, countries=["cf", " CD "]
    )
    assert (membership.role, membership.countries) == ("editor", ["CD", "CF"])
    event = AuditEvent.objects.get(action="create", object_id=membership.pk)
    assert event.organisation == organisation
    assert event.username == "owner"


@pytest.mark.parametrize("who", ["member", "viewer", "outsider"])
def test_only_administrators_manage_members(
    request: pytest.FixtureRequest, who: str, nobody: User, organisation: Organisation
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.membership_set(user=user, organisation=organisation, member=nobody, role=Role.VIEWER, countries=[])
    assert not Membership.objects.filter(user=nobody).exists()


def test_unknown_countries_and_roles_are_refused(owner: User, nobody: User, organisation: Organisation) -> None:
    with pytest.raises(ValidationError, match="ZZ"):
        services.membership_set(
            user=owner, organisation=organisation, member=nobody, role=Role.VIEWER, countries=["ZZ"]
        )
    with pytest.raises(ValidationError):
        services.membership_set(user=owner, organisation=organisation, member=nobody, role="king", countries=[])


def test_the_last_administrator_stays(owner: User, member: User, organisation: Organisation) -> None:
    with pytest.raises(ValidationError):
        services.membership_remove(user=owner, membership=Membership.objects.get(user=owner))
    services.membership_remove(user=owner, membership=Membership.objects.get(user=member))
    assert not Membership.objects.filter(user=member).exists()


def test_a_role_change_takes_effect_at_once(
    owner: User, member: User, organisation: Organisation, make_actor: ActorFactory
) -> None:
    actor = make_actor()
    assert can_edit(user=member, record=actor)
    services.membership_set(user=owner, organisation=organisation, member=member, role=Role.VIEWER, countries=[])
    assert not can_edit(user=member, record=actor)
    assert reach_of(member).grants[0].role == "viewer"


def test_sharing_a_restricted_record_lets_the_other_organisation_read_it(
    member: User, outsider: User, other_organisation: Organisation, make_actor: ActorFactory
) -> None:
    actor = make_actor(confidentiality="restricted")
    assert _client(outsider).get(f"/actors/{actor.pk}/").status_code == 404
    share = services.record_share(user=member, record=actor, organisation=other_organisation, can_edit_too=False)
    assert _client(outsider).get(f"/actors/{actor.pk}/").status_code == 200
    assert not can_edit(user=outsider, record=actor)
    assert AuditEvent.objects.filter(action="share", object_id=actor.pk).exists()
    services.share_remove(user=member, share=share)
    assert _client(outsider).get(f"/actors/{actor.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="unshare", object_id=actor.pk).exists()


def test_only_editors_of_the_record_may_share_it(
    viewer: User, outsider: User, other_organisation: Organisation, make_actor: ActorFactory
) -> None:
    actor = make_actor(confidentiality="restricted")
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            services.record_share(user=user, record=actor, organisation=other_organisation, can_edit_too=True)
    assert not Share.objects.exists()


def test_sharing_through_the_actor_page(
    member: User, other_organisation: Organisation, make_actor: ActorFactory
) -> None:
    actor = make_actor(confidentiality="restricted")
    client = _client(member)
    page = client.get(f"/actors/{actor.pk}/").content.decode()
    assert 'id="sharing"' in page
    response = client.post(
        reverse("actor-share", kwargs={"pk": actor.pk}), {"organisation": "agency", "can_edit": "on"}
    )
    assert response.status_code == 302
    share = Share.objects.get(object_id=actor.pk, content_type=ContentType.objects.get_for_model(Actor))
    assert (share.organisation, share.can_edit) == (other_organisation, True)
    response = client.post(reverse("share-remove", kwargs={"pk": share.pk}), {"next": f"/actors/{actor.pk}/"})
    assert response["Location"] == f"/actors/{actor.pk}/"
    assert not Share.objects.exists()


def test_outsiders_cannot_share_or_unshare_through_the_pages(
    member: User, outsider: User, other_organisation: Organisation, make_actor: ActorFactory
) -> None:
    actor = make_actor(confidentiality="partners")
    client = _client(outsider)
    assert client.post(reverse("actor-share", kwargs={"pk": actor.pk}), {"organisation": "AGENCY"}).status_code == 403
    share = services.record_share(user=member, record=actor, organisation=other_organisation, can_edit_too=False)
    assert client.post(reverse("share-remove", kwargs={"pk": share.pk})).status_code == 404
    assert Share.objects.filter(pk=share.pk).exists()


def test_organisation_pages_for_owner_member_and_outsider(
    owner: User, member: User, outsider: User, nobody: User, organisation: Organisation
) -> None:
    page = _client(owner).get(reverse("organisation-detail", kwargs={"pk": organisation.pk})).content.decode()
    assert "Add a member or change a role" in page
    assert reverse("organisation-audit", kwargs={"pk": organisation.pk}) in page
    page = _client(member).get(reverse("organisation-detail", kwargs={"pk": organisation.pk})).content.decode()
    assert "member" in page
    assert "Add a member or change a role" not in page
    assert _client(outsider).get(reverse("organisation-detail", kwargs={"pk": organisation.pk})).status_code == 404
    assert "MEAE" not in _client(outsider).get(reverse("organisation-list")).content.decode()
    assert "no organisation" in _client(nobody).get(reverse("organisation-list")).content.decode()


def test_an_administrator_adds_and_removes_members_through_the_page(
    owner: User, member: User, nobody: User, organisation: Organisation
) -> None:
    client = _client(owner)
    url = reverse("organisation-detail", kwargs={"pk": organisation.pk})
    response = client.post(url, {"username": "nobody", "role": "reviewer", "countries": "CF"})
    assert response.status_code == 302
    assert Membership.objects.get(user=nobody).countries == ["CF"]
    response = client.post(url, {"username": "ghost", "role": "viewer", "countries": ""})
    assert "No user has this username." in response.content.decode()
    membership = Membership.objects.get(user=nobody)
    client.post(reverse("membership-remove", kwargs={"pk": membership.pk}))
    assert not Membership.objects.filter(user=nobody).exists()
    assert _client(member).post(url, {"username": "nobody", "role": "viewer"}).status_code == 403


def test_staff_manage_organisations_in_the_admin_and_it_is_logged(staff: User) -> None:
    client = _client(staff)
    verify(client, staff)
    response = client.post(
        "/admin/accounts/organisation/add/",
        {"name_en": "Mission", "name_fr": "Mission", "acronym": "MINUSCA", "type": "mission", "home_country": "CF"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(acronym="MINUSCA")
    event = AuditEvent.objects.get(action="create", object_id=organisation.pk)
    assert event.username == "staff"
