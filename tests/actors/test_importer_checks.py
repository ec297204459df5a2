"""The importer's reading of each cell and the place of each refusal: what a row writes, value by value, and
which table, row and column a wrong value is reported at. Every refused import writes nothing."""

import pytest
from django.contrib.auth.models import User

from egide.accounts.models import Confidentiality, Organisation
from egide.actors.documents import read_map_file
from egide.actors.importer import FALSE_WORDS, TRUE_WORDS, ImportRejected, country_map_import
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.tabular import Tables, write_zip
from tests.conftest import SmallMap

Place = tuple[str, int, str]


def _csv(text: str) -> Tables:
    return read_map_file(text.encode(), filename="table.csv")


def _zip(**tables: str) -> Tables:
    return read_map_file(write_zip({f"{name}.csv": text.encode() for name, text in tables.items()}), filename="m.zip")


def _refused(tables: Tables, *, user: User | None = None, owner: Organisation | None = None) -> dict[Place, str]:
    """The places of every problem of a refused import, with their messages; nothing may have been written."""
    counts = (Actor.objects.count(), Relationship.objects.count(), Source.objects.count(), Citation.objects.count())
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=user, country="CF", tables=tables, owner=owner)
    after = (Actor.objects.count(), Relationship.objects.count(), Source.objects.count(), Citation.objects.count())
    assert after == counts
    return {(problem.table, problem.row, problem.column): problem.message for problem in rejected.value.problems}


# --- Yes or no -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_yes_and_no_word_is_read_in_any_case() -> None:
    words = [(word, True) for word in sorted(TRUE_WORDS)] + [(word, False) for word in sorted(FALSE_WORDS)]
    rows = "".join(
        f"A{index},police,Police {index},,{word.upper() if index % 2 else word},{word}\n"
        for index, (word, _value) in enumerate(words)
    )
    country_map_import(
        user=None, country="CF", tables=_csv("reference,kind,name_en,name_fr,statutory,legitimacy_disputed\n" + rows)
    )
    stored = dict(Actor.objects.values_list("reference", "statutory"))
    disputed = dict(Actor.objects.values_list("reference", "legitimacy_disputed"))
    expected = {f"A{index}": value for index, (_word, value) in enumerate(words)}
    assert stored == expected
    assert disputed == expected
    assert {"yes", "oui", "vrai", "x", "1"} <= TRUE_WORDS
    assert {"no", "non", "faux", "0"} <= FALSE_WORDS


@pytest.mark.django_db
def test_an_empty_yes_or_no_cell_takes_the_declared_default() -> None:
    country_map_import(
        user=None,
        country="CF",
        tables=_csv("reference,kind,name_en,statutory,legitimacy_disputed\nP,police,Police,,\n"),
    )
    assert Actor.objects.values_list("statutory", "legitimacy_disputed").get(reference="P") == (True, False)


@pytest.mark.django_db
def test_a_word_that_is_neither_yes_nor_no_is_refused_at_its_cell() -> None:
    problems = _refused(_csv("reference,kind,name_en,statutory,legitimacy_disputed\nP,police,Police,yes,Maybe\n"))
    assert list(problems) == [("actors", 2, "legitimacy_disputed")]
    assert "“Maybe”" in problems["actors", 2, "legitimacy_disputed"]


# --- Codes, texts and names ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_codes_are_read_in_any_case_and_empty_ones_take_their_default() -> None:
    country_map_import(
        user=None,
        country="CF",
        tables=_zip(
            actors="reference,kind,name_en,confidence\nA,police,Police,HIGH\nB,armed_forces,Army,\n",
            relationships="from,type,to,strength,confidence\nA,coordinates_with,B,Strong,\nB,coordinates_with,A,,Low\n",
        ),
    )
    assert dict(Actor.objects.values_list("reference", "confidence")) == {"A": "high", "B": "medium"}
    assert sorted(Relationship.objects.values_list("source__reference", "strength", "confidence")) == [
        ("A", "strong", "medium"),
        ("B", "moderate", "low"),
    ]


@pytest.mark.django_db
def test_texts_are_kept_to_their_length_and_a_missing_name_is_taken_from_the_other_language() -> None:
    long_name = "N" * 350
    country_map_import(
        user=None,
        country="CF",
        tables=_csv(
            "reference,kind,name_en,name_fr,acronym_en,notes\n"
            f"A,police,{long_name},,{'X' * 40},Some notes\n"
            "B,police,,Gendarmerie,,\n"
        ),
    )
    first = Actor.objects.get(reference="A")
    assert (first.name_en, first.name_fr, first.acronym_en, first.notes) == (
        "N" * 300,
        "N" * 300,
        "X" * 32,
        "Some notes",
    )
    second = Actor.objects.get(reference="B")
    assert (second.name_en, second.name_fr, second.family) == ("Gendarmerie", "Gendarmerie", "security_providers")


@pytest.mark.django_db
def test_a_reference_used_twice_is_refused_naming_the_first_row() -> None:
    problems = _refused(_csv("reference,kind,name_en\nA,police,One\nB,police,Two\nA,police,Three\n"))
    assert list(problems) == [("actors", 4, "reference")]
    assert "row 2" in problems["actors", 4, "reference"]


# --- Who may read it -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_gives_its_own_confidentiality_and_others_take_the_imports(organisation: Organisation) -> None:
    country_map_import(
        user=None,
        country="CF",
        owner=organisation,
        confidentiality=Confidentiality.PUBLIC,
        tables=_zip(
            actors="reference,kind,name_en,confidentiality\nA,police,Police,Restricted\nB,police,Other,\n",
            relationships="from,type,to,confidentiality\nA,coordinates_with,B,ORGANISATION\nB,coordinates_with,A,\n",
        ),
    )
    assert dict(Actor.objects.values_list("reference", "confidentiality")) == {"A": "restricted", "B": "public"}
    assert dict(Relationship.objects.values_list("source__reference", "confidentiality")) == {
        "A": "organisation",
        "B": "public",
    }


@pytest.mark.django_db
def test_an_unknown_confidentiality_is_refused_at_its_cell() -> None:
    problems = _refused(
        _zip(
            actors="reference,kind,name_en,confidentiality\nA,police,Police,secret\nB,police,Other,\n",
            relationships="from,type,to,confidentiality\nA,coordinates_with,B,hidden\n",
        )
    )
    assert set(problems) == {("actors", 2, "confidentiality"), ("relationships", 2, "confidentiality")}
    # The message names the levels a row may give.
    assert all("restricted" in message for message in problems.values())


# --- Parents ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_parent_may_come_later_in_the_file_or_be_on_the_map(small_map: SmallMap) -> None:
    country_map_import(
        user=None,
        country="CF",
        tables=_csv("reference,kind,name_en,parent\nUNIT,police,Unit,DIR\nDIR,police,Directorate,MOI\n"),
    )
    assert Actor.objects.get(reference="UNIT").parent == Actor.objects.get(reference="DIR")
    assert Actor.objects.get(reference="DIR").parent == small_map.interior


@pytest.mark.django_db
def test_an_unknown_parent_is_refused_at_its_cell() -> None:
    problems = _refused(_csv("reference,kind,name_en,parent\nA,police,Police,\nB,police,Other,NOBODY\n"))
    assert list(problems) == [("actors", 3, "parent")]
    assert "“NOBODY”" in problems["actors", 3, "parent"]


@pytest.mark.django_db
def test_a_parent_closing_a_loop_through_the_map_is_refused(small_map: SmallMap) -> None:
    # On the map, the presidency is above the ministry of defence, which is above the army.
    problems = _refused(_csv("reference,kind,name_en,parent\nPR,head_of_state,Presidency,FACA\n"))
    assert list(problems) == [("actors", 2, "parent")]
    # A longer chain through the map that ends without coming back is accepted.
    country_map_import(user=None, country="CF", tables=_csv("reference,kind,name_en,parent\nPOL,police,Police,FACA\n"))
    assert Actor.objects.get(reference="POL").parent == small_map.army


@pytest.mark.django_db
def test_each_actor_of_a_loop_in_the_file_is_refused_and_the_others_are_not() -> None:
    problems = _refused(
        _csv(
            "reference,kind,name_en,parent\n"
            "A,police,A,B\n"
            "B,police,B,C\n"
            "C,police,C,A\n"
            "D,police,D,A\n"  # under the loop, not in it: its own chain is refused with the loop's
            "E,police,E,\n"
        )
    )
    assert {place for place in problems if place[2] == "parent"} >= {
        ("actors", 2, "parent"),
        ("actors", 3, "parent"),
        ("actors", 4, "parent"),
    }
    assert ("actors", 6, "parent") not in problems


# --- Dates and relationships -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dates_keep_their_precision_and_ongoing_follows_the_end(small_map: SmallMap) -> None:
    country_map_import(
        user=None,
        country="CF",
        tables=_csv(
            "from,type,to,start,end,ongoing,legal_basis\n"
            "AN,oversees,FACA,2016,2019-05,,Constitution\n"
            "CIT,scrutinises,FACA,2018-03-02,,,\n"
            "AN,funds,MOD,,,no,\n"
        ),
    )
    read = {
        item.type: (item.start, item.end, item.ongoing, item.legal_basis)
        for item in Relationship.objects.filter(
            type__in=["oversees", "scrutinises", "funds"], target__reference__in=["FACA", "MOD"]
        ).exclude(pk=small_map.oversees.pk)
    }
    assert read == {
        "oversees": ("2016", "2019-05", False, "Constitution"),
        "scrutinises": ("2018-03-02", "", True, ""),
        "funds": ("", "", False, ""),
    }


@pytest.mark.django_db
def test_a_date_that_cannot_be_read_is_refused_at_its_cell(small_map: SmallMap) -> None:
    problems = _refused(
        _csv(
            "from,type,to,start,end,ongoing\n"
            "AN,oversees,FACA,1 March,,\n"
            "AN,funds,FACA,,soon,no\n"
            "AN,funds,MOD,,,perhaps\n"
        )
    )
    assert set(problems) == {
        ("relationships", 2, "start"),
        ("relationships", 3, "end"),
        ("relationships", 4, "ongoing"),
    }
    assert "“1 March”" in problems["relationships", 2, "start"]
    assert "“soon”" in problems["relationships", 3, "end"]
    # The message says how to write a date.
    assert "YYYY-MM-DD" in problems["relationships", 2, "start"]


@pytest.mark.django_db
def test_relationship_problems_are_reported_at_the_column_of_the_file(small_map: SmallMap) -> None:
    problems = _refused(
        _csv(
            "from,type,to,start\n"
            "NOBODY,oversees,FACA,\n"  # an unknown source: the "from" column
            "AN,oversees,NOWHERE,\n"  # an unknown target: the "to" column
            "FACA,commands,FACA,\n"  # the rules speak of the target: the "to" column
            "AN,oversees,POL,2016\n"
            "AN,oversees,POL,2016-06\n"  # the same key: the start is read as its first day, in 2016 as in June
            "AN,oversees,POL,2017\n"
        )
    )
    assert set(problems) == {
        ("relationships", 2, "from"),
        ("relationships", 3, "to"),
        ("relationships", 4, "to"),
    }
    duplicate = _refused(_csv("from,type,to,start\nAN,oversees,POL,2016\nCIT,scrutinises,POL,\nAN,oversees,POL,2016\n"))
    assert list(duplicate) == [("relationships", 4, "from")]
    assert "row 2" in duplicate["relationships", 4, "from"]


# --- Sources and citations -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cited_source_is_written_with_every_field(small_map: SmallMap) -> None:
    country_map_import(
        user=None,
        country="CF",
        tables=_csv(
            "reference,kind,name_en,source_title,source_author,source_date,source_url,source_locator\n"
            f"POL,police,National Police,{'T' * 520},Assembly,2017-05,HTTPS://example.org/law,Art. 2\n"
        ),
    )
    source = Source.objects.get()
    assert (source.title, source.author, source.published, source.url) == (
        "T" * 500,
        "Assembly",
        "2017-05",
        "HTTPS://example.org/law",
    )
    citation = Citation.objects.get()
    assert (citation.actor, citation.relationship, citation.locator) == (small_map.police, None, "Art. 2")


@pytest.mark.django_db
def test_a_source_without_a_title_or_with_a_strange_link_is_refused_at_its_cell() -> None:
    problems = _refused(
        _csv(
            "reference,kind,name_en,source_title,source_author,source_date,source_url\n"
            "A,police,A,,Someone,,\n"  # an author without a title
            "B,police,B,Law,,,ftp://example.org\n"
            "C,police,C,Law,,someday,\n"
            "D,police,D,,,,\n"  # nothing cited: no problem
        )
    )
    assert set(problems) == {("actors", 2, "source_title"), ("actors", 3, "source_url"), ("actors", 4, "source_date")}


@pytest.mark.django_db
def test_the_citations_table_reaches_actors_and_relationships_by_their_keys(small_map: SmallMap) -> None:
    report = country_map_import(
        user=None,
        country="CF",
        tables=_csv(
            "record,actor,from,type,to,start,title,locator\n"
            "Actor,FACA,,,,,Law 1,Art. 1\n"
            "RELATIONSHIP,,PR,commands,FACA,,Law 1,Art. 2\n"
        ),
    )
    assert (report.sources_created, report.citations_created) == (1, 2)
    assert set(Citation.objects.values_list("actor__reference", "relationship__type", "locator")) == {
        (None, "commands", "Art. 2"),
        ("FACA", None, "Art. 1"),
    }
    problems = _refused(
        _csv(
            "record,actor,from,type,to,start,title\n"
            "actor,NOBODY,,,,,Law 1\n"
            "relationship,,PR,commands,FACA,2020,Law 1\n"  # no such start
            "document,,,,,,Law 1\n"
            "actor,FACA,,,,,\n"  # a citation of no source: its title is missing
        )
    )
    assert set(problems) == {
        ("citations", 2, "actor"),
        ("citations", 3, "from"),
        ("citations", 4, "record"),
        ("citations", 5, "title"),
    }


@pytest.mark.django_db
def test_citing_the_same_source_twice_in_a_file_writes_one_source_and_one_citation(small_map: SmallMap) -> None:
    tables = _csv(
        "record,actor,from,type,to,start,title,url,locator\n"
        "actor,FACA,,,,,Law 1,https://example.org,Art. 1\n"
        "actor,FACA,,,,,Law 1,https://example.org,Art. 1\n"
        "actor,POL,,,,,Law 1,https://example.org,Art. 1\n"
    )
    report = country_map_import(user=None, country="CF", tables=tables)
    assert (report.sources_created, report.citations_created) == (1, 2)
    again = country_map_import(user=None, country="CF", tables=tables)
    assert (again.sources_created, again.citations_created) == (0, 0)
    assert Citation.objects.count() == 2
