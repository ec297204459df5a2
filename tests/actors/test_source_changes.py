"""Only a source's organisation changes its document, whatever the path; every source change is in the audit log.

The attack of issue 7: a document could be attached to (or swapped behind) another organisation's source through
the citation form of a record, and sources had no audit entries.
"""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egide.accounts.models import Organisation, Share
from egide.actors import services
from egide.actors.data import CitationData
from egide.actors.importer import country_map_import
from egide.actors.models import Actor, Source
from egide.actors.tabular import ACTOR_COLUMNS, INLINE_CITATION_COLUMNS, Row, Tables
from egide.audit.models import AuditEvent
from tests.conftest import ActorFactory

TITLE = "Law on the police"


def _pdf(content: bytes, name: str = "law.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + content)


def _document(source: Source) -> bytes:
    source.refresh_from_db()
    with source.document.open("rb") as handle:
        return handle.read()


@pytest.fixture
def law(make_actor: ActorFactory, organisation: Organisation) -> Source:
    """A source the owner organisation recorded, with its document, cited for a public actor of its own."""
    police = make_actor(kind="police", name="National Police", reference="POL", confidentiality="public")
    source = services.source_get_or_create(
        user=None, country="CF", citation=CitationData(title=TITLE), document=_pdf(b"original"), owner=organisation
    )
    services.citation_add(user=None, source=source, actor=police)
    return source


def _form(actor: Actor, **fields: object) -> dict[str, object]:
    return {
        "name_en": actor.name_en,
        "name_fr": actor.name_fr,
        "kind": actor.kind,
        "reference": actor.reference,
        "confidence": "medium",
        "owner": actor.owner_id,
        "confidentiality": actor.confidentiality,
    } | fields


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_outsider_cannot_swap_the_document_through_its_own_records_citation_form(
    law: Source, make_actor: ActorFactory, outsider: User, other_organisation: Organisation
) -> None:
    own = make_actor(kind="gendarmerie", name="Gendarmerie", reference="GEND", owner=other_organisation)
    response = _client(outsider).post(
        f"/actors/{own.pk}/edit/", _form(own, source_title=TITLE, source_document=_pdf(b"forged"))
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "Only the organisation that recorded this source may change its document." in response.content.decode()
    assert _document(law) == b"%PDF-1.4 original"
    assert not own.citations.exists()  # nothing half-written


def test_a_shared_editor_cannot_swap_the_document_through_the_owners_record(
    law: Source, make_actor: ActorFactory, outsider: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    lent = make_actor(kind="gendarmerie", name="Gendarmerie", reference="GEND", confidentiality="restricted")
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Actor),
        object_id=lent.pk,
        organisation=other_organisation,
        can_edit=True,
        country="CF",
    )
    response = _client(outsider).post(
        f"/actors/{lent.pk}/edit/", _form(lent, source_title=TITLE, source_document=_pdf(b"forged"))
    )
    assert response.status_code == 200
    assert _document(law) == b"%PDF-1.4 original"


def test_nobody_but_the_owner_attaches_a_document_to_a_source_without_one(
    make_actor: ActorFactory, outsider: User, member: User, organisation: Organisation
) -> None:
    bare = services.source_get_or_create(
        user=None, country="CF", citation=CitationData(title="Decree 2019-01"), owner=organisation
    )
    services.citation_add(user=None, source=bare, actor=make_actor(kind="police", confidentiality="public"))
    with pytest.raises(ValidationError) as refused:
        services.source_get_or_create(
            user=outsider, country="CF", citation=CitationData(title="Decree 2019-01"), document=_pdf(b"x")
        )
    assert "source_document" in refused.value.message_dict
    bare.refresh_from_db()
    assert not bare.document
    services.source_get_or_create(
        user=member, country="CF", citation=CitationData(title="Decree 2019-01"), document=_pdf(b"the decree")
    )
    assert _document(bare) == b"%PDF-1.4 the decree"


def test_a_source_nobody_recorded_is_changed_by_platform_staff_only(
    make_actor: ActorFactory, outsider: User, staff: User
) -> None:
    orphan = services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Old report"))
    services.citation_add(user=None, source=orphan, actor=make_actor(kind="police", confidentiality="public"))
    with pytest.raises(ValidationError):
        services.source_get_or_create(
            user=outsider, country="CF", citation=CitationData(title="Old report"), document=_pdf(b"x")
        )
    services.source_get_or_create(
        user=staff, country="CF", citation=CitationData(title="Old report"), document=_pdf(b"scan")
    )
    assert _document(orphan) == b"%PDF-1.4 scan"


def test_the_owners_editor_replaces_the_document_and_it_is_audited(
    law: Source, make_actor: ActorFactory, member: User, organisation: Organisation
) -> None:
    police = Actor.objects.get(reference="POL")
    response = _client(member).post(
        f"/actors/{police.pk}/edit/", _form(police, source_title=TITLE, source_document=_pdf(b"amended", "v2.pdf"))
    )
    assert response.status_code == 302
    assert _document(law) == b"%PDF-1.4 amended"
    event = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Source), object_id=law.pk, action="update"
    ).get()
    assert event.username == "member"
    assert event.organisation_id == organisation.pk
    assert event.before["document"].endswith("law.pdf")
    assert event.after["document"].endswith("v2.pdf")
    assert event.before["title"] == event.after["title"] == TITLE


def test_creating_a_source_and_completing_it_are_audited(member: User, organisation: Organisation) -> None:
    source = services.source_get_or_create(
        user=member, country="CF", citation=CitationData(title="White paper"), owner=organisation
    )
    services.source_get_or_create(
        user=member, country="CF", citation=CitationData(title="White paper", author="Ministry of Defence")
    )
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Source), object_id=source.pk
    ).order_by("id")
    assert [event.action for event in events] == ["create", "update"]
    assert events[0].after["title"] == "White paper"
    assert events[1].before["author"] == ""
    assert events[1].after["author"] == "Ministry of Defence"


def test_an_outsider_cannot_complete_another_organisations_source(law: Source, outsider: User) -> None:
    services.source_get_or_create(user=outsider, country="CF", citation=CitationData(title=TITLE, author="Forged"))
    law.refresh_from_db()
    assert law.author == ""


def test_sources_created_by_an_import_are_audited(member: User, organisation: Organisation) -> None:
    row = dict.fromkeys((*ACTOR_COLUMNS, *INLINE_CITATION_COLUMNS), "")
    row |= {"reference": "POL", "kind": "police", "name_en": "Police", "name_fr": "Police", "source_title": "Decree 7"}
    country_map_import(user=member, country="CF", tables=Tables(actors=[Row(number=2, values=row)]), owner=organisation)
    source = Source.objects.get(title="Decree 7")
    event = AuditEvent.objects.get(content_type=ContentType.objects.get_for_model(Source), object_id=source.pk)
    assert event.action == "create"
    assert event.after["title"] == "Decree 7"
    assert event.organisation_id == organisation.pk
