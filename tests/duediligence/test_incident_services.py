# ruff: noqa: F811 (the fixtures imported from incident_fixtures are parameters of the tests)
"""The incidents' services: who may write, what is refused (with a message naming the field), what is audited."""

import datetime
from decimal import Decimal

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from egide.accounts.models import Confidentiality, Organisation, Role, Share
from egide.actors.data import CitationData
from egide.actors.services import source_get_or_create
from egide.audit.models import Action, AuditEvent
from egide.core.fuzzy_dates import FuzzyDate
from egide.duediligence import incident_services as services
from egide.duediligence.models import Evidence, Incident, Responsibility
from tests.conftest import ActorFactory, make_user
from tests.duediligence.incident_fixtures import (  # noqa: F401 (fixtures)
    Scene,
    incident_data,
    make_person,
    partner,
    partner_user,
    scene,
)

pytestmark = pytest.mark.django_db


def refused(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_an_editor_records_an_incident_restricted_and_audited(organisation: Organisation, member: User) -> None:
    incident = services.incident_create(
        user=member, country="cf", data=incident_data(organisation, latitude=Decimal("6.4925"), longitude="17.45")
    )
    assert incident.country == "CF"
    assert incident.confidentiality == Confidentiality.RESTRICTED
    assert incident.occurred == "2021-03"
    assert incident.latitude == Decimal("6.492500")
    event = AuditEvent.objects.get(action=Action.CREATE, object_id=incident.pk)
    assert event.organisation_id == organisation.pk
    assert event.after["title_en"] == "Night raid on the market"


def test_a_title_in_french_only_stands_for_both(organisation: Organisation, member: User) -> None:
    incident = services.incident_create(
        user=member, country="CF", data=incident_data(organisation, title_en="", title_fr="Raid")
    )
    assert (incident.title_en, incident.title_fr) == ("Raid", "Raid")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"latitude": Decimal("91"), "longitude": Decimal("10")}, "latitude", "between -90 and 90"),
        ({"latitude": Decimal("10"), "longitude": Decimal("-180.5")}, "longitude", "between -180 and 180"),
        ({"latitude": Decimal("10")}, "longitude", "both the latitude and the longitude"),
        ({"latitude": Decimal("NaN"), "longitude": Decimal("1")}, "latitude", "between -90 and 90"),
        ({"violation": "genocide"}, "violation", "Unlawful killing"),
        ({"title_en": " ", "title_fr": ""}, "title_en", "Give the incident a title"),
        ({"title_en": "x" * 301}, "title_en", "At most 300"),
        ({"place": "Bossangoa\x00"}, "place", "U+0000"),
        ({"victims": -1}, "victims", "zero or more"),
        ({"confidence": "certain"}, "confidence", "low, medium or high"),
        ({"confidentiality": "public"}, "confidentiality", "never public"),
        ({"confidentiality": "secret"}, "confidentiality", "never public"),
    ],
)
def test_bad_incidents_are_refused_naming_the_field(
    organisation: Organisation, member: User, changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.incident_create(user=member, country="CF", data=incident_data(organisation, **changes))
    assert field in refused(error)
    assert words in " ".join(refused(error)[field])
    assert not Incident.objects.exists()


def test_an_incident_in_the_future_is_refused(organisation: Organisation, member: User) -> None:
    next_year = FuzzyDate.parse(str(timezone.localdate().year + 1))
    with pytest.raises(ValidationError) as error:
        services.incident_create(user=member, country="CF", data=incident_data(organisation, occurred=next_year))
    assert "is in the future" in refused(error)["occurred"][0]


def test_public_is_allowed_only_when_the_platform_publishes(
    organisation: Organisation, member: User, settings: LazySettings
) -> None:
    settings.EGIDE_PUBLISH_PEOPLE = True
    incident = services.incident_create(
        user=member, country="CF", data=incident_data(organisation, confidentiality="public")
    )
    assert incident.confidentiality == "public"


def test_only_editors_of_the_owner_record_incidents(
    organisation: Organisation, other_organisation: Organisation, outsider: User, viewer: User, member: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.incident_create(user=outsider, country="CF", data=incident_data(organisation))
    with pytest.raises(PermissionDenied):
        services.incident_create(user=viewer, country="CF", data=incident_data(organisation))
    with pytest.raises(PermissionDenied):
        services.incident_create(user=member, country="CF", data=incident_data(other_organisation))
    with pytest.raises(PermissionDenied):
        services.incident_create(user=member, country="CF", data=incident_data(None))
    assert not Incident.objects.exists()


def test_an_update_is_versioned_and_refused_from_an_older_copy(scene: Scene, member: User) -> None:
    version = scene.incident.version
    services.incident_update(
        user=member,
        incident=scene.incident,
        data=incident_data(scene.incident.owner, victims=7),
        expected_version=version,
    )
    scene.incident.refresh_from_db()
    assert (scene.incident.victims, scene.incident.version) == (7, version + 1)
    with pytest.raises(services.StaleIncident) as stale:
        services.incident_update(
            user=member,
            incident=scene.incident,
            data=incident_data(scene.incident.owner, victims=9),
            expected_version=version,
        )
    assert stale.value.incident.version == version + 1
    assert Incident.objects.get().victims == 7
    before, after = (
        AuditEvent.objects.filter(action=Action.UPDATE, object_id=scene.incident.pk)
        .values_list("before", "after")
        .get()
    )
    assert (before["victims"], after["victims"]) == (4, 7)


def test_saving_unchanged_data_changes_nothing(scene: Scene, member: User) -> None:
    services.incident_update(user=member, incident=scene.incident, data=incident_data(scene.incident.owner))
    scene.incident.refresh_from_db()
    assert scene.incident.version == 1


def test_a_sharing_partner_that_may_edit_changes_the_content_but_not_who_reads(
    scene: Scene, partner_user: User, other_organisation: Organisation
) -> None:
    Share.objects.filter(organisation=scene.partner).update(can_edit=True)
    services.incident_update(
        user=partner_user, incident=scene.incident, data=incident_data(scene.incident.owner, victims=5)
    )
    with pytest.raises(PermissionDenied):
        services.incident_update(
            user=partner_user,
            incident=scene.incident,
            data=incident_data(scene.incident.owner, victims=5, confidentiality="partners"),
        )
    with pytest.raises(PermissionDenied):
        services.incident_update(user=partner_user, incident=scene.incident, data=incident_data(scene.partner))
    assert Incident.objects.get().confidentiality == "restricted"


def test_an_outsider_may_not_change_or_delete(scene: Scene, outsider: User, partner_user: User) -> None:
    for user in (outsider, partner_user):  # the partner's share is for reading only
        with pytest.raises(PermissionDenied):
            services.incident_update(user=user, incident=scene.incident, data=incident_data(scene.incident.owner))
        with pytest.raises(PermissionDenied):
            services.incident_delete(user=user, incident=scene.incident)
    assert Incident.objects.count() == 1


def test_deleting_an_incident_logs_it_and_its_responsibilities(scene: Scene, member: User) -> None:
    services.incident_delete(user=member, incident=scene.incident, expected_version=1)
    assert not Incident.objects.exists()
    assert not Responsibility.objects.exists()
    assert not Evidence.objects.exists()
    deleted = AuditEvent.objects.filter(action=Action.DELETE)
    assert deleted.count() == 3
    assert set(deleted.values_list("organisation_id", flat=True)) == {scene.incident.owner_id}


def test_a_unit_of_another_country_is_refused(scene: Scene, member: User, make_actor: ActorFactory) -> None:
    chad = make_actor(country="TD", kind="police", name="Chadian police")
    with pytest.raises(ValidationError) as error:
        services.responsibility_create(
            user=member, incident=scene.incident, data=services.ResponsibilityData(actor=chad)
        )
    assert "is in another country (TD)" in refused(error)["actor"][0]


def test_a_status_date_before_the_incident_is_refused(scene: Scene, member: User, make_actor: ActorFactory) -> None:
    unit = make_actor(kind="police", name="Second battalion")
    with pytest.raises(ValidationError) as error:
        services.responsibility_create(
            user=member,
            incident=scene.incident,
            data=services.ResponsibilityData(actor=unit, status="prosecuted", status_since=FuzzyDate.parse("2021-02")),
        )
    assert refused(error)["status_since"] == ["The status date (2021-02) is before the incident (2021-03)."]
    # The month of the incident itself is not before it.
    services.responsibility_create(
        user=member,
        incident=scene.incident,
        data=services.ResponsibilityData(actor=unit, status="prosecuted", status_since=FuzzyDate.parse("2021-03-01")),
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({}, "actor", "either a unit or a person"),
        ({"status": "pardoned"}, "status", "Under investigation"),
        ({"confidence": "sure"}, "confidence", "low, medium or high"),
        ({"notes": "a\x07b"}, "notes", "U+0007"),
    ],
)
def test_bad_responsibilities_are_refused(
    scene: Scene, member: User, make_actor: ActorFactory, changes: dict[str, object], field: str, words: str
) -> None:
    values: dict[str, object] = {"actor": make_actor(kind="police", name="Third battalion")} if changes else {}
    values.update(changes)
    with pytest.raises(ValidationError) as error:
        services.responsibility_create(
            user=member,
            incident=scene.incident,
            data=services.ResponsibilityData(**values),  # type: ignore[arg-type]
        )
    assert words in " ".join(refused(error)[field])
    assert Responsibility.objects.count() == 2


def test_a_unit_or_person_is_named_once(scene: Scene, member: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.responsibility_create(
            user=member, incident=scene.incident, data=services.ResponsibilityData(actor=scene.battalion)
        )
    assert refused(error)["actor"] == ["This unit is already named for this incident."]
    with pytest.raises(ValidationError) as error:
        services.responsibility_create(
            user=member, incident=scene.incident, data=services.ResponsibilityData(person=scene.colonel)
        )
    assert refused(error)["person"] == ["This person is already named for this incident."]


def test_a_person_the_editor_may_not_read_cannot_be_named(
    scene: Scene, other_organisation: Organisation, member: User
) -> None:
    stranger = make_person(other_organisation, "Major Hidden Example")
    with pytest.raises(ValidationError) as error:
        services.responsibility_create(
            user=member, incident=scene.incident, data=services.ResponsibilityData(person=stranger)
        )
    assert refused(error)["person"] == [f"No person has the id {stranger.pk}."]


def test_a_responsibility_changes_with_its_audit_filed_under_the_incident_owner(scene: Scene, member: User) -> None:
    services.responsibility_update(
        user=member,
        responsibility=scene.person_link,
        data=services.ResponsibilityData(
            person=scene.colonel, status="convicted", status_since=FuzzyDate.parse("2023-05")
        ),
    )
    scene.person_link.refresh_from_db()
    assert (scene.person_link.status, scene.person_link.status_since) == ("convicted", "2023-05")
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=scene.person_link.pk)
    assert (event.country, event.organisation_id) == ("CF", scene.incident.owner_id)
    services.responsibility_delete(user=member, responsibility=scene.person_link)
    assert Responsibility.objects.count() == 1


def test_outsiders_may_not_touch_responsibilities_or_evidence(scene: Scene, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.responsibility_delete(user=outsider, responsibility=scene.unit_link)
    with pytest.raises(PermissionDenied):
        services.evidence_add(user=outsider, incident=scene.incident, data=services.EvidenceData(source=scene.source))
    with pytest.raises(PermissionDenied):
        services.evidence_remove(user=outsider, evidence=Evidence.objects.first())  # type: ignore[arg-type]
    assert Evidence.objects.count() == 2


def test_evidence_is_a_readable_source_of_the_incident_country(
    scene: Scene, member: User, other_organisation: Organisation
) -> None:
    elsewhere = source_get_or_create(
        user=None, country="TD", citation=CitationData(title="Chad report"), owner=scene.incident.owner
    )
    hidden = source_get_or_create(
        user=None, country="CF", citation=CitationData(title="Another team's notes"), owner=other_organisation
    )
    hidden_elsewhere = source_get_or_create(user=None, country="TD", citation=CitationData(title="Chad notes"))
    with pytest.raises(ValidationError) as error:
        services.evidence_add(user=member, incident=scene.incident, data=services.EvidenceData(source=elsewhere))
    assert refused(error)["source"] == ["The source belongs to another country than the incident."]
    for source in (hidden, hidden_elsewhere):  # a source hidden from the user: not even its country is told
        with pytest.raises(ValidationError) as error:
            services.evidence_add(user=member, incident=scene.incident, data=services.EvidenceData(source=source))
        assert refused(error)["source"] == [f"No source has the id {source.pk}."]
    with pytest.raises(ValidationError) as error:
        services.evidence_add(user=member, incident=scene.incident, data=services.EvidenceData())
    assert "Choose a recorded source" in refused(error)["source"][0]


def test_evidence_may_describe_a_new_source(scene: Scene, member: User) -> None:
    evidence = services.evidence_add(
        user=member,
        responsibility=scene.person_link,
        data=services.EvidenceData(new=CitationData(title="Witness statement 3"), locator="§ 2", confidence="low"),
    )
    assert evidence.source.country == "CF"
    assert evidence.source.owner_id == scene.incident.owner_id
    assert evidence.responsibility_id == scene.person_link.pk
    # Evidence on a link to a person: the log keeps the source's id, never its title or the passage, and the new
    # source is one about a person, named in the log by its id.
    assert evidence.source.about_person
    cited = AuditEvent.objects.get(
        action=Action.CITE, content_type__model="responsibility", object_id=scene.person_link.pk
    )
    assert cited.after == {
        "evidence": evidence.pk,
        "source": evidence.source_id,
        "confidence": "low",
        "personal_data": ["locator"],
    }
    created = AuditEvent.objects.get(action=Action.CREATE, object_id=evidence.source_id, content_type__model="source")
    assert created.object_repr == f"source #{evidence.source_id}"
    assert "Witness" not in str(created.after)
    services.evidence_remove(user=member, evidence=evidence)
    assert AuditEvent.objects.get(action=Action.UNCITE).before == cited.after


def test_evidence_on_an_incident_or_a_units_link_is_logged_whole(scene: Scene, member: User) -> None:
    evidence = services.evidence_add(
        user=member,
        incident=scene.incident,
        data=services.EvidenceData(new=CitationData(title="Monitoring report 9"), locator="p. 3"),
    )
    assert not evidence.source.about_person
    cited = AuditEvent.objects.filter(
        action=Action.CITE, content_type__model="incident", object_id=scene.incident.pk
    ).latest("id")
    assert (cited.after["source_title"], cited.after["locator"]) == ("Monitoring report 9", "p. 3")
    created = AuditEvent.objects.get(action=Action.CREATE, content_type__model="source", object_id=evidence.source_id)
    assert created.object_repr == "Monitoring report 9"


def test_an_editor_limited_to_another_country_may_not_record_here(organisation: Organisation) -> None:
    senegal_only = make_user("senegal", organisation, Role.EDITOR, countries=["SN"])
    with pytest.raises(PermissionDenied):
        services.incident_create(user=senegal_only, country="CF", data=incident_data(organisation))


def test_the_date_of_an_incident_is_stored_with_its_precision(organisation: Organisation, member: User) -> None:
    incident = services.incident_create(
        user=member, country="CF", data=incident_data(organisation, occurred=FuzzyDate.parse("2019"))
    )
    assert (incident.occurred_on, incident.occurred_precision) == (datetime.date(2019, 1, 1), "year")
