"""The log cannot be changed or deleted through the product: not one event, not in bulk."""

import pytest
from django.db import connection
from django.db.models import Model

from egide.actors.models import Actor
from egide.audit.models import AuditEvent, action_label
from egide.audit.services import audit_record, snapshot


@pytest.fixture
def event(owned_actor: Actor) -> AuditEvent:
    return audit_record(user=None, action="create", instance=owned_actor, before=None, after=snapshot(owned_actor))


def _unchanged(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "create"
    assert stored.object_repr == "National Police"


def test_saving_an_existing_event_is_refused(event: AuditEvent) -> None:
    event.action = "delete"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.save(update_fields=["action"])
    fetched = AuditEvent.objects.get(pk=event.pk)
    fetched.object_repr = "Forged"
    with pytest.raises(PermissionError):
        fetched.save()
    _unchanged(event)


def test_forcing_an_update_of_a_new_instance_is_refused(event: AuditEvent) -> None:
    forged = AuditEvent(pk=event.pk, action="delete", content_type_id=event.content_type_id, object_id=1)
    with pytest.raises(PermissionError):
        forged.save(force_update=True)
    _unchanged(event)


def test_deleting_an_event_is_refused(event: AuditEvent) -> None:
    with pytest.raises(PermissionError):
        event.delete()
    _unchanged(event)


def test_updating_or_deleting_in_bulk_is_refused(event: AuditEvent) -> None:
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="delete")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="Forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.action = "delete"
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_update([event], ["action"])
    _unchanged(event)


def test_deleting_the_record_keeps_its_events(owned_actor: Actor, event: AuditEvent) -> None:
    owned_actor.delete()
    _unchanged(event)


def test_new_events_can_still_be_written(event: AuditEvent, owned_actor: Actor) -> None:
    instance: Model = owned_actor
    audit_record(user=None, action="update", instance=instance, before={}, after={})
    assert AuditEvent.objects.count() == 2


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("create", "Created"),
        ("update", "Changed"),
        ("delete", "Deleted"),
        ("share", "Shared"),
        ("sign_off", "Sign off"),
    ],
)
def test_actions_have_readable_labels(action: str, label: str) -> None:
    assert action_label(action) == label


def test_no_index_of_the_log_is_the_start_of_another(db: None) -> None:
    """Each event written updates every index of the log: an index whose columns begin another's serves no lookup
    the other does not, and only costs writing (an import writes tens of thousands of events)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)
    indexes = {
        name: tuple(found["columns"])
        for name, found in constraints.items()
        if found["index"] and not found["primary_key"]
    }
    assert "audit_record_history" in indexes
    assert "audit_organisation_log" in indexes
    for name, columns in indexes.items():
        covered = [other for other, longer in indexes.items() if other != name and longer[: len(columns)] == columns]
        assert not covered, f"{name} {columns} is the start of {covered}"
