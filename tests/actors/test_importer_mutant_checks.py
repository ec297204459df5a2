"""Refusals the importer's checks make before writing, each at its table, row and column."""

import json

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from egide.accounts.models import Organisation, Share
from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Actor, Relationship, Source
from egide.actors.tabular import Tables, write_zip
from egide.core.imports.limits import grouped
from tests.actors.test_importer import ACTORS, _tables
from tests.conftest import SmallMap

LONGEST = 1000  # the longest link a source may have


def _problems(content: bytes, filename: str) -> list[tuple[str, int, str, str]]:
    tables = read_map_file(content, filename=filename)
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=None, country="CF", tables=tables)
    return [(p.table, p.row, p.column, str(p.message)) for p in rejected.value.problems]


def test_links_of_either_scheme_and_of_the_longest_length_are_kept_whole(db: None) -> None:
    longest = "https://example.org/" + "a" * (LONGEST - len("https://example.org/"))
    rows = (
        "reference,kind,name_en,name_fr,source_title,source_url\n"
        "PR,head_of_state,Presidency,Présidence,Constitution,http://example.org/constitution\n"
        "MOD,ministry_of_defence,Ministry of Defence,Ministère de la Défense,Decree,HTTP://EXAMPLE.ORG/DECREE\n"
        f"AN,parliament,National Assembly,Assemblée nationale,Law,{longest}\n"
    )
    country_map_import(user=None, country="CF", tables=read_map_file(rows.encode(), filename="actors.csv"))
    assert dict(Source.objects.values_list("title", "url")) == {
        "Constitution": "http://example.org/constitution",
        "Decree": "HTTP://EXAMPLE.ORG/DECREE",
        "Law": longest,
    }


def test_a_link_too_long_or_without_a_title_is_refused_at_its_cell(db: None) -> None:
    too_long = "https://example.org/" + "a" * (LONGEST + 1 - len("https://example.org/"))
    rows = (
        "reference,kind,name_en,name_fr,source_title,source_url\n"
        f"PR,head_of_state,Presidency,Présidence,Constitution,{too_long}\n"
        "MOD,ministry_of_defence,Ministry of Defence,Ministère de la Défense,,https://example.org/decree\n"
    )
    problems = _problems(rows.encode(), "actors.csv")
    assert [problem[:3] for problem in problems] == [("actors", 2, "source_url"), ("actors", 3, "source_title")]
    message = problems[0][3]
    assert grouped(LONGEST + 1) in message
    assert grouped(LONGEST) in message.replace(grouped(LONGEST + 1), "")


@pytest.mark.parametrize(
    ("row", "column"), [("SHIP,spaceship,Ship,Vaisseau", "kind"), ("B@D,police,Police,Police", "reference")]
)
def test_a_relationship_naming_an_actor_whose_row_is_refused_points_at_that_row(
    db: None, row: str, column: str
) -> None:
    reference = row.split(",")[0]
    actors = f"reference,kind,name_en,name_fr\nPR,head_of_state,Presidency,Présidence\n{row}\n"
    relationships = f"from,type,to\nPR,commands,{reference}\n{reference},commands,PR\n"
    archive = write_zip({"actors.csv": actors.encode(), "relationships.csv": relationships.encode()})
    problems = _problems(archive, "map.zip")
    assert [problem[:3] for problem in problems] == [
        ("actors", 3, column),
        ("relationships", 2, "to"),
        ("relationships", 3, "from"),
    ]
    for _table, _row, _column, message in problems[1:]:
        assert f"“{reference}”" in message
        assert "actors row 3" in message.replace("actors.csv", "actors")


def test_a_french_article_not_in_the_list_is_refused_at_its_cell(db: None) -> None:
    rows = "reference,kind,name_en,name_fr,article_fr\nPR,head_of_state,Presidency,Présidence,el\n"
    problems = _problems(rows.encode(), "actors.csv")
    assert [problem[:3] for problem in problems] == [("actors", 2, "article_fr")]
    assert "“el”" in problems[0][3]


def _shared_for_editing(organisation: Organisation, *records: Actor | Relationship) -> None:
    for record in records:
        Share.objects.create(
            content_type=ContentType.objects.get_for_model(type(record)),
            object_id=record.pk,
            organisation=organisation,
            can_edit=True,
            country="CF",
        )


def _army_and_oversight(confidentiality: str, strength: str, name: str = "Central African Armed Forces") -> Tables:
    """The army renamed and the parliament's oversight changed, each row giving `confidentiality` (may be empty)."""
    actors = (
        "reference,kind,name_en,name_fr,acronym_en,parent,statutory,confidentiality\n"
        f"FACA,armed_forces,{name},Forces armées,FACA,MOD,yes,{confidentiality}\n"
    )
    relationships = (
        "from,type,to,start,end,ongoing,strength,confidentiality\n"
        f"AN,oversees,MOD,2016-03-30,2021,no,{strength},{confidentiality}\n"
    )
    return read_map_file(
        write_zip({"actors.csv": actors.encode(), "relationships.csv": relationships.encode()}), filename="map.zip"
    )


def test_an_organisation_that_may_edit_a_shared_record_may_not_change_who_may_read_it(
    member: User, outsider: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    country_map_import(user=None, country="CF", tables=_tables(), owner=organisation)
    army, oversight = Actor.objects.get(reference="FACA"), Relationship.objects.get(type="oversees")
    _shared_for_editing(other_organisation, army, oversight)

    with pytest.raises(ImportRejected) as rejected:
        country_map_import(
            user=outsider, country="CF", tables=_army_and_oversight("restricted", "strong"), owner=other_organisation
        )
    refusal = "Only the owner organisation's editors may change who may read this record."
    assert [(p.table, p.row, p.column, str(p.message)) for p in rejected.value.problems] == [
        ("actors", 2, "confidentiality", refusal),
        ("relationships", 2, "confidentiality", refusal),
    ]
    assert Actor.objects.get(pk=army.pk).name_en == "Armed Forces"

    # The same organisation may change what the records say, with the same level or with none given.
    for level, strength, name in (("", "strong", "Central African Armed Forces"), ("partners", "moderate", "FACA")):
        report = country_map_import(
            user=outsider, country="CF", tables=_army_and_oversight(level, strength, name), owner=other_organisation
        )
        assert (report.actors_updated, report.relationships_updated) == (1, 1)
        assert Actor.objects.get(pk=army.pk).name_en == name
        assert Relationship.objects.get(pk=oversight.pk).confidentiality == "partners"

    # The owner's editors may change who may read them; so may the command line.
    report = country_map_import(
        user=member, country="CF", tables=_army_and_oversight("restricted", "weak"), owner=organisation
    )
    assert (report.actors_updated, report.relationships_updated) == (1, 1)
    assert {
        Actor.objects.get(pk=army.pk).confidentiality,
        Relationship.objects.get(pk=oversight.pk).confidentiality,
    } == {"restricted"}
    country_map_import(user=None, country="CF", tables=_army_and_oversight("organisation", "weak"))
    assert Actor.objects.get(pk=army.pk).confidentiality == "organisation"


def test_a_document_s_problems_name_the_record_and_the_key_at_fault(db: None) -> None:
    document = {
        "sources": [
            {"key": "S1", "title": "Constitution", "url": "ftp://example.org/constitution"},
            {"key": "S2", "title": "Decree"},
        ],
        "actors": [
            {"reference": "PR", "kind": "head_of_state", "name_en": "Presidency", "citations": [{"source": "S1"}]},
            {"reference": "FACA", "kind": "armed_forces", "name_en": "Armed Forces", "statutory": "perhaps"},
            # An actor refused for its kind: its own citation adds nothing to that.
            {"reference": "SHIP", "kind": "spaceship", "name_en": "Ship", "citations": [{"source": "S2"}]},
        ],
        "relationships": [
            # Refused for its end: its own citation adds nothing to that.
            {"source": "PR", "type": "commands", "target": "NOBODY", "citations": [{"source": "S2"}]},
            {"source": "PR", "type": "commands", "target": "FACA", "start": "2016-13"},
        ],
    }
    problems = _problems(json.dumps(document).encode(), "map.json")
    assert [problem[:3] for problem in problems] == [
        ("actors", 1, "citations[1].url"),
        ("actors", 2, "statutory"),
        ("actors", 3, "kind"),
        ("relationships", 1, "target"),
        ("relationships", 2, "start"),
    ]


def test_each_fault_of_a_relationship_row_is_told_once_at_its_cell(db: None) -> None:
    actors = "reference,kind,name_en,name_fr\nPR,head_of_state,Presidency,Présidence\nFACA,armed_forces,Army,Armée\n"
    relationships = (
        "from,type,to,start,end,ongoing,source_title,source_url\n"
        "PR,commands,NOBODY,,,,,\n"
        "PR,commands,FACA,2016,2021,yes,,\n"
        "PR,commands,FACA,2017,,perhaps,,\n"
        "PR,commands,FACA,2018,,,Decree,ftp://example.org/decree\n"
        "PR,commands,PR,2019,,,,\n"
        "PR,commands,FACA,2018,,,,\n"
        "PR,commands,FACA,2020,,maybe,,\n"
    )
    citations = (
        "record,from,type,to,start,title\n"
        "relationship,PR,commands,NOBODY,,Constitution\n"
        "relationship,PR,administers,FACA,,Constitution\n"
        "relationship,PR,commands,FACA,2016-13,Constitution\n"
    )
    archive = write_zip(
        {
            "actors.csv": actors.encode(),
            "relationships.csv": relationships.encode(),
            "citations.csv": citations.encode(),
        }
    )
    assert sorted(_problems(archive, "map.zip")) == [
        (
            "citations",
            2,
            "from",
            "This relationship is not imported because of the problems on relationships row 2.",
        ),
        ("citations", 3, "from", "No relationship matches these from, type, to and start."),
        ("citations", 4, "from", "No relationship matches these from, type, to and start."),
        ("citations", 4, "start", "“2016-13” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD."),
        ("relationships", 2, "to", "No actor has the reference “NOBODY”."),
        ("relationships", 3, "end", "An ongoing relationship has no end date."),
        ("relationships", 4, "ongoing", "“perhaps” is not yes or no."),
        ("relationships", 5, "source_url", "A link must start with http:// or https://."),
        ("relationships", 6, "to", "An actor cannot be related to itself."),
        ("relationships", 7, "from", "The same relationship (from, type, to, start) already appears on row 5."),
        ("relationships", 8, "ongoing", "“maybe” is not yes or no."),
    ]


def test_each_fault_of_a_citations_row_is_told_at_its_cell(db: None) -> None:
    actors = "reference,kind,name_en,name_fr\nPR,head_of_state,Presidency,Présidence\nSHIP,spaceship,Ship,Vaisseau\n"
    citations = (
        "record,actor,title,url\n"
        "actor,SHIP,Constitution,\n"
        "actor,NOBODY,Constitution,\n"
        "actor,PR,Decree,ftp://example.org/decree\n"
        "person,PR,Decree,\n"
    )
    archive = write_zip({"actors.csv": actors.encode(), "citations.csv": citations.encode()})
    problems = _problems(archive, "map.zip")
    assert problems[0][:3] == ("actors", 3, "kind")
    assert problems[1:] == [
        ("citations", 2, "actor", "The actor “SHIP” is not imported because of the problems on actors row 3."),
        ("citations", 3, "actor", "No actor has the reference “NOBODY”."),
        ("citations", 4, "url", "A link must start with http:// or https://."),
        ("citations", 5, "record", "The record must be “actor” or “relationship”."),
    ]


def test_a_missing_value_is_told_once_and_a_control_character_at_its_cell(db: None) -> None:
    rows = (
        "reference,kind,name_en,name_fr,notes\n"
        "PR,,Presidency,Présidence,\n"
        'MOD,ministry_of_defence,Ministry\x07of Defence,Ministère de la Défense,"Created in 1960.\nReformed in 2017."\n'
    )
    problems = _problems(rows.encode(), "actors.csv")
    assert problems[0] == ("actors", 2, "kind", "A value is required here.")
    # A control character is refused in a name; a line break is allowed in notes.
    assert [(table, column) for table, _row, column, _message in problems[1:]] == [("actors", "name_en")]
    assert "U+0007" in problems[1][3]


def test_a_document_s_unknown_and_missing_keys_are_told_once(db: None) -> None:
    document = {"actors": [{"reference": "PR", "name_en": "Presidency", "colour": "red"}]}
    problems = _problems(json.dumps(document).encode(), "map.json")
    assert [problem[:3] for problem in problems] == [("actors", 1, "colour"), ("actors", 1, "kind")]
    assert problems[1][3] == "actors[1]: missing “kind”."


def test_a_reference_held_by_an_actor_the_importer_cannot_see_is_refused(
    outsider: User, other_organisation: Organisation, small_map: SmallMap
) -> None:
    small_map.army.confidentiality = "restricted"
    small_map.army.save(update_fields=["confidentiality"])
    rows = "reference,kind,name_en,name_fr\nGUARD,police,Guard,Garde\nFACA,armed_forces,Army,Armée\n"
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(
            user=outsider,
            country="CF",
            tables=read_map_file(rows.encode(), filename="actors.csv"),
            owner=other_organisation,
        )
    problems = [(p.table, p.row, p.column, str(p.message)) for p in rejected.value.problems]
    assert problems[0] == ("actors", 3, "reference", "This reference is already used by another actor of this country.")
    assert {problem[:3] for problem in problems} == {("actors", 3, "reference")}


def test_records_not_shared_for_editing_may_not_be_changed(
    outsider: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    police = "POL,police,National Police,Police nationale,,,yes,no,high,,,\n"
    country_map_import(user=None, country="CF", tables=_tables(ACTORS + police), owner=organisation)
    # The parliament renamed, the ministry taken from under the presidency, the army both, the presidency left as it
    # is but given a new source (after a new actor citing one); a relationship changed, another left as it is but
    # given a new source, and a third given one by the citations table, as is the police.
    actors = (
        "reference,kind,name_en,name_fr,parent,confidence,source_title\n"
        "AN,parliament,Parliament,Parlement,,high,\n"
        "MOD,ministry_of_defence,Ministry of Defence,Ministère de la Défense,,high,\n"
        "FACA,armed_forces,Army,Armée,PR,medium,\n"
        "GUARD,police,Guard,Garde,,medium,Decree 2020-3\n"
        "PR,head_of_state,Presidency,Présidence,,high,Decree 2020-2\n"
    )
    relationships = (
        "from,type,to,start,strength,source_title\n"
        "MOD,administers,FACA,2016-05,strong,\n"
        "PR,commands,FACA,2016,strong,Decree 2020-4\n"
    )
    citations = (
        "record,actor,from,type,to,start,title\n"
        "relationship,,AN,oversees,MOD,2016-03-30,Decree 2020-1\n"
        "actor,POL,,,,,Decree 2020-5\n"
    )
    archive = write_zip(
        {
            "actors.csv": actors.encode(),
            "relationships.csv": relationships.encode(),
            "citations.csv": citations.encode(),
        }
    )
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(
            user=outsider, country="CF", tables=read_map_file(archive, filename="map.zip"), owner=other_organisation
        )
    refusal = "This record belongs to an organisation you may not edit for."
    # Each refused once, at its row.
    problems = sorted((p.table, p.row, p.column, str(p.message)) for p in rejected.value.problems)
    assert [problem for problem in problems if problem[1]] == [
        ("actors", 2, "reference", refusal),
        ("actors", 3, "reference", refusal),
        ("actors", 4, "reference", refusal),
        ("actors", 6, "reference", refusal),
        ("relationships", 2, "reference", refusal),
        ("relationships", 3, "reference", refusal),
    ]
    # The citations of the oversight and the police are refused too. No row of the file names either: the refusal
    # says row 0 of their table (not the citation's own row), a gap noted in docs/mutation.md.
    assert [problem for problem in problems if not problem[1]] == [
        ("actors", 0, "reference", refusal),
        ("relationships", 0, "reference", refusal),
    ]
