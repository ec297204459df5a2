"""The import's bulk writing: a fixed number of queries whatever the file's size, the same audit entries as the
services write, one new map version, and nothing written when a late step fails."""

import datetime
import decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from egide.accounts.models import Organisation
from egide.actors import importer
from egide.actors.documents import read_map_file
from egide.actors.importer import country_map_import
from egide.actors.models import Actor, Citation, MapVersion, Relationship, Source
from egide.actors.tabular import Tables, write_zip
from egide.actors.versions import map_version
from egide.audit.models import Action, AuditEvent
from egide.audit.services import snapshot
from egide.core.inserts import insert_rows, new_ids

KINDS = ("ministry_of_defence", "armed_forces", "police", "parliament", "head_of_state")
TYPES = ("coordinates_with", "reports_to")


def _map(actors: int) -> Tables:
    """A map of `actors` actors (each after the first under the one before it, every third citing a source),
    five relationships from each, the first cited, and a citations table citing every tenth relationship."""
    actor_rows = ["reference,kind,name_en,name_fr,parent,confidentiality,source_title,source_url,source_locator"]
    for number in range(actors):
        parent = f"A{number - 1}" if number % 4 else ""
        level = "restricted" if number % 7 == 3 else ""
        source = ("",) * 3
        if number % 3:
            source = (f"Report {number % 5}", f"https://example.org/{number % 5}", f"p. {number}")
        actor_rows.append(
            f"A{number},{KINDS[number % len(KINDS)]},Actor {number},Acteur {number},{parent},{level},{','.join(source)}"
        )
    relationship_rows = ["from,type,to,start,source_title,source_locator"]
    citation_rows = ["record,from,type,to,start,title,url,locator"]
    for number in range(actors):
        for step in range(1, 6):
            other = (number + step) % actors
            kind = TYPES[(number + step) % len(TYPES)]
            start = f"20{10 + step}"
            cited = ("Law", "art. 1") if step == 1 else ("", "")
            relationship_rows.append(f"A{number},{kind},A{other},{start},{','.join(cited)}")
            if (number * 5 + step) % 10 == 0:
                citation_rows.append(f"relationship,A{number},{kind},A{other},{start},Decree,,§ {number}")
    archive = write_zip(
        {
            "actors.csv": "\n".join(actor_rows).encode(),
            "relationships.csv": "\n".join(relationship_rows).encode(),
            "citations.csv": "\n".join(citation_rows).encode(),
        }
    )
    return read_map_file(archive, filename="map.zip")


def _queries(tables: Tables, *, user: User | None, owner: Organisation | None, country: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = country_map_import(user=user, country=country, tables=tables, owner=owner)
    assert report.actors_created == len(tables.actors)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(owner: User, organisation: Organisation) -> None:
    _queries(_map(12), user=owner, owner=organisation, country="ML")  # the record types' ids are read once
    small = _queries(_map(12), user=owner, owner=organisation, country="CF")
    large = _queries(_map(120), user=owner, owner=organisation, country="TD")
    assert large == small
    assert Relationship.objects.filter(country="TD").count() == 600
    assert Citation.objects.filter(source__country="TD").count() > 100


def test_a_reimport_writes_nothing_and_queries_no_more_for_more_rows(owner: User, organisation: Organisation) -> None:
    country_map_import(user=owner, country="CF", tables=_map(12), owner=organisation)
    country_map_import(user=owner, country="TD", tables=_map(120), owner=organisation)
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as small:
        assert not country_map_import(user=owner, country="CF", tables=_map(12), owner=organisation).changed
    with CaptureQueriesContext(connection) as large:
        assert not country_map_import(user=owner, country="TD", tables=_map(120), owner=organisation).changed
    assert len(large) == len(small)
    assert not any(query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE")) for query in large.captured_queries)
    assert AuditEvent.objects.count() == events


def _events(action: Action, model: type[Actor | Relationship | Source]) -> dict[int, AuditEvent]:
    content_type = ContentType.objects.get_for_model(model)
    events = AuditEvent.objects.filter(action=action, content_type=content_type)
    found = {event.object_id: event for event in events}
    assert len(found) == events.count(), "one entry per record"
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_new_record_has_the_entry_the_services_write(
    owner: User, organisation: Organisation, language: str
) -> None:
    with override_settings(LANGUAGE_CODE=language):
        country_map_import(user=owner, country="CF", tables=_map(30), owner=organisation)
    records: list[Actor | Relationship | Source] = [
        *Actor.objects.filter(country="CF"),
        *Relationship.objects.filter(country="CF").select_related("source", "target"),
        *Source.objects.filter(country="CF"),
    ]
    assert len(records) == 30 + 150 + 7
    for model in (Actor, Relationship, Source):
        assert set(_events(Action.CREATE, model)) == {record.pk for record in records if isinstance(record, model)}
    for record in records:
        event = _events(Action.CREATE, type(record))[record.pk]
        with translation.override(language):
            assert event.object_repr == str(record)
        assert event.after == snapshot(record)
        assert event.before is None
        assert (event.user, event.username, event.country) == (owner, owner.username, "CF")
        assert event.organisation_id == organisation.pk
    assert Actor.objects.get(reference="A5").parent == Actor.objects.get(reference="A4")
    assert _events(Action.CREATE, Actor)[Actor.objects.get(reference="A5").pk].after["parent"] is not None


def test_every_citation_has_its_entry_on_the_record_it_cites(owner: User, organisation: Organisation) -> None:
    country_map_import(user=owner, country="CF", tables=_map(30), owner=organisation)
    cite = AuditEvent.objects.filter(action=Action.CITE)
    citations = Citation.objects.filter(source__country="CF").select_related("source")
    assert cite.count() == citations.count()
    expected = sorted(
        (
            citation.actor_id or citation.relationship_id or 0,
            citation.source.title,
            citation.locator,
        )
        for citation in citations
    )
    found = sorted((event.object_id, event.after["source"], event.after["locator"]) for event in cite)
    assert found == expected
    relationship_type = ContentType.objects.get_for_model(Relationship)
    for event in cite.filter(content_type=relationship_type):
        record = Relationship.objects.select_related("source", "target").get(pk=event.object_id)
        assert event.object_repr == str(record)
        assert event.organisation_id == organisation.pk


def test_an_import_bumps_the_map_version_once(owner: User, organisation: Organisation) -> None:
    before = map_version(country="CF")
    table = MapVersion._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        country_map_import(user=owner, country="CF", tables=_map(30), owner=organisation)
    assert sum(table in query["sql"] for query in queries.captured_queries) == 1
    after = map_version(country="CF")
    assert after != before
    assert set(Actor.objects.filter(country="CF").values_list("version", flat=True)) == {1}
    country_map_import(user=owner, country="CF", tables=_map(30), owner=organisation)
    assert map_version(country="CF") == after, "an import that changes nothing keeps the version"


def test_a_failure_after_the_records_are_written_writes_nothing(
    owner: User, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = map_version(country="CF")
    written = importer.audit_rows_bulk

    def failing(**arguments: object) -> int:
        if arguments["action"] == Action.CITE:
            raise RuntimeError("the disk is full")
        return written(**arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "audit_rows_bulk", failing)
    with pytest.raises(RuntimeError):
        country_map_import(user=owner, country="CF", tables=_map(30), owner=organisation)
    assert not Actor.objects.exists()
    assert not Relationship.objects.exists()
    assert not Source.objects.exists()
    assert not Citation.objects.exists()
    assert not AuditEvent.objects.exists()
    assert map_version(country="CF") == version


def test_rows_are_inserted_with_their_ids_in_order(db: None) -> None:
    organisation = Organisation.objects.create(name_en="O", name_fr="O", acronym="O", type="ngo")
    rows = [
        ("CF", f"Source {number}", "", None, "day", "", organisation.pk, "", None, None, None, None)
        for number in range(3_000)
    ]
    now = datetime.datetime.now(datetime.UTC)
    columns = (
        "country",
        "title",
        "author",
        "published_on",
        "published_precision",
        "url",
        "owner_id",
        "document",
        "created_by_id",
        "updated_by_id",
        "created_at",
        "updated_at",
    )
    ids = insert_rows(Source, columns, [(*row[:10], now, now) for row in rows])
    assert len(ids) == 3_000
    titles = dict(Source.objects.values_list("pk", "title"))
    assert [titles[pk] for pk in ids] == [row[1] for row in rows]
    assert insert_rows(Source, columns, [], ids=True) == []
    with pytest.raises(ValueError, match="no field"):
        insert_rows(Source, ("nothing",), [("x",)])


def test_json_that_is_not_plain_is_written_by_the_fields_encoder(db: None) -> None:
    content_type = ContentType.objects.get_for_model(Source)
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)
    values = [{"plain": ["a", 1, 2.5, None, True]}, {"when": moment, "amount": decimal.Decimal("1.10")}]
    columns = ("created_at", "username", "channel", "action", "content_type_id", "object_id", "object_repr", "country")
    rows = [(moment, "", "cli", "create", content_type.pk, 1, "x", "", value) for value in values]
    insert_rows(AuditEvent, (*columns, "after"), rows)
    reference = AuditEvent(action="create", content_type=content_type, object_id=2, object_repr="y", after=values[1])
    reference.save()
    stored = list(AuditEvent.objects.order_by("id").values_list("after", flat=True))
    assert stored[0] == values[0]
    assert stored[1] == stored[2] == {"when": "2026-01-02T03:04:05.678Z", "amount": "1.10"}


def test_an_actor_may_come_before_its_parent_in_the_file(owner: User, organisation: Organisation) -> None:
    archive = write_zip(
        {
            "actors.csv": (
                "reference,kind,name_en,name_fr,parent\n"
                "UNIT,police,Unit,Unité,HQ\n"
                "HQ,police,Headquarters,Direction,MOI\n"
                "MOI,ministry_of_interior,Ministry,Ministère,\n"
            ).encode()
        }
    )
    country_map_import(user=owner, country="CF", tables=read_map_file(archive, filename="map.zip"), owner=organisation)
    connection.check_constraints()  # the foreign keys, checked at once rather than at the end of the test
    actors = {actor.reference: actor for actor in Actor.objects.filter(country="CF")}
    assert actors["UNIT"].parent_id == actors["HQ"].pk
    assert actors["HQ"].parent_id == actors["MOI"].pk
    assert actors["MOI"].parent_id is None
    created = _events(Action.CREATE, Actor)
    for actor in actors.values():
        assert created[actor.pk].after == snapshot(actor)
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists(), "each actor is written with its parent"


def test_new_ids_are_taken_in_order_where_the_database_gives_them(db: None) -> None:
    taken = new_ids(Source, 3)
    if connection.vendor == "sqlite":
        assert taken is None  # SQLite gives each row its id as it writes it
        return
    assert taken is not None
    assert len(taken) == 3
    assert taken == sorted(set(taken))
    assert new_ids(Source, 0) == []
    columns = ("id", "country", "title", "author", "published_precision", "url", "document", "created_at", "updated_at")
    now = datetime.datetime.now(datetime.UTC)
    insert_rows(Source, columns, [(pk, "CF", f"Source {pk}", "", "day", "", "", now, now) for pk in taken], ids=False)
    assert dict(Source.objects.values_list("pk", "title")) == {pk: f"Source {pk}" for pk in taken}
    later = new_ids(Source, 1)
    assert later is not None
    assert later[0] > taken[-1]
