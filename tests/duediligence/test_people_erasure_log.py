"""What an erasure leaves: nothing of the person in the audit log (which is never changed, so must never have held
it), not even through the incidents' links to them, their evidence, or the sources described for them; and the
checks on what may be written where it is kept for ever (the erasure's reason) or shown (names)."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from egide.accounts.models import Organisation
from egide.actors.data import CitationData
from egide.actors.models import Citation, Source
from egide.audit.models import Action, AuditEvent
from egide.core.fuzzy_dates import FuzzyDate
from egide.duediligence import incident_services as incidents
from egide.duediligence import people_services as services
from egide.duediligence import reasons
from egide.duediligence.models import Incident, Person, Violation
from tests.duediligence.people_world import (  # noqa: F401 (the fixture)
    COUNTRY,
    World,
    client_of,
    make_person,
    person_data,
    world_fixture,
)

pytestmark = pytest.mark.django_db

SECRET = "Zorglubovitch"


def _incident(organisation: Organisation) -> Incident:
    return Incident.objects.create(
        country=COUNTRY,
        owner=organisation,
        title_en="Beating",
        violation=Violation.TORTURE,
        occurred_on=datetime.date(2020, 1, 2),
    )


def _log() -> str:
    return json.dumps(
        list(AuditEvent.objects.values_list("object_repr", "before", "after")), ensure_ascii=False
    ).lower()


def test_links_to_a_person_and_their_evidence_are_logged_without_personal_data(world: World) -> None:
    person = make_person(world.organisation, f"Major {SECRET}")
    incident = _incident(world.organisation)
    link = incidents.responsibility_create(
        user=world.member,
        incident=incident,
        data=incidents.ResponsibilityData(
            person=person, notes=f"{SECRET} gave the order", status="convicted", status_since=FuzzyDate.parse("2021")
        ),
    )
    created = AuditEvent.objects.get(action=Action.CREATE, content_type__model="responsibility")
    assert created.object_repr == f"alleged responsibility #{link.pk}"
    assert created.after["personal_data"] == ["status", "status_date", "status_precision", "notes"]
    assert {"notes", "status", "status_date"}.isdisjoint(created.after)
    assert (created.after["person"], created.after["incident"]) == (person.pk, incident.pk)

    incidents.responsibility_update(
        user=world.member,
        responsibility=link,
        data=incidents.ResponsibilityData(person=person, notes=f"{SECRET} denied it", status="convicted"),
    )
    changed = AuditEvent.objects.get(action=Action.UPDATE, content_type__model="responsibility")
    assert changed.after["personal_data"] == ["status_date", "status_precision", "notes"]
    evidence = incidents.evidence_add(
        user=world.member,
        responsibility=link,
        data=incidents.EvidenceData(source=world.source, locator=f"testimony of {SECRET}'s driver, p. 4"),
    )
    cited = AuditEvent.objects.get(action=Action.CITE, content_type__model="responsibility")
    assert cited.after == {
        "evidence": evidence.pk,
        "source": world.source.pk,
        "confidence": "medium",
        "personal_data": ["locator"],
    }
    incidents.evidence_remove(user=world.member, evidence=evidence)
    incidents.evidence_add(
        user=world.member,
        responsibility=link,
        data=incidents.EvidenceData(new=CitationData(title=f"Court ruling against {SECRET}"), locator="§ 3"),
    )
    assert SECRET.lower() not in _log()

    services.person_erase(user=world.member, person=person, reason="Data-protection request 12")
    assert not Person.objects.filter(pk=person.pk).exists()
    assert SECRET.lower() not in _log()


def test_deleting_an_incident_logs_its_links_to_people_without_personal_data(world: World) -> None:
    person = make_person(world.organisation, f"Major {SECRET}")
    incident = _incident(world.organisation)
    incidents.responsibility_create(
        user=world.member,
        incident=incident,
        data=incidents.ResponsibilityData(person=person, notes=f"{SECRET} was there"),
    )
    incidents.responsibility_create(
        user=world.member, incident=incident, data=incidents.ResponsibilityData(actor=world.unit, notes="Unit note")
    )
    incidents.incident_delete(user=world.member, incident=incident)
    deleted = {
        event.before["person"] is not None: event.before
        for event in AuditEvent.objects.filter(action=Action.DELETE, content_type__model="responsibility")
    }
    assert deleted[True]["personal_data"] == ["status", "notes"]
    assert deleted[False]["notes"] == "Unit note"  # a unit's link is logged whole
    assert SECRET.lower() not in _log()


def test_erasure_removes_the_sources_described_only_for_the_person(world: World) -> None:
    person = make_person(world.organisation, f"Major {SECRET}")
    other = make_person(world.organisation, "Captain Exemplar Otherperson")
    services.evidence_add(
        user=world.member,
        person=person,
        fact="identity",
        new_source=CitationData(title=f"Interview with {SECRET}", url=f"https://example.org/{SECRET}"),
    )
    incident = _incident(world.organisation)
    link = incidents.responsibility_create(
        user=world.member, incident=incident, data=incidents.ResponsibilityData(person=person)
    )
    incidents.evidence_add(
        user=world.member,
        responsibility=link,
        data=incidents.EvidenceData(new=CitationData(title=f"Statement on {SECRET}'s unit")),
    )
    # Described for the person, but cited for someone else too, or by the map: they stay.
    shared = services.evidence_add(
        user=world.member, person=person, fact="birth", new_source=CitationData(title="Civil register extract 7")
    ).source
    services.evidence_add(user=world.member, person=other, fact="birth", source=shared)
    mapped = services.evidence_add(
        user=world.member, person=person, fact="other", new_source=CitationData(title="Gazette of 2019")
    ).source
    Citation.objects.create(source=mapped, actor=world.unit)
    services.evidence_add(user=world.member, person=person, fact="nationality", source=world.source)
    described = list(Source.objects.filter(title__contains=SECRET).values_list("pk", flat=True))
    assert len(described) == 2
    assert Source.objects.filter(about_person=True).count() == 4
    creations = AuditEvent.objects.filter(action=Action.CREATE, content_type__model="source", object_id__in=described)
    assert sorted(creations.values_list("object_repr", flat=True)) == sorted(f"source #{pk}" for pk in described)
    assert SECRET.lower() not in _log()

    services.person_erase(user=world.member, person=person, reason="Data-protection request 12")

    assert not Source.objects.filter(pk__in=described).exists()
    assert set(Source.objects.values_list("pk", flat=True)) == {world.source.pk, shared.pk, mapped.pk}
    deletions = AuditEvent.objects.filter(action=Action.DELETE, content_type__model="source")
    assert sorted(deletions.values_list("object_id", flat=True)) == sorted(described)
    assert AuditEvent.objects.get(action=Action.ERASE).after["sources"] == 2
    assert SECRET.lower() not in _log()


def test_a_sources_document_goes_with_it(world: World, settings: object, tmp_path: object) -> None:
    from django.core.files.base import ContentFile

    person = make_person(world.organisation, f"Major {SECRET}")
    source = services.evidence_add(
        user=world.member, person=person, fact="identity", new_source=CitationData(title="Scanned identity card")
    ).source
    source.document.save("card.pdf", ContentFile(b"%PDF-1.4 invented"), save=True)
    storage, name = source.document.storage, source.document.name
    assert storage.exists(name)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.person_erase(user=world.member, person=person, reason="Data-protection request 12")
    assert not storage.exists(name)


@pytest.mark.parametrize(
    ("born", "reason"),
    [
        ("1971-05-02", "Asked on behalf of the person born 2 May 1971"),
        ("1971-05-02", "Request 1971-05-02"),
        ("1971-05-02", "Demande du 02/05/71"),
        ("1971-05-02", "né le 2 mai 1971"),
        ("1971-05-02", "Born May 2nd, 1971"),
        ("1971-05", "Born in May 1971"),
        ("1971-05", "Request about 05.1971"),
        ("1971", "Born in 1971"),
    ],
)
def test_the_reason_may_not_hold_the_date_of_birth(world: World, born: str, reason: str) -> None:
    services.person_update(
        user=world.member, person=world.person, data=person_data(world.organisation, birth=FuzzyDate.parse(born))
    )
    with pytest.raises(ValidationError) as excinfo:
        services.person_erase(user=world.member, person=world.person, reason=reason)
    assert excinfo.value.message_dict["reason"] == [
        "The reason holds the person's date of birth: the audit log keeps it for ever, so say why without it."
    ]
    assert Person.objects.filter(pk=world.person.pk).exists()


@pytest.mark.parametrize(
    "reason", ["Request 2026-41 received 2 May 2025", "Request of 1971-06-02", "Ticket 1971", "Asked in May 1972"]
)
def test_a_reason_with_other_dates_is_accepted(world: World, reason: str) -> None:
    services.person_update(
        user=world.member,
        person=world.person,
        data=person_data(world.organisation, birth=FuzzyDate.parse("1971-05-02")),
    )
    services.person_erase(user=world.member, person=world.person, reason=reason)
    assert not Person.objects.filter(pk=world.person.pk).exists()


def test_the_reason_may_not_hold_a_name_word_of_three_letters(world: World) -> None:
    person = make_person(world.organisation, "Colonel Lee Testperson", "Al Lee")
    for reason in ("Request from LEE", "Demande de Léé", "Asked by testperson's family", "For O'Lee"):
        with pytest.raises(ValidationError) as excinfo:
            services.person_erase(user=world.member, person=person, reason=reason)
        assert "holds a word of the person's names" in excinfo.value.message_dict["reason"][0]
    services.person_erase(user=world.member, person=person, reason="Request al-17 from the family")
    assert not Person.objects.filter(pk=person.pk).exists()


def test_reasons_read_dates_in_any_order_and_language() -> None:
    born = datetime.date(1980, 11, 9)
    for text in ("9 November 1980", "nov 9 1980", "1980/11/09", "9th Nov 80", "9 novembre 1980", "09-11-1980"):
        assert reasons.birth_in(text, born, "day"), text
    for text in ("9 November 1981", "19 November 1980", "9 1980", "November 1980", "request 9"):
        assert not reasons.birth_in(text, born, "day"), text
    assert reasons.birth_in("novembre 1980", born, "month")
    assert not reasons.birth_in("November 80 items", born, "year")
    assert not reasons.birth_in("anything", None, "day")


INVISIBLE = ["\u202e", "\u202a", "\u200b", "\u200d", "\u200f", "\u2066", "\u2069", "\ufeff"]


@pytest.mark.parametrize("character", INVISIBLE)
def test_names_refuse_direction_and_zero_width_characters(world: World, character: str) -> None:
    code = f"U+{ord(character):04X}"
    with pytest.raises(ValidationError) as excinfo:
        make_person(world.organisation, f"Colonel {character}Testperson")
    assert code in excinfo.value.message_dict["name"][0]
    assert "invisible character" in excinfo.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as excinfo:
        services.name_add(user=world.member, person=world.person, data=services.NameData(f"Exemplar{character}"))
    assert code in excinfo.value.message_dict["name"][0]
    assert world.person.names.count() == 2


def test_the_api_and_the_form_name_the_field_of_an_invisible_character(world: World) -> None:
    response = client_of(world.member).post(
        "/api/v1/people",
        json.dumps({"country": COUNTRY, "names": [{"name": "Colonel \u202eTestperson"}]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "U+202E" in response.content.decode()
    assert '"name"' in response.content.decode()
    address = f"/people/{world.person.pk}/names/new/"
    page = client_of(world.member).post(address, {"name": "Ex\u200bemplar", "kind": "alias"})
    assert page.status_code == 200
    assert "U+200B" in page.content.decode()
    assert world.person.names.count() == 2


def test_names_in_other_scripts_are_still_accepted(world: World) -> None:
    person = make_person(world.organisation, "Мухаммед Тестперсонов", "محمد تستبرسون", "Élodie O'Testperson")
    assert person.names.count() == 3
