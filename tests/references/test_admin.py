"""The admin pages of the references: listed, changed with an audit entry, and a document changed there is
searched by its new words."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.audit.models import Action, AuditEvent
from egide.references.models import Framework, Mission, ReferenceDocument
from egide.references.selectors import reference_documents_search
from tests.security.helpers import verified_client

pytestmark = pytest.mark.django_db


def test_the_admin_lists_each_kind(
    staff: User,
    make_document: Callable[..., ReferenceDocument],
    make_mission: Callable[..., Mission],
    make_framework: Callable[..., Framework],
) -> None:
    document, mission, framework = make_document(), make_mission(), make_framework()
    client = verified_client(staff)
    for model, record in (("referencedocument", document), ("mission", mission), ("framework", framework)):
        assert client.get(reverse(f"admin:references_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:references_{model}_change", args=[record.pk])).status_code == 200


def test_a_document_changed_in_the_admin_is_audited_and_reindexed(
    staff: User, make_document: Callable[..., ReferenceDocument]
) -> None:
    document = make_document()
    client = verified_client(staff)
    page = reverse("admin:references_referencedocument_change", args=[document.pk])
    response = client.post(
        page,
        {
            "owner": document.owner_id,
            "confidentiality": "public",
            "country": "",
            "type": "resolution",
            "title_en": "Quokka resolution",
            "title_fr": "Résolution quokka",
            "symbol": document.symbol,
            "issued_date": "2014-04-28",
            "issued_precision": "day",
            "issuing_body": "Security Council",
            "languages": '["en"]',
            "summary_en": "",
            "summary_fr": "",
            "url": "",
            "country_links-TOTAL_FORMS": "0",
            "country_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(reference_documents_search(staff, "quokka")) == [document]
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=document.pk).exists()


def test_a_mission_changed_in_the_admin_keeps_a_readable_history(
    staff: User, outsider: User, make_mission: Callable[..., Mission], make_document: Callable[..., ReferenceDocument]
) -> None:
    # The admin logs a many-to-many field as the linked records' names, not their ids: the page still shows its
    # history, and a reader who does not read it in full does not see those names.
    document = make_document()
    mission = make_mission(document_ids=[document.pk])
    client = verified_client(staff)
    page = reverse("admin:references_mission_change", args=[mission.pk])
    form = {
        "owner": mission.owner_id,
        "confidentiality": "public",
        "country": "XK",
        "kind": "eu_csdp_civilian",
        "name_en": "Renamed mission",
        "name_fr": mission.name_fr,
        "acronym_en": "EULEX Kosovo",
        "start_date": "2008-04-01",
        "start_precision": "month",
        "end_precision": "day",
        "areas": '["justice"]',
        "documents": [],
    }
    assert client.post(page, form).status_code == 302
    assert client.get(reverse("mission-detail", kwargs={"pk": mission.pk})).status_code == 200
    reader = Client()
    reader.force_login(outsider)
    assert "Renamed mission" in reader.get(reverse("mission-detail", kwargs={"pk": mission.pk})).content.decode()
