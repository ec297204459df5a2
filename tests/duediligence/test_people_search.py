"""The name search: spelling variants, accents and other scripts, on either database (pg_trgm on PostgreSQL, the
fallback on SQLite), among the people the reader may read only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from egide.duediligence import names, search
from egide.duediligence.people_selectors import people_list
from tests.duediligence.people_world import World, make_person, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_folding() -> None:
    assert names.fold("Élodie  O'Testperson-Exemplar") == "elodie otestperson exemplar"
    assert names.fold("Мухаммед Тестперсонов") == "mukhammed testpersonov"
    assert names.skeleton("Mohamed") == names.skeleton("Muhammad") == names.skeleton("Mohammed") == "mhmd"
    assert names.fold("!!!") == ""


def test_similarity_agrees_with_pg_trgm_on_identical_and_disjoint_texts() -> None:
    assert names.similarity("word", "word") == 1.0
    assert names.similarity("word", "zzzz") == 0.0
    assert names.best_similarity("Testperson", names.search_text(["Zorglub Invented"])) < search.THRESHOLD


def _found(user: object, text: str) -> list[str]:
    return [person.display_name for person in people_list(user=user, text=text).people]  # type: ignore[arg-type]


@pytest.fixture
def people(world: World) -> World:
    make_person(world.organisation, "Mohamed Exemplar Testperson")
    make_person(world.organisation, "Élodie Inventée")
    make_person(world.organisation, "Мухаммед Тестперсонов")
    make_person(world.organisation, "Zorglub Imaginary")
    return world


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Muhammad", "Mohamed Exemplar Testperson"),
        ("Mohammed Testperson", "Mohamed Exemplar Testperson"),
        ("Elodie", "Élodie Inventée"),
        ("ÉLODIE inventee", "Élodie Inventée"),
        ("Mukhammed Testpersonov", "Мухаммед Тестперсонов"),
        ("Тестперсонов", "Мухаммед Тестперсонов"),
        ("Testpersonow", "Мухаммед Тестперсонов"),
        ("zorglu", "Zorglub Imaginary"),
    ],
)
def test_variants_are_found_first(people: World, query: str, expected: str) -> None:
    found = _found(people.member, query)
    assert found, (connection.vendor, query)
    assert found[0] == expected, (connection.vendor, query, found)


def test_unrelated_names_are_not_found(people: World) -> None:
    assert "Zorglub Imaginary" not in _found(people.member, "Muhammad")
    assert _found(people.member, "Quixotic") == []
    assert _found(people.member, "?!") == []


def test_the_search_returns_only_readable_people(people: World) -> None:
    assert "Colonel Exemplar Testperson" in _found(people.sharing, "Testperson")  # shared with them
    assert _found(people.sharing, "Muhammad") == []  # not shared
    assert _found(people.outsider, "Testperson") == []
    assert _found(AnonymousUser(), "Testperson") == []


def test_results_are_bounded(world: World) -> None:
    for number in range(12):
        make_person(world.organisation, f"Testperson Number{number}")
    ranked = search.ranked_ids(world.person.__class__.objects.all(), "Testperson", limit=5)
    assert len(ranked) == 5
    assert [score for _pk, score in ranked] == sorted((score for _pk, score in ranked), reverse=True)
    assert search.ranked_ids(world.person.__class__.objects.all(), "x" * 10_000) == []


def test_trigram_index_is_used_on_postgresql(people: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the trigram index")
    assert search.trigrams_available()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'duediligence_person'")
        assert "duediligence_person_names_trigrams" in {row[0] for row in cursor.fetchall()}


def test_the_bound_keeps_the_closest_candidates(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(6):
        make_person(world.organisation, f"Tessa Invented{number}")
    make_person(world.organisation, "Testperson Mohamed")  # recorded last, closest to the query
    monkeypatch.setattr(search, "CANDIDATES", 3)
    monkeypatch.setattr(search, "PG_CANDIDATES", 3)
    found = _found(world.member, "Testperson Mohamed")
    assert found[0] == "Testperson Mohamed"
