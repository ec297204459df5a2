"""An organisation's open-data licence: chosen by its administrators (and platform staff) only, checked, audited,
and its page."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from egide.accounts.models import Organisation
from egide.audit.models import Action, AuditEvent
from egide.portal import selectors, services
from egide.portal.licences import Licence
from egide.portal.models import OpenDataLicence

pytestmark = pytest.mark.django_db


def test_an_administrator_of_the_organisation_chooses_it(owner: User, organisation: Organisation) -> None:
    assert selectors.organisation_licence(organisation=organisation) == Licence.ALL_RIGHTS_RESERVED
    services.licence_set(user=owner, organisation=organisation, licence=Licence.CC0)
    assert selectors.organisation_licence(organisation=organisation) == Licence.CC0
    event = AuditEvent.objects.get(action=Action.CREATE, object_id=OpenDataLicence.objects.get().pk)
    assert event.organisation_id == organisation.pk
    assert event.after["licence"] == "CC0-1.0"
    services.licence_set(user=owner, organisation=organisation, licence=Licence.ODBL)
    assert AuditEvent.objects.filter(action=Action.UPDATE, before__licence="CC0-1.0").count() == 1
    # The same choice again changes nothing and records nothing.
    services.licence_set(user=owner, organisation=organisation, licence=Licence.ODBL)
    assert AuditEvent.objects.filter(content_type__model="opendatalicence").count() == 2


@pytest.mark.parametrize("who", ["member", "viewer", "outsider", "nobody"])
def test_others_may_not(request: pytest.FixtureRequest, organisation: Organisation, who: str) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.licence_set(user=user, organisation=organisation, licence=Licence.CC_BY)
    with pytest.raises(PermissionDenied):
        services.licence_set(user=AnonymousUser(), organisation=organisation, licence=Licence.CC_BY)
    assert not OpenDataLicence.objects.exists()


def test_platform_staff_may(staff: User, organisation: Organisation) -> None:
    services.licence_set(user=staff, organisation=organisation, licence=Licence.CC_BY)
    assert selectors.organisation_licence(organisation=organisation) == Licence.CC_BY


def test_an_unknown_licence_is_refused_by_name(owner: User, organisation: Organisation) -> None:
    with pytest.raises(ValidationError) as refused:
        services.licence_set(user=owner, organisation=organisation, licence="WTFPL")
    assert "Unknown licence “WTFPL”" in refused.value.message_dict["licence"][0]
    assert not OpenDataLicence.objects.exists()


def address(organisation: Organisation) -> str:
    return f"/organisations/{organisation.pk}/licence/"


def test_the_licence_page(owner: User, organisation: Organisation) -> None:
    client = Client()
    client.force_login(owner)
    page = client.get(address(organisation))
    assert page.status_code == 200
    assert b"Creative Commons Attribution 4.0" in page.content
    saved = client.post(address(organisation), {"licence": "CC-BY-4.0"})
    assert saved.status_code == 302
    assert selectors.organisation_licence(organisation=organisation) == Licence.CC_BY
    refused = client.post(address(organisation), {"licence": "nonsense"})
    assert refused.status_code == 200
    assert "nonsense" in refused.content.decode()  # Django's "Select a valid choice. nonsense is not one of …"
    french = client.get(address(organisation), headers={"accept-language": "fr"})
    assert "Licence des données ouvertes" in french.content.decode()


def test_the_licence_page_for_others(member: User, outsider: User, organisation: Organisation) -> None:
    for user in (member, outsider):
        client = Client()
        client.force_login(user)
        assert client.get(address(organisation)).status_code == 403
        assert client.post(address(organisation), {"licence": "CC-BY-4.0"}).status_code == 403
    anonymous = Client().get(address(organisation))
    assert anonymous.status_code == 302
    assert "/login" in anonymous.url
    assert Client().get("/organisations/999999/licence/").status_code == 302
    assert not OpenDataLicence.objects.exists()


def test_the_organisation_page_links_to_it_for_administrators(
    owner: User, member: User, organisation: Organisation
) -> None:
    link = f'href="/organisations/{organisation.pk}/licence/"'
    for user, shown in ((owner, True), (member, False)):
        client = Client()
        client.force_login(user)
        page = client.get(f"/organisations/{organisation.pk}/").content.decode()
        assert (link in page) is shown
