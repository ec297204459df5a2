"""Names in every script: the zero-width non-joiner (U+200C) and joiner (U+200D) are part of Persian and Indic
spellings between two letters, and refused anywhere else; the search finds a name typed with or without them, for
the readers of the person only (invented names only)."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from egide.duediligence import names
from egide.duediligence import people_services as services
from egide.duediligence.models import PersonName
from egide.duediligence.people_selectors import people_list
from tests.duediligence.people_world import COUNTRY, World, client_of, make_person, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ZWNJ, ZWJ = "\u200c", "\u200d"
PERSIAN = f"نمونه{ZWNJ}زاده آزمون{ZWNJ}پور"
"""An invented Persian name, "Nemuneh-zadeh Azmun-pur" (sample-born, test-son), written with non-joiners."""
PERSIAN_WITHOUT = "نمونهزاده آزمونپور"
DEVANAGARI = f"परी{ZWNJ}क्षक क्{ZWJ}षेत्री"
"""An invented Hindi name with a non-joiner between two letters and a joiner after a virama."""


@pytest.mark.parametrize(
    "name",
    [
        PERSIAN,
        DEVANAGARI,
        f"آزمون{ZWJ}پور",
    ],
)
def test_joiners_between_two_letters_are_accepted(name: str) -> None:
    assert names.invisible_character(name) is None


@pytest.mark.parametrize(
    ("name", "character"),
    [
        (f"{ZWNJ}نمونه", ZWNJ),  # at the start
        (f"نمونه{ZWNJ}", ZWNJ),  # at the end
        (f"نمونه{ZWJ}", ZWJ),
        (f"نمونه{ZWNJ}{ZWNJ}زاده", ZWNJ),  # doubled
        (f"نمونه{ZWNJ}{ZWJ}زاده", ZWNJ),
        (f"نمونه {ZWNJ}زاده", ZWNJ),  # beside a space
        (f"نمونه{ZWNJ} زاده", ZWNJ),
        (f"Testperson{ZWNJ}1", ZWNJ),  # before a digit
        (f"1{ZWJ}Testperson", ZWJ),
        (f"Exemplar-{ZWNJ}Testperson", ZWNJ),  # beside punctuation
        (f"نمونه{ZWNJ}\u200bزاده", ZWNJ),
        ("نمونه\u200bزاده", "\u200b"),  # the other invisible characters, even between letters
        ("نمونه\u200eزاده", "\u200e"),
    ],
)
def test_joiners_elsewhere_are_refused(name: str, character: str) -> None:
    assert names.invisible_character(name) == character


def test_a_persian_name_with_non_joiners_is_recorded_whole(world: World) -> None:
    person = make_person(world.organisation, PERSIAN)
    assert list(person.names.values_list("name", flat=True)) == [PERSIAN]
    services.name_add(user=world.member, person=person, data=services.NameData(DEVANAGARI, kind="spelling"))
    assert PersonName.objects.filter(person=person, name=DEVANAGARI).exists()


@pytest.mark.parametrize(
    ("name", "code"),
    [(f"{PERSIAN}{ZWNJ}", "U+200C"), (f"{ZWJ}{PERSIAN}", "U+200D"), (f"نمونه{ZWNJ}{ZWNJ}زاده", "U+200C")],
)
def test_a_misplaced_joiner_is_refused_naming_the_field_and_the_character(world: World, name: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        make_person(world.organisation, name)
    message = excinfo.value.message_dict["name"][0]
    assert code in message
    assert "between two letters" in message


def test_the_api_and_the_form_accept_a_persian_name_and_refuse_a_misplaced_joiner(world: World) -> None:
    created = client_of(world.member).post(
        "/api/v1/people",
        json.dumps({"country": COUNTRY, "names": [{"name": PERSIAN}]}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    refused = client_of(world.member).post(
        "/api/v1/people",
        json.dumps({"country": COUNTRY, "names": [{"name": f"{PERSIAN}{ZWNJ}"}]}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "U+200C" in refused.content.decode()
    address = f"/people/{world.person.pk}/names/new/"
    page = client_of(world.member).post(address, {"name": f"آزمون{ZWNJ}پور", "kind": "alias"})
    assert page.status_code == 302
    assert world.person.names.filter(name=f"آزمون{ZWNJ}پور").exists()


def test_folding_ignores_the_joiners() -> None:
    assert names.fold(PERSIAN) == names.fold(PERSIAN_WITHOUT)
    assert names.search_text([PERSIAN]) == names.search_text([PERSIAN_WITHOUT])
    assert names.fold(f"Exem{ZWNJ}plar") == "exemplar"


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        (PERSIAN, PERSIAN_WITHOUT),
        (PERSIAN_WITHOUT, PERSIAN),
        (PERSIAN, PERSIAN),
        (PERSIAN, f"آزمون{ZWNJ}پور"),
        (PERSIAN_WITHOUT, "آزمونپور"),
    ],
)
def test_a_name_is_found_typed_with_or_without_non_joiners(world: World, recorded: str, typed: str) -> None:
    """On either database (pg_trgm on PostgreSQL, the fallback on SQLite), by its readers only."""
    person = make_person(world.organisation, recorded)
    make_person(world.organisation, "Zorglub Imaginary")
    found = [item.pk for item in people_list(user=world.member, text=typed).people]
    assert found[:1] == [person.pk], found
    assert person.pk not in [item.pk for item in people_list(user=world.outsider, text=typed).people]
    assert people_list(user=AnonymousUser(), text=typed).people == []
