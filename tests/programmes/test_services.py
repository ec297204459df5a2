"""The programme services: one call writes a programme and its parts, checked, versioned, audited, permitted."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet

from egide.accounts.models import Organisation
from egide.audit.models import AuditEvent
from egide.programmes import services
from egide.programmes.data import (
    CountryShare,
    DocumentData,
    LocationData,
    ParticipationData,
    SectorShare,
    SupportData,
)
from egide.programmes.models import Programme, ProgrammeDocument, SupportedActor
from tests.conftest import ActorFactory, SmallMap
from tests.programmes.conftest import ProgrammeFactory, programme_data


def events(pk: int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Programme), object_id=pk)


def test_create_writes_the_programme_and_its_parts(programme: Programme, small_map: SmallMap) -> None:
    assert programme.version == 1
    assert [(row.country, row.percentage) for row in programme.countries.all()] == [("CF", Decimal("100.00"))]
    assert sorted(programme.sectors.values_list("code", flat=True)) == ["15130", "15210"]
    assert list(programme.areas.values_list("area", flat=True)) == ["justice"]
    assert list(programme.supported_actors.all()) == [small_map.police]
    assert programme.participations.get().organisation_type == ""
    event = events(programme.pk).get(action="create")
    assert event.after["recipient_countries"] == ["CF (100 %)"]
    assert event.after["funding_partners"] == ["MEAE"]
    assert event.after["supported_actor_count"] == 1


def test_update_replaces_the_parts_and_counts_a_version(
    programme: Programme, member: User, organisation: Organisation
) -> None:
    data = programme_data(
        organisation,
        countries=[CountryShare("CF", Decimal(70)), CountryShare("TD", Decimal(30))],
        sectors=[SectorShare("15210")],
        areas=["justice", "prisons"],
        locations=[LocationData("Bangui", "CF", latitude=Decimal("4.36"), longitude=Decimal("18.55"))],
    )
    services.programme_update(user=member, programme=programme, data=data, expected_version=1)
    programme.refresh_from_db()
    assert programme.version == 2
    assert sorted(programme.countries.values_list("country", flat=True)) == ["CF", "TD"]
    assert list(programme.locations.values_list("name", flat=True)) == ["Bangui"]
    # The supported actor was not in the data: it is removed, as the caller could see it.
    assert not programme.supports.exists()
    event = events(programme.pk).filter(action="update").get()
    assert event.before["action_areas"] == ["justice"]
    assert event.after["action_areas"] == ["justice", "prisons"]


def test_saving_the_same_data_changes_nothing(programme: Programme, member: User, organisation: Organisation) -> None:
    data = programme_data(
        organisation, supports=[SupportData(programme.supported_actors.get(), "Training", "Formation")]
    )
    services.programme_update(user=member, programme=programme, data=data)
    programme.refresh_from_db()
    assert programme.version == 1
    assert not events(programme.pk).filter(action="update").exists()


def test_a_stale_version_is_refused(programme: Programme, member: User, organisation: Organisation) -> None:
    services.programme_update(user=member, programme=programme, data=programme_data(organisation, title_en="New"))
    with pytest.raises(services.StaleProgramme):
        services.programme_update(
            user=member, programme=programme, data=programme_data(organisation, title_en="Other"), expected_version=1
        )
    programme.refresh_from_db()
    assert programme.title_en == "New"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"countries": [CountryShare("CF", Decimal(60)), CountryShare("TD", Decimal(30))]}, "countries"),
        ({"countries": [CountryShare("CF", Decimal(120))]}, "countries"),
        ({"countries": [CountryShare("CF", Decimal(50)), CountryShare("TD")]}, "countries"),
        ({"countries": [CountryShare("ZZ")]}, "countries"),
        ({"sectors": [SectorShare("99999")]}, "sectors"),
        ({"sectors": [SectorShare("15210", Decimal(50))]}, "sectors"),
        ({"areas": ["justice", "justice"]}, "areas"),
        ({"areas": ["cooking"]}, "areas"),
        ({"planned_end": date(2006, 1, 1)}, "planned_end"),
        ({"status": "9"}, "status"),
        ({"lifecycle_stage": "dreaming"}, "lifecycle_stage"),
        ({"default_currency": "euro"}, "default_currency"),
        ({"iati_identifier": "FR 1"}, "iati_identifier"),
        ({"title_en": "", "title_fr": ""}, "title_en"),
        ({"title_en": "A\x00B"}, "title_en"),
        ({"participations": [ParticipationData(role="7", name="X")]}, "participations"),
        ({"participations": [ParticipationData(role="1")]}, "participations"),
        ({"locations": [LocationData("Nowhere", latitude=Decimal(95))]}, "locations"),
    ],
)
def test_bad_data_is_refused_naming_the_field(
    make_programme: ProgrammeFactory, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_programme(**changes)
    assert field in refused.value.message_dict
    assert not Programme.objects.exists()


def test_an_identifier_is_used_once(make_programme: ProgrammeFactory) -> None:
    make_programme()
    with pytest.raises(ValidationError) as refused:
        make_programme(title_en="Another")
    assert "iati_identifier" in refused.value.message_dict


def test_supported_actors_are_of_the_programmes_countries(
    make_programme: ProgrammeFactory, make_actor: ActorFactory
) -> None:
    elsewhere = make_actor(country="CD", kind="police", name="Police nationale congolaise")
    with pytest.raises(ValidationError) as refused:
        make_programme(supports=[SupportData(elsewhere)])
    assert "supports" in refused.value.message_dict
    programme = make_programme(
        supports=[SupportData(elsewhere)], countries=[CountryShare("CF", Decimal(50)), CountryShare("CD", Decimal(50))]
    )
    assert list(programme.supported_actors.all()) == [elsewhere]


def test_an_actor_the_user_cannot_see_is_refused_and_kept(
    make_programme: ProgrammeFactory,
    make_actor: ActorFactory,
    member: User,
    other_organisation: Organisation,
    organisation: Organisation,
) -> None:
    hidden = make_actor(kind="police", name="Hidden unit", owner=other_organisation, confidentiality="organisation")
    with pytest.raises(ValidationError) as refused:
        services.programme_create(user=member, data=programme_data(organisation, supports=[SupportData(hidden)]))
    assert refused.value.message_dict["supports"] == ["No such actor."]
    # Supported by someone who sees it, it stays when the member saves the programme without it.
    programme = make_programme(supports=[SupportData(hidden)])
    services.programme_update(user=member, programme=programme, data=programme_data(organisation, title_en="Renamed"))
    assert SupportedActor.objects.filter(programme=programme, actor=hidden).exists()


def test_owner_and_member_may_change_outsider_may_not(
    programme: Programme, owner: User, member: User, outsider: User, organisation: Organisation
) -> None:
    services.programme_update(user=owner, programme=programme, data=programme_data(organisation, title_en="By owner"))
    services.programme_update(user=member, programme=programme, data=programme_data(organisation, title_en="By member"))
    with pytest.raises(PermissionDenied):
        services.programme_update(
            user=outsider, programme=programme, data=programme_data(organisation, title_en="By outsider")
        )
    with pytest.raises(PermissionDenied):
        services.programme_delete(user=outsider, programme=programme)
    programme.refresh_from_db()
    assert programme.title_en == "By member"


def test_only_members_create_for_their_organisation(
    owner: User, member: User, outsider: User, organisation: Organisation, viewer: User
) -> None:
    services.programme_create(user=owner, data=programme_data(organisation, iati_identifier="A"))
    services.programme_create(user=member, data=programme_data(organisation, iati_identifier="B"))
    for refused in (outsider, viewer):
        with pytest.raises(PermissionDenied):
            services.programme_create(user=refused, data=programme_data(organisation, iati_identifier="C"))
    assert Programme.objects.count() == 2


def test_a_share_lets_the_outsider_edit(
    programme: Programme, owner: User, outsider: User, other_organisation: Organisation, organisation: Organisation
) -> None:
    with pytest.raises(PermissionDenied):
        services.programme_share(user=outsider, programme=programme, organisation=other_organisation, can_edit_too=True)
    services.programme_share(user=owner, programme=programme, organisation=other_organisation, can_edit_too=True)
    services.programme_update(user=outsider, programme=programme, data=programme_data(organisation, title_en="Shared"))
    # Editing by a share does not reach who may read it.
    with pytest.raises(PermissionDenied):
        services.programme_update(
            user=outsider, programme=programme, data=programme_data(organisation, confidentiality="organisation")
        )


def test_delete_takes_the_parts_and_is_audited(programme: Programme, member: User) -> None:
    pk = programme.pk
    services.programme_delete(user=member, programme=programme, expected_version=1)
    assert not Programme.objects.filter(pk=pk).exists()
    assert not SupportedActor.objects.filter(programme_id=pk).exists()
    assert events(pk).get(action="delete").before["title_en"] == "Support for the rule of law"


def test_delete_from_a_stale_version_is_refused(programme: Programme, member: User) -> None:
    with pytest.raises(services.StaleProgramme):
        services.programme_delete(user=member, programme=programme, expected_version=7)
    assert Programme.objects.filter(pk=programme.pk).exists()


def test_documents_are_checked_and_count_as_a_change(programme: Programme, member: User, outsider: User) -> None:
    document = services.programme_document_add(
        user=member,
        programme=programme,
        data=DocumentData("Terms of reference", "Termes de référence", category="A02", language="fr"),
        upload=SimpleUploadedFile("terms.pdf", b"%PDF-1.4 test"),
    )
    programme.refresh_from_db()
    assert programme.version == 2
    assert document.file.name.endswith(".pdf")
    with pytest.raises(ValidationError) as refused:
        services.programme_document_add(
            user=member,
            programme=programme,
            data=DocumentData("Script"),
            upload=SimpleUploadedFile("run.exe", b"MZ"),
        )
    assert "file" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.programme_document_add(user=member, programme=programme, data=DocumentData("Nothing"))
    assert "url" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.programme_document_add(
            user=outsider, programme=programme, data=DocumentData("Link", url="https://example.org/a")
        )
    with pytest.raises(PermissionDenied):
        services.programme_document_delete(user=outsider, document=document)
    services.programme_document_delete(user=member, document=document)
    assert not ProgrammeDocument.objects.exists()
