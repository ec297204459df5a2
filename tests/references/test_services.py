"""The services: what they write, what they refuse, and what the audit log keeps."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from egide.accounts.models import Confidentiality, Organisation
from egide.audit.models import Action, AuditEvent
from egide.references import search, services
from egide.references.models import Framework, Mission, ReferenceDocument
from egide.references.selectors import reference_documents_search
from tests.references.conftest import document_data, framework_data, mission_data
from tests.references.pdfs import BROKEN_PDF, NOT_A_PDF, decompression_bomb, pdf_with_text

pytestmark = pytest.mark.django_db


def _events(record: object) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=record.pk, content_type__model=type(record).__name__.lower())  # type: ignore[attr-defined]
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_a_framework_is_created_changed_and_deleted_with_an_audit_entry_each(
    member: User, organisation: Organisation
) -> None:
    framework = services.framework_create(user=member, data=framework_data(organisation))
    assert framework.adopted == "2006-05"
    assert framework.created_by == member
    changed = services.framework_update(
        user=member, framework=framework, data=framework_data(organisation, title_fr="", issuing_body="EU")
    )
    assert changed.issuing_body == "EU"
    assert changed.title_fr == changed.title_en  # one language stands for both
    services.framework_delete(user=member, framework=changed)
    assert not Framework.objects.exists()
    assert _events(framework) == [Action.CREATE, Action.UPDATE, Action.DELETE]
    update = AuditEvent.objects.get(action=Action.UPDATE)
    assert update.before["issuing_body"] == "European Commission"
    assert update.after["issuing_body"] == "EU"


def test_a_framework_code_is_unique_and_its_dates_in_order(member: User, organisation: Organisation) -> None:
    services.framework_create(user=member, data=framework_data(organisation))
    with pytest.raises(ValidationError) as refused:
        services.framework_create(user=member, data=framework_data(organisation))
    assert "code" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.framework_create(
            user=member,
            data=framework_data(
                organisation, code="X", ended=services.fuzzy_or_none("2001", field="ended"), links=["javascript:x"]
            ),
        )
    assert set(refused.value.message_dict) == {"ended", "links"}


def test_a_limited_editor_may_not_create_a_global_record_but_may_create_in_its_country(
    limited_member: User, organisation: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        services.framework_create(user=limited_member, data=framework_data(organisation))
    mission = services.mission_create(user=limited_member, data=mission_data(organisation, country="CF"))
    assert mission.country == "CF"
    with pytest.raises(PermissionDenied):
        services.mission_create(user=limited_member, data=mission_data(organisation, country="CD"))


def test_an_outsider_may_neither_change_nor_delete(
    outsider: User, make_mission: Callable[..., Mission], organisation: Organisation
) -> None:
    mission = make_mission()
    with pytest.raises(PermissionDenied):
        services.mission_update(user=outsider, mission=mission, data=mission_data(organisation, name_en="Taken"))
    with pytest.raises(PermissionDenied):
        services.mission_delete(user=outsider, mission=mission)
    with pytest.raises(PermissionDenied):
        services.mission_create(user=outsider, data=mission_data(organisation))
    assert Mission.objects.get().name_en.startswith("European Union")


def test_a_mission_links_the_documents_that_set_it_and_refuses_unknown_ones(
    member: User, organisation: Organisation, make_document: Callable[..., ReferenceDocument]
) -> None:
    document = make_document()
    mission = services.mission_create(user=member, data=mission_data(organisation, document_ids=[document.pk]))
    assert list(mission.documents.all()) == [document]
    assert AuditEvent.objects.get(action=Action.CREATE, object_id=mission.pk, content_type__model="mission").after[
        "documents"
    ] == [document.pk]
    with pytest.raises(ValidationError) as refused:
        services.mission_update(
            user=member, mission=mission, data=mission_data(organisation, document_ids=[document.pk + 100])
        )
    assert refused.value.message_dict["documents"] == [f"No document has the id {document.pk + 100}."]
    with pytest.raises(ValidationError) as refused:
        services.mission_create(
            user=member, data=mission_data(organisation, areas=["nowhere"], kind="army", country="ZZ")
        )
    assert set(refused.value.message_dict) == {"areas", "kind", "country"}


def test_a_document_of_one_country_is_ruled_by_that_country_and_of_several_is_global(
    member: User, organisation: Organisation
) -> None:
    one = services.reference_document_create(user=member, data=document_data(organisation, countries=["cf"]))
    several = services.reference_document_create(user=member, data=document_data(organisation, countries=["CF", "CD"]))
    assert (one.country, one.country_codes) == ("CF", ["CF"])
    assert (several.country, several.country_codes) == ("", ["CD", "CF"])
    services.reference_document_update(
        user=member, document=several, data=document_data(organisation, countries=["CD"])
    )
    several.refresh_from_db()
    assert (several.country, several.country_codes) == ("CD", ["CD"])
    services.reference_document_delete(user=member, document=several)
    assert _events(several) == [Action.CREATE, Action.UPDATE, Action.DELETE]


def test_an_uploaded_pdf_is_kept_and_its_text_searched(member: User, organisation: Organisation) -> None:
    upload = SimpleUploadedFile("guidance.pdf", pdf_with_text("Zebrafinch oversight handbook"))
    document = services.reference_document_create(user=member, data=document_data(organisation), upload=upload)
    assert document.file.name.endswith(".pdf")
    assert "Zebrafinch oversight handbook" in ReferenceDocument.objects.get().file_text
    assert list(reference_documents_search(member, "zebrafinch")) == [document]
    event = AuditEvent.objects.get(action=Action.CREATE)
    assert "file_text" not in event.after
    assert "search_vector" not in event.after
    services.reference_document_update(
        user=member, document=document, data=document_data(organisation), remove_file=True
    )
    assert list(reference_documents_search(member, "zebrafinch")) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (NOT_A_PDF, "fake.pdf: The file is not a PDF: its content does not start with the PDF signature."),
        (BROKEN_PDF, "fake.pdf: The file could not be read as a PDF: it is damaged or not a PDF."),
    ],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused_and_nothing_is_written(
    member: User, organisation: Organisation, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.reference_document_create(
            user=member, data=document_data(organisation), upload=SimpleUploadedFile("fake.pdf", content)
        )
    assert refused.value.message_dict == {"file": [message]}
    assert not ReferenceDocument.objects.exists()
    assert not AuditEvent.objects.exists()


@override_settings(EGIDE_REFERENCE_MAX_BYTES=2**20)
def test_an_oversized_file_is_refused_before_it_is_read(member: User, organisation: Organisation) -> None:
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2**20)
    with pytest.raises(ValidationError) as refused:
        services.reference_document_create(user=member, data=document_data(organisation), upload=big)
    assert refused.value.message_dict == {"file": ["big.pdf: The file is larger than 1 MB, the largest accepted."]}


@override_settings(EGIDE_REFERENCE_TEXT_MAX_PAGES=2)
def test_only_the_first_pages_are_read(member: User, organisation: Organisation) -> None:
    upload = SimpleUploadedFile("long.pdf", pdf_with_text("alphaword", "betaword", "gammaword"))
    document = services.reference_document_create(user=member, data=document_data(organisation), upload=upload)
    assert list(reference_documents_search(member, "betaword")) == [document]
    assert list(reference_documents_search(member, "gammaword")) == []


def test_changing_the_owner_or_level_takes_the_owners_editors(
    make_document: Callable[..., ReferenceDocument], organisation: Organisation, outsider: User, staff: User
) -> None:
    document = make_document(confidentiality=Confidentiality.PARTNERS)
    with pytest.raises(PermissionDenied):
        services.reference_document_update(
            user=outsider, document=document, data=document_data(organisation, confidentiality=Confidentiality.PUBLIC)
        )
    services.reference_document_update(
        user=staff, document=document, data=document_data(organisation, confidentiality=Confidentiality.PUBLIC)
    )
    document.refresh_from_db()
    assert document.confidentiality == Confidentiality.PUBLIC


def test_a_decompression_bomb_is_read_within_the_librarys_limits(member: User, organisation: Organisation) -> None:
    # A small file whose page inflates to 128 MB: the PDF library stops inflating at its own cap, so the file is kept
    # with no searchable text rather than filling the memory.
    bomb = decompression_bomb(2**27)
    assert len(bomb) < 2 * 2**20
    upload = SimpleUploadedFile("bomb.pdf", bomb)
    document = services.reference_document_create(user=member, data=document_data(organisation), upload=upload)
    assert ReferenceDocument.objects.get(pk=document.pk).file_text == ""


def test_the_whole_index_is_rebuilt_from_the_documents(
    make_document: Callable[..., ReferenceDocument], member: User
) -> None:
    document = make_document()
    ReferenceDocument.objects.filter(pk=document.pk).update(title_en="Wombat charter")  # written around the service
    assert list(reference_documents_search(member, "wombat")) == []
    assert search.index_all() == 1
    assert list(reference_documents_search(member, "wombat")) == [document]
