"""Writing the audit log: snapshots, one event, many events at once."""

import datetime
import json

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from egide.accounts.models import Membership, Organisation, OrganisationType
from egide.actors import services as actor_services
from egide.actors.data import CitationData, RelationshipData
from egide.actors.models import Actor, Relationship
from egide.audit.context import audit_context
from egide.audit.models import AuditEvent
from egide.audit.services import RowSnapshots, audit_record, audit_records_bulk, snapshot
from egide.core.fuzzy_dates import FuzzyDate
from tests.audit.conftest import People, RecordFactory
from tests.conftest import SmallMap

# --- snapshot ------------------------------------------------------------------------------------------------


def test_snapshot_holds_the_concrete_fields_with_foreign_keys_as_ids(owned_actor: Actor, people: People) -> None:
    values = snapshot(owned_actor)
    assert values["id"] == owned_actor.pk
    assert values["name_en"] == "National Police"
    assert values["reference"] == "POL"
    assert values["country"] == "CF"
    assert values["owner"] == people.owner.pk
    assert values["parent"] is None
    assert values["statutory"] is True
    assert values["confidentiality"] == "partners"


def test_snapshot_leaves_out_the_bookkeeping_fields(owned_actor: Actor) -> None:
    assert not {"created_at", "updated_at", "created_by", "updated_by"} & set(snapshot(owned_actor))


def test_snapshot_is_json_safe_with_dates_as_iso_text(small_map: SmallMap) -> None:
    relationship = actor_services.relationship_update(
        user=None,
        relationship=small_map.commands,
        data=RelationshipData(
            source=small_map.presidency,
            target=small_map.army,
            type="commands",
            start=FuzzyDate.parse("2016-03"),
            end=FuzzyDate.parse("2020-01-15"),
            ongoing=False,
        ),
    )
    values = snapshot(relationship)
    assert values["start_date"] == "2016-03-01"
    assert values["start_precision"] == "month"
    assert values["end_date"] == "2020-01-15"
    assert values["source"] == small_map.presidency.pk
    assert json.loads(json.dumps(values)) == values


def test_snapshot_of_an_uploaded_document_is_its_stored_name(db: None) -> None:
    source = actor_services.source_get_or_create(
        user=None,
        country="CF",
        citation=CitationData(title="Constitution"),
        document=SimpleUploadedFile("constitution.pdf", b"%PDF-1.4 text"),
    )
    values = snapshot(source)
    assert isinstance(values["document"], str)
    assert values["document"].endswith(".pdf")


def test_snapshot_keeps_json_fields_as_they_are(people: People) -> None:
    membership = Membership.objects.create(user=people.superuser, organisation=people.other, countries=["CF", "CD"])
    assert snapshot(membership)["countries"] == ["CF", "CD"]


# --- audit_record --------------------------------------------------------------------------------------------


def test_audit_record_stores_who_what_where_and_the_values(owned_actor: Actor, people: People) -> None:
    before = snapshot(owned_actor)
    owned_actor.name_en = "National Police Force"
    owned_actor.save()
    event = audit_record(
        user=people.editor, action="update", instance=owned_actor, before=before, after=snapshot(owned_actor)
    )
    event.refresh_from_db()
    assert event.user == people.editor
    assert event.username == "eddie"
    assert event.action == "update"
    assert event.content_type == ContentType.objects.get_for_model(Actor)
    assert event.object_id == owned_actor.pk
    assert event.object_repr == "National Police Force"
    assert event.country == "CF"
    assert event.organisation == people.owner
    assert event.before is not None
    assert event.before["name_en"] == "National Police"
    assert event.after is not None
    assert event.after["name_en"] == "National Police Force"
    assert event.created_at is not None


def test_outside_a_request_the_channel_is_the_command_line_with_no_address(owned_actor: Actor) -> None:
    event = audit_record(user=None, action="create", instance=owned_actor, before=None, after=snapshot(owned_actor))
    assert (event.channel, event.ip) == ("cli", None)


def test_the_request_context_gives_the_address_and_channel(owned_actor: Actor) -> None:
    with audit_context(ip="2001:db8::1", channel="api"):
        event = audit_record(user=None, action="create", instance=owned_actor, before=None, after={})
    event.refresh_from_db()
    assert (event.channel, event.ip) == ("api", "2001:db8::1")


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_nobody_is_recorded_for_the_command_line_or_an_anonymous_user(
    owned_actor: Actor, user: AnonymousUser | None
) -> None:
    event = audit_record(user=user, action="create", instance=owned_actor, before=None, after={})
    assert event.user is None
    assert event.username == ""


def test_a_record_without_country_or_owner_leaves_them_empty(people: People) -> None:
    event = audit_record(user=people.superuser, action="create", instance=people.other, before=None, after={})
    assert event.country == ""
    assert event.organisation is None
    assert event.object_repr == "OM — Other Mission"


def test_the_record_name_is_written_in_the_default_language(owned_actor: Actor) -> None:
    owned_actor.name_fr = "Police nationale"
    owned_actor.save()
    with translation.override("fr"):
        event = audit_record(user=None, action="update", instance=owned_actor, before={}, after={})
    assert event.object_repr == "National Police"


def test_a_long_record_name_is_cut_to_fit(make_record: RecordFactory) -> None:
    actor = make_record("N" * 300)
    actor.name_en += " and more"
    event = audit_record(user=None, action="create", instance=actor, before=None, after={})
    assert event.object_repr == "N" * 300


def test_a_deletion_recorded_after_the_fact_takes_the_id_from_the_snapshot(owned_actor: Actor) -> None:
    pk = owned_actor.pk
    before = snapshot(owned_actor)
    owned_actor.delete()
    event = audit_record(user=None, action="delete", instance=owned_actor, before=before, after=None)
    assert event.object_id == pk
    assert event.object_repr == "National Police"
    assert event.after is None


def test_an_unsaved_record_without_snapshot_is_refused(db: None) -> None:
    with pytest.raises(ValueError, match="saved record"):
        audit_record(user=None, action="create", instance=Actor(name_en="Ghost"), before=None, after=None)


def test_the_event_outlives_the_account_and_the_organisation(owned_actor: Actor, people: People) -> None:
    organisation = Organisation.objects.create(
        name_en="Short-lived", name_fr="Éphémère", acronym="SL", type=OrganisationType.OTHER
    )
    owned_actor.owner = organisation
    event = audit_record(user=people.editor, action="update", instance=owned_actor, before={}, after={})
    owned_actor.owner = people.owner
    owned_actor.save()
    people.editor.delete()
    organisation.delete()
    event.refresh_from_db()
    assert event.user is None
    assert event.organisation is None
    assert event.username == "eddie"


# --- audit_records_bulk --------------------------------------------------------------------------------------


def test_bulk_records_every_item_in_one_insert(
    make_record: RecordFactory, people: People, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    actors = [make_record(f"Unit {number}", owner=people.owner) for number in range(5)]
    items: list[tuple[Model, dict | None, dict | None]] = [(actor, None, snapshot(actor)) for actor in actors]
    ContentType.objects.get_for_model(Actor)  # warm the content type cache, as any running server has
    with django_assert_num_queries(1):
        count = audit_records_bulk(user=people.administrator, action="import", items=items)
    assert count == 5
    events = AuditEvent.objects.filter(action="import")
    assert sorted(events.values_list("object_repr", flat=True)) == [f"Unit {number}" for number in range(5)]
    assert set(events.values_list("username", "organisation", "channel", "country")) == {
        ("ada", people.owner.pk, "cli", "CF")
    }
    assert all(event.created_at is not None for event in events)


def test_bulk_with_no_items_records_nothing(db: None) -> None:
    assert audit_records_bulk(user=None, action="import", items=[]) == 0
    assert not AuditEvent.objects.exists()


def test_bulk_accepts_a_plain_user(make_record: RecordFactory) -> None:
    user = User.objects.create_user(username="importer", password="a-long-test-password")
    actor = make_record("Gendarmerie")
    assert audit_records_bulk(user=user, action="create", items=[(actor, None, snapshot(actor))]) == 1
    assert AuditEvent.objects.get().user == user


def test_snapshots_of_rows_are_those_of_the_records(small_map: SmallMap) -> None:
    """`RowSnapshots` gives what `snapshot` gives for the record written from the row, dates and all, in whichever
    order the row's columns come."""
    relationship = small_map.oversees
    relationship.start_date = datetime.date(2016, 3, 30)
    relationship.save()
    columns = [field.attname for field in Relationship._meta.concrete_fields][::-1]
    row = [getattr(relationship, name) for name in columns]
    assert RowSnapshots(Relationship, columns)(row) == snapshot(relationship)
    plain = Actor._meta.concrete_fields
    actor_columns = [field.attname for field in plain]
    assert RowSnapshots(Actor, actor_columns)([getattr(small_map.army, name) for name in actor_columns]) == snapshot(
        small_map.army
    )
