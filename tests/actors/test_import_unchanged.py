"""Importing a file that changes nothing writes nothing, and a file changing one row changes that record alone.

The same file imported again into the same map is answered from what the last import of it found (egide.actors.
import_memo), without reading the country's records: never for a map changed since, nor for a user who sees other
records, nor without checking again the right to import for the owner. An import that wrote records leaves that
answer for the map it wrote, so that the first re-import is answered at once too; it is the answer a full check
gives.
"""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Organisation
from egide.actors import services
from egide.actors.data import ActorData
from egide.actors.importer import ImportRejected, ImportReport, map_file_import
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.tabular import write_csv, write_zip
from egide.audit.models import AuditEvent
from egide.imports.models import MapTransfer

ACTOR_COLUMNS = ("reference", "kind", "name_en", "name_fr", "parent", "confidentiality")
MAP_TABLES = (Actor, Relationship, Source, Citation)


def _file(*, army: str = "Armed Forces", confidentiality: str = "") -> bytes:
    actors = write_csv(
        ACTOR_COLUMNS,
        [
            ("PR", "head_of_state", "Presidency", "Présidence", "", confidentiality),
            ("MOD", "ministry_of_defence", "Ministry of Defence", "Ministère de la Défense", "PR", confidentiality),
            ("FACA", "armed_forces", army, "Forces armées", "MOD", confidentiality),
        ],
    )
    relationships = write_csv(
        ("from", "type", "to", "strength", "confidentiality"),
        [("PR", "commands", "FACA", "strong", confidentiality), ("MOD", "commands", "FACA", "", confidentiality)],
    )
    citations = write_csv(
        ("record", "actor", "title", "url", "locator"),
        [("actor", "FACA", "Constitution", "https://example.org/constitution", "Article 12")],
    )
    return write_zip({"actors.csv": actors, "relationships.csv": relationships, "citations.csv": citations})


MAP = _file()
"""The file, made once: a ZIP records the time its members were written, so each `_file()` may differ."""


def _import(user: User, owner: Organisation, data: bytes) -> ImportReport:
    return map_file_import(user=user, country="CF", filename="map.zip", data=data, owner=owner)


def _records() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int, int]:
    """Every record of the map with its version and time of change, and the counts of sources and citations."""
    actors = list(Actor.objects.order_by("pk").values_list("pk", "version", "updated_at", "name_en", "parent_id"))
    relationships = list(Relationship.objects.order_by("pk").values_list("pk", "version", "updated_at", "strength"))
    return actors, relationships, Source.objects.count(), Citation.objects.count()


def _record_events() -> list[tuple[str, str, int]]:
    """The audit log's events about records, leaving out the log of imports itself."""
    transfers = ContentType.objects.get_for_model(MapTransfer)
    events = AuditEvent.objects.exclude(content_type=transfers).order_by("pk")
    return list(events.values_list("action", "content_type__model", "object_id"))


def _writes_to_the_map(queries: CaptureQueriesContext) -> list[str]:
    tables = tuple(model._meta.db_table for model in MAP_TABLES)
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))
        and any(table in query["sql"] for table in tables)
    ]


def test_importing_an_unchanged_file_again_writes_nothing(member: User, organisation: Organisation) -> None:
    first = _import(member, organisation, MAP)
    assert (first.actors_created, first.relationships_created, first.citations_created) == (3, 2, 1)
    records, events = _records(), _record_events()
    for _time in range(2):  # answered from what the writing import left, then from what that answer was
        with CaptureQueriesContext(connection) as queries:
            again = _import(member, organisation, MAP)
        assert again == ImportReport(actors_unchanged=3, relationships_unchanged=2)
        assert _writes_to_the_map(queries) == []
        assert _records() == records
        assert _record_events() == events


def test_a_file_changing_one_row_changes_that_record_alone(member: User, organisation: Organisation) -> None:
    _import(member, organisation, MAP)
    _import(member, organisation, MAP)  # found unchanged, and remembered so
    actors, relationships, sources, citations = _records()
    events = _record_events()

    report = _import(member, organisation, _file(army="National Armed Forces"))

    assert report == ImportReport(actors_updated=1, actors_unchanged=2, relationships_unchanged=2)
    army = Actor.objects.get(reference="FACA")
    after_actors, after_relationships, after_sources, after_citations = _records()
    assert [row for row in after_actors if row[0] != army.pk] == [row for row in actors if row[0] != army.pk]
    [(_pk, version, updated_at, _name, _parent)] = [row for row in actors if row[0] == army.pk]
    assert (army.version, army.name_en) == (version + 1, "National Armed Forces")
    assert army.updated_at > updated_at
    assert (after_relationships, after_sources, after_citations) == (relationships, sources, citations)
    assert _record_events() == [*events, ("update", "actor", army.pk)]


def test_the_same_file_again_is_answered_without_reading_the_map(member: User, organisation: Organisation) -> None:
    _import(member, organisation, MAP)
    _import(member, organisation, MAP)
    with CaptureQueriesContext(connection) as queries:
        report = _import(member, organisation, MAP)
    assert report == ImportReport(actors_unchanged=3, relationships_unchanged=2)
    read = [query["sql"] for query in queries.captured_queries if Actor._meta.db_table in query["sql"]]
    assert read == []


def test_a_record_changed_since_is_checked_again(member: User, organisation: Organisation) -> None:
    _import(member, organisation, MAP)
    _import(member, organisation, MAP)
    army = Actor.objects.get(reference="FACA")
    data = ActorData(
        kind=army.kind,
        name_en="Army of the Republic",
        name_fr=army.name_fr,
        reference=army.reference,
        parent=army.parent,
        owner=army.owner,
        confidentiality=army.confidentiality,
    )
    services.actor_update(user=member, actor=army, data=data, expected_version=army.version)

    report = _import(member, organisation, MAP)

    assert report == ImportReport(actors_updated=1, actors_unchanged=2, relationships_unchanged=2)
    assert Actor.objects.get(reference="FACA").name_en == "Armed Forces"


def test_a_user_who_sees_other_records_is_not_given_the_answer(
    member: User, organisation: Organisation, outsider: User, other_organisation: Organisation
) -> None:
    """The outsider cannot see the member organisation's records: to them the file's references are taken."""
    hidden = _file(confidentiality="organisation")
    _import(member, organisation, hidden)
    assert not _import(member, organisation, hidden).changed
    with pytest.raises(ImportRejected) as rejected:
        _import(outsider, other_organisation, hidden)
    messages = {problem.message for problem in rejected.value.problems}
    assert "This reference is already used by another actor of this country." in messages


def test_the_right_to_import_for_the_owner_is_checked_every_time(
    member: User, organisation: Organisation, other_organisation: Organisation
) -> None:
    _import(member, organisation, MAP)
    _import(member, organisation, MAP)
    with pytest.raises(PermissionDenied):
        _import(member, other_organisation, MAP)
    assert MapTransfer.objects.order_by("pk").last().outcome == "refused"  # type: ignore[union-attr]


def _richer_file(*, army: str = "Armed Forces") -> bytes:
    """Parents, every level of confidentiality, dates of each precision, an ended relationship, citations of
    actors and relationships, with and without a passage: what a full check compares."""
    actors = write_csv(
        (*ACTOR_COLUMNS, "statutory", "mandate_text"),
        [
            ("PR", "head_of_state", "Presidency", "Présidence", "", "public", "yes", "Constitution, art. 1"),
            ("MOD", "ministry_of_defence", "Ministry of Defence", "Ministère de la Défense", "PR", "partners", "", ""),
            ("FACA", "armed_forces", army, "Forces armées", "MOD", "organisation", "yes", ""),
            ("GEND", "gendarmerie", "Gendarmerie", "Gendarmerie", "MOD", "restricted", "no", ""),
        ],
    )
    relationships = write_csv(
        ("from", "type", "to", "start", "end", "ongoing", "strength", "confidentiality"),
        [
            ("PR", "commands", "FACA", "2016", "", "yes", "strong", "public"),
            ("MOD", "commands", "FACA", "2016-03", "", "", "", "partners"),
            ("MOD", "administers", "GEND", "2016-03-30", "2020-01", "no", "weak", "restricted"),
            ("PR", "appoints", "GEND", "", "", "", "", "organisation"),
        ],
    )
    citations = write_csv(
        ("record", "actor", "from", "type", "to", "start", "title", "url", "locator"),
        [
            ("actor", "FACA", "", "", "", "", "Constitution", "https://example.org/constitution", "Article 12"),
            ("actor", "GEND", "", "", "", "", "Law on the gendarmerie", "", ""),
            ("relationship", "", "MOD", "administers", "GEND", "2016-03-30", "Decree 2016-1", "", "art. 3"),
        ],
    )
    return write_zip({"actors.csv": actors, "relationships.csv": relationships, "citations.csv": citations})


RICHER = _richer_file()


@pytest.mark.parametrize("importer", ["member", "platform"])
def test_the_answer_a_writing_import_leaves_is_the_full_checks(
    importer: str, member: User, organisation: Organisation
) -> None:
    """The first import writes and leaves the answer for the map it wrote; the same file imported again is answered
    from it, without reading the map; and a full check of every row (the answer forgotten) finds the same."""
    user = member if importer == "member" else None
    first = map_file_import(user=user, country="CF", filename="map.zip", data=RICHER, owner=organisation)
    assert (first.actors_created, first.relationships_created, first.citations_created) == (4, 4, 3)
    records, events = _records(), _record_events()

    with CaptureQueriesContext(connection) as queries:
        remembered = map_file_import(user=user, country="CF", filename="map.zip", data=RICHER, owner=organisation)
    assert [query["sql"] for query in queries.captured_queries if Actor._meta.db_table in query["sql"]] == []
    assert remembered == ImportReport(actors_unchanged=4, relationships_unchanged=4)

    cache.clear()  # forgotten: every row checked against the records
    with CaptureQueriesContext(connection) as queries:
        checked = map_file_import(user=user, country="CF", filename="map.zip", data=RICHER, owner=organisation)
    assert any(Actor._meta.db_table in query["sql"] for query in queries.captured_queries)
    assert checked == remembered
    assert _writes_to_the_map(queries) == []
    assert (_records(), _record_events()) == (records, events)


def test_a_file_updating_records_leaves_the_answer_for_the_map_it_wrote(
    member: User, organisation: Organisation
) -> None:
    """An import that changes records (not only creates them) leaves the answer too, and a changed row after it
    is still written, with its audit entry."""
    map_file_import(user=member, country="CF", filename="map.zip", data=RICHER, owner=organisation)
    renamed = _richer_file(army="National Armed Forces")
    report = map_file_import(user=member, country="CF", filename="map.zip", data=renamed, owner=organisation)
    assert report == ImportReport(actors_updated=1, actors_unchanged=3, relationships_unchanged=4)
    with CaptureQueriesContext(connection) as queries:
        again = map_file_import(user=member, country="CF", filename="map.zip", data=renamed, owner=organisation)
    assert again == ImportReport(actors_unchanged=4, relationships_unchanged=4)
    assert [query["sql"] for query in queries.captured_queries if Actor._meta.db_table in query["sql"]] == []
    cache.clear()
    assert map_file_import(user=member, country="CF", filename="map.zip", data=renamed, owner=organisation) == again

    events = _record_events()
    back = map_file_import(user=member, country="CF", filename="map.zip", data=RICHER, owner=organisation)
    assert back == ImportReport(actors_updated=1, actors_unchanged=3, relationships_unchanged=4)
    army = Actor.objects.get(reference="FACA")
    assert army.name_en == "Armed Forces"
    assert _record_events() == [*events, ("update", "actor", army.pk)]


def test_an_import_rolled_back_leaves_no_answer(member: User, organisation: Organisation) -> None:
    """The answer is kept under the version the import gave the map: rolled back with the import, that version is
    never the map's, and the file is checked (and written) again."""

    def rolled_back() -> None:
        with transaction.atomic():
            map_file_import(user=member, country="CF", filename="map.zip", data=RICHER, owner=organisation)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        rolled_back()
    assert not Actor.objects.filter(country="CF", reference="GEND").exists()
    report = map_file_import(user=member, country="CF", filename="map.zip", data=RICHER, owner=organisation)
    assert (report.actors_created, report.relationships_created, report.citations_created) == (4, 4, 3)
