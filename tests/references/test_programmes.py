"""Missions and reference documents linked to programmes: only programmes the user may see are offered, named or
shown, and links to hidden ones are kept when someone who cannot see them saves the record."""

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import PLATFORM
from egide.programmes.models import Programme
from egide.references import services
from egide.references.models import Mission, ReferenceDocument
from tests.references.conftest import document_data, mission_data

pytestmark = pytest.mark.django_db


def _programme(title: str, owner: Organisation, level: str = Confidentiality.PUBLIC) -> Programme:
    return Programme.objects.create(country="XK", title_en=title, owner=owner, confidentiality=level)


def test_a_mission_and_a_document_are_linked_to_programmes_and_show_them(
    member: User, organisation: Organisation
) -> None:
    programme = _programme("Rule of law in Kosovo", organisation)
    document = services.reference_document_create(
        user=member, data=document_data(organisation, programme_ids=[programme.pk])
    )
    mission = services.mission_create(user=member, data=mission_data(organisation, programme_ids=[programme.pk]))
    assert list(programme.reference_documents.all()) == [document]
    assert list(programme.missions.all()) == [mission]
    client = Client()
    for page in (
        reverse("mission-detail", kwargs={"pk": mission.pk}),
        reverse("document-detail", kwargs={"pk": document.pk}),
    ):
        soup = BeautifulSoup(client.get(page).content, "html.parser")
        assert [item.get_text(" ", strip=True) for item in soup.select("ul.programmes li")] == ["Rule of law in Kosovo"]


def test_a_hidden_programme_is_neither_shown_nor_named_and_its_link_is_kept(
    member: User, outsider: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    hidden = _programme("Confidential programme", organisation, Confidentiality.ORGANISATION)
    mission = services.mission_create(user=PLATFORM, data=mission_data(other_organisation, programme_ids=[hidden.pk]))
    page = Client().get(reverse("mission-detail", kwargs={"pk": mission.pk})).content.decode()
    assert "Confidential programme" not in page
    with pytest.raises(ValidationError) as refused:
        services.mission_create(user=outsider, data=mission_data(other_organisation, programme_ids=[hidden.pk]))
    assert refused.value.message_dict == {"programmes": [f"No programme has the id {hidden.pk}."]}
    services.mission_update(user=outsider, mission=mission, data=mission_data(other_organisation, name_en="Renamed"))
    assert list(Mission.objects.get().programmes.all()) == [hidden]


def test_the_document_form_offers_visible_programmes_only(
    member: User, outsider: User, organisation: Organisation, make_document: Callable[..., ReferenceDocument]
) -> None:
    _programme("Open programme", organisation)
    _programme("Own programme", organisation, Confidentiality.ORGANISATION)
    client = Client()
    client.force_login(outsider)
    options = BeautifulSoup(client.get(reverse("document-create")).content, "html.parser").select(
        "select[name=programmes] option"
    )
    assert [option.get_text() for option in options] == ["Open programme"]
