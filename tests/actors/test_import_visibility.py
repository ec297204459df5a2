"""What an import tells its importer never depends on a record the importer cannot see (issue 7, item 11).

A hidden record is treated as absent: a row that matches a hidden relationship gets the answer a row matching
nothing gets, and a row never cuts a link (an actor's parent) to a record its importer cannot see.
"""

import pytest
from django.contrib.auth.models import User

from egide.accounts.models import Organisation
from egide.actors import exporter, services
from egide.actors.data import CitationData
from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, ImportReport, country_map_import
from egide.actors.models import Actor, Citation, Relationship, Source
from tests.conftest import ActorFactory, SmallMap

COMMANDS = b"from,type,to,strength\nPR,commands,FACA,moderate\n"  # the hidden relationship, as it stands
COMMANDS_STRONGER = b"from,type,to,strength\nPR,commands,FACA,strong\n"  # the hidden relationship, changed
NOTHING = b"from,type,to,strength\nMOD,commands,FACA,moderate\n"  # no relationship has this key


def _import(user: User, organisation: Organisation, content: bytes, filename: str = "links.csv") -> ImportReport:
    tables = read_map_file(content, filename=filename)
    return country_map_import(user=user, country="CF", tables=tables, owner=organisation)


def _answer(user: User, organisation: Organisation, content: bytes, filename: str = "links.csv") -> object:
    """What the importer is told: the report's counts, or the problems without their row numbers."""
    try:
        report = _import(user, organisation, content, filename)
    except ImportRejected as rejected:
        return sorted((problem.table, problem.column, problem.message) for problem in rejected.problems)
    return {name: getattr(report, name) for name in ImportReport.__slots__}


@pytest.fixture
def hidden_commands(small_map: SmallMap) -> Relationship:
    """PR commands FACA, visible to its owner's members only; both actors stay visible to partners."""
    small_map.commands.confidentiality = "organisation"
    small_map.commands.save()
    return small_map.commands


def _rolled_back(user: User, organisation: Organisation, content: bytes, filename: str = "links.csv") -> object:
    """The answer to an import that is then undone, so that two answers can be compared on the same map."""
    from django.db import transaction

    answer: object = None

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            answer = _answer(user, organisation, content, filename)
            raise Undo
    except Undo:
        pass
    return answer


@pytest.mark.parametrize("row", [COMMANDS, COMMANDS_STRONGER])
def test_a_row_matching_a_hidden_relationship_is_answered_as_a_row_matching_nothing(
    hidden_commands: Relationship, outsider: User, other_organisation: Organisation, row: bytes
) -> None:
    expected = _rolled_back(outsider, other_organisation, NOTHING.replace(b"moderate", row.split(b",")[-1].strip()))
    assert expected == _rolled_back(outsider, other_organisation, row)
    assert isinstance(expected, dict)
    assert expected["relationships_created"] == 1


def test_the_hidden_relationship_is_left_as_it_is_and_the_outsider_gets_its_own(
    hidden_commands: Relationship, outsider: User, other_organisation: Organisation
) -> None:
    _import(outsider, other_organisation, COMMANDS_STRONGER)
    hidden_commands.refresh_from_db()
    assert (hidden_commands.strength, hidden_commands.owner_id) == ("moderate", hidden_commands.owner_id)
    theirs = Relationship.objects.exclude(pk=hidden_commands.pk).get(type="commands")
    assert (theirs.owner, theirs.strength) == (other_organisation, "strong")


@pytest.mark.parametrize("importer", ["owner", "member"])
def test_those_who_see_the_relationship_find_it_unchanged(
    hidden_commands: Relationship, organisation: Organisation, importer: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(importer)
    report = _import(user, organisation, COMMANDS)
    assert (report.relationships_created, report.relationships_unchanged) == (0, 1)


def test_a_citation_of_a_hidden_relationship_is_answered_as_a_citation_of_nothing(
    hidden_commands: Relationship, outsider: User, other_organisation: Organisation
) -> None:
    header = b"record,actor,from,type,to,start,title\n"
    hidden = _answer(outsider, other_organisation, header + b"relationship,,PR,commands,FACA,,Decree\n", "c.csv")
    nothing = _answer(outsider, other_organisation, header + b"relationship,,MOD,commands,FACA,,Decree\n", "c.csv")
    assert hidden == nothing == [("citations", "from", "No relationship matches these from, type, to and start.")]
    assert not Citation.objects.exists()


@pytest.fixture
def unit_under_hidden_parent(small_map: SmallMap, make_actor: ActorFactory, other_organisation: Organisation) -> Actor:
    """An actor of the outsider's organisation whose parent (the Ministry of the Interior) the outsider cannot see."""
    unit = make_actor(kind="police", name="Rapid unit", reference="UNIT", owner=other_organisation)
    unit.parent = small_map.interior
    unit.save()
    small_map.interior.confidentiality = "organisation"
    small_map.interior.save()
    return unit


def test_reimporting_an_export_keeps_the_link_to_a_hidden_parent(
    unit_under_hidden_parent: Actor, outsider: User, other_organisation: Organisation
) -> None:
    exported = exporter.export_map(user=outsider, country="CF", fmt="csv")
    report = _import(outsider, other_organisation, exported, "egide-CF-map.zip")
    assert not report.changed
    unit_under_hidden_parent.refresh_from_db()
    assert unit_under_hidden_parent.parent is not None
    assert unit_under_hidden_parent.parent.reference == "MOI"


def test_an_empty_parent_is_answered_the_same_whether_or_not_a_hidden_parent_exists(
    unit_under_hidden_parent: Actor, make_actor: ActorFactory, outsider: User, other_organisation: Organisation
) -> None:
    make_actor(kind="police", name="Orphan unit", reference="ORPHAN", owner=other_organisation)
    rows = b"reference,kind,name_en,name_fr,parent\n"
    under_hidden = _rolled_back(outsider, other_organisation, rows + b"UNIT,police,Rapid unit,Rapid unit,\n")
    orphan = _rolled_back(outsider, other_organisation, rows + b"ORPHAN,police,Orphan unit,Orphan unit,\n")
    assert under_hidden == orphan
    assert isinstance(orphan, dict)
    assert orphan["actors_unchanged"] == 1


def test_a_row_naming_a_visible_parent_replaces_a_hidden_one(
    unit_under_hidden_parent: Actor, small_map: SmallMap, outsider: User, other_organisation: Organisation
) -> None:
    report = _import(
        outsider, other_organisation, b"reference,kind,name_en,name_fr,parent\nUNIT,police,Rapid unit,,POL\n"
    )
    assert report.actors_updated == 1
    unit_under_hidden_parent.refresh_from_db()
    assert unit_under_hidden_parent.parent == small_map.police


def test_the_owner_may_clear_a_parent_it_sees(
    small_map: SmallMap, owner: User, member: User, organisation: Organisation
) -> None:
    report = _import(member, organisation, b"reference,kind,name_en,name_fr,parent\nFACA,armed_forces,Armed Forces,,\n")
    assert report.actors_updated == 1
    small_map.army.refresh_from_db()
    assert small_map.army.parent is None


def test_a_row_citing_a_hidden_source_by_its_title_is_refused_and_reveals_nothing_of_it(
    hidden_commands: Relationship,
    make_actor: ActorFactory,
    outsider: User,
    other_organisation: Organisation,
    organisation: Organisation,
) -> None:
    hidden_source = services.source_get_or_create(
        user=None,
        country="CF",
        citation=CitationData(title="Secret decree", author="Directorate of intelligence"),
        owner=organisation,
    )
    services.citation_add(user=None, source=hidden_source, relationship=hidden_commands, locator="Art. 1")
    make_actor(kind="police", name="Rapid unit", reference="UNIT", owner=other_organisation)
    rows = b"reference,kind,name_en,name_fr,source_title\nUNIT,police,Rapid unit,Rapid unit,%s\n"
    # Citing it would attach the hidden source to the outsider's actor, and show its author and document.
    with pytest.raises(ImportRejected) as rejected:
        _import(outsider, other_organisation, rows % b"Secret decree", "actors.csv")
    (problem,) = rejected.value.problems
    assert (problem.table, problem.row, problem.column) == ("actors", 2, "source_title")
    assert "already recorded" in problem.message
    assert "Directorate" not in problem.message
    assert not Citation.objects.filter(source=hidden_source, actor__reference="UNIT").exists()
    # Any other title is a new source, as before; the owner's member cites the recorded one.
    report = _answer(outsider, other_organisation, rows % b"Public decree", "actors.csv")
    assert isinstance(report, dict)
    assert (report["sources_created"], report["citations_created"]) == (1, 1)
    assert Source.objects.filter(title="Secret decree").count() == 1
