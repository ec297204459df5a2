"""Writing the audit log. Services of other apps call these in the same transaction as the change they record.

Typical use in a service::

    before = snapshot(actor)
    ...apply the change, actor.save()...
    audit_record(user=user, action=Action.UPDATE, instance=actor, before=before, after=snapshot(actor))

For a deletion, record before deleting (or pass the snapshot: the id is read from it once the instance has none).
"""

import base64
import datetime
import decimal
import itertools
import operator
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation

from egide.audit.context import current
from egide.audit.models import Action, AuditEvent
from egide.core.inserts import insert_rows
from egide.core.users import Caller, author

EXCLUDED_FIELDS = frozenset({"created_at", "updated_at", "created_by", "updated_by", "version"})
REPR_MAX_LENGTH = AuditEvent._meta.get_field("object_repr").max_length or 300
BATCH_SIZE = 500


def json_safe(value: Any) -> Any:
    """A value that JSON can store and read back unchanged: dates as ISO text, decimals and UUIDs as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values, JSON-safe (foreign keys as ids), without the bookkeeping fields."""
    return {
        field.name: json_safe(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if field.name not in EXCLUDED_FIELDS
    }


def snapshot_of_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """What `snapshot` gives for a record of `model` holding `values` (by the fields' attribute names: `owner_id`,
    each field present), for records written without instances."""
    taken = {}
    for name, attname in _snapshot_fields(model):
        value = values[attname]
        taken[name] = value if type(value) in _SAFE else json_safe(value)
    return taken


_SAFE = frozenset({str, int, bool, float, type(None)})


class RowSnapshots:
    """`snapshot_of_values` for many rows with the same columns (by the fields' attribute names, the id among
    them), such as an import's new records: where each field of the snapshot is in a row is worked out once."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        fields = _snapshot_fields(model)
        self._names = tuple(name for name, _attname in fields)
        positions = [columns.index(attname) for _name, attname in fields]
        take = operator.itemgetter(*positions)
        self._take: Callable[[Sequence[Any]], tuple[Any, ...]] = (
            take if len(positions) > 1 else lambda row: (take(row),)  # one position: itemgetter gives no tuple
        )

    def __call__(self, row: Sequence[Any]) -> dict[str, Any]:
        values = self._take(row)
        if set(map(type, values)) <= _SAFE:  # checked in C: no value needs making JSON-safe
            return dict(zip(self._names, values, strict=True))
        return {
            name: value if type(value) in _SAFE else json_safe(value)
            for name, value in zip(self._names, values, strict=True)
        }


_SNAPSHOT_FIELDS: dict[type[models.Model], tuple[tuple[str, str], ...]] = {}


def _snapshot_fields(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    if model not in _SNAPSHOT_FIELDS:
        _SNAPSHOT_FIELDS[model] = tuple(
            (field.name, field.attname) for field in model._meta.concrete_fields if field.name not in EXCLUDED_FIELDS
        )
    return _SNAPSHOT_FIELDS[model]


def _object_repr(instance: models.Model) -> str:
    """The record's name in the platform's default language, so that the log reads (and searches) the same
    whoever made the change; a deleted record whose related records are gone too falls back to its type and id."""
    with translation.override(settings.LANGUAGE_CODE):
        return _repr_in_active_language(instance)


def _repr_in_active_language(instance: models.Model) -> str:
    # A record that names a person (egide.duediligence) is logged under a name that says nothing of the person:
    # the log outlives an erasure and cannot be changed.
    audit_name = getattr(instance, "audit_name", None)
    if isinstance(audit_name, str):
        return audit_name[:REPR_MAX_LENGTH]
    try:
        text = str(instance)
    except ObjectDoesNotExist:
        text = f"{instance._meta.verbose_name} #{instance.pk}"
    return text[:REPR_MAX_LENGTH]


def _object_id(instance: models.Model, before: dict[str, Any] | None) -> int:
    pk = instance.pk
    if pk is None and before is not None:
        pk = before.get(instance._meta.pk.name if instance._meta.pk else "id")
    if pk is None:
        raise ValueError(
            "An audit event needs a saved record: record a deletion before deleting, or pass its snapshot."
        )
    return int(pk)


def _country(instance: models.Model) -> str:
    country = getattr(instance, "country", "")
    return country if isinstance(country, str) and len(country) <= 2 else ""


@dataclass(frozen=True, slots=True)
class _Writer:
    """What every event of one change shares: who made it, from where, and the verb."""

    user: User | None
    username: str
    ip: str | None
    channel: str
    action: Action

    @classmethod
    def of(cls, user: Caller, action: Action) -> "_Writer":
        action = Action(action)  # ValueError for a verb the enumeration does not declare
        context = current()
        recorded_user = author(user)
        username = recorded_user.get_username() if recorded_user is not None else ""
        return cls(recorded_user, username, context.ip, context.channel, action)

    def event(self, instance: models.Model, before: dict | None, after: dict | None, *, name: str) -> AuditEvent:
        return AuditEvent(
            user=self.user,
            username=self.username,
            ip=self.ip,
            channel=self.channel,
            action=self.action,
            content_type=ContentType.objects.get_for_model(instance),
            object_id=_object_id(instance, before),
            object_repr=name,
            country=_country(instance),
            # A confidential record's owner, or the organisation a membership belongs to.
            organisation_id=getattr(instance, "owner_id", None) or getattr(instance, "organisation_id", None),
            before=json_safe(before) if before is not None else None,
            after=json_safe(after) if after is not None else None,
        )


def audit_record(
    *, user: Caller, action: Action, instance: models.Model, before: dict | None, after: dict | None
) -> AuditEvent:
    """Record one event on one record. `user` may be None (command line) or anonymous; both are recorded as
    nobody. The organisation is the record's owner now, the country the record's country."""
    event = _Writer.of(user, action).event(instance, before, after, name=_object_repr(instance))
    event.save()
    return event


def audit_records_bulk(
    *,
    user: Caller,
    action: Action,
    items: Iterable[tuple[models.Model, dict | None, dict | None]],
) -> int:
    """Record the same verb on many records at once (imports): one insert per 500 events, the items read 500 at a
    time, so that a generator of them keeps one batch of events in memory whatever their number. Returns the
    count."""
    writer = _Writer.of(user, action)
    count = 0
    for batch in itertools.batched(items, BATCH_SIZE):
        with translation.override(settings.LANGUAGE_CODE):
            events = [
                writer.event(instance, before, after, name=_repr_in_active_language(instance))
                for instance, before, after in batch
            ]
        AuditEvent.objects.bulk_create(events)
        count += len(events)
    return count


AuditRow = tuple[int, str, str, int | None, dict[str, Any] | None, dict[str, Any] | None]
"""One event of `audit_rows_bulk`: the record's id, its name (as `str(record)` in the platform's default
language), country and owner organisation's id, and its snapshots before and after, JSON-safe (as `snapshot` and
`snapshot_of_values` give them)."""

_EVENT_COLUMNS = (
    "created_at",
    "user_id",
    "username",
    "ip",
    "channel",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "country",
    "organisation_id",
    "before",
    "after",
)


def audit_rows_bulk(*, user: Caller, action: Action, model: type[models.Model], rows: Iterable[AuditRow]) -> int:
    """`audit_records_bulk` for records of one model known by their values rather than as instances (imports
    that write rows without the ORM): the same events, written without an instance each. `rows` is read one
    batch at a time. Returns the count."""
    writer = _Writer.of(user, action)
    fixed = (
        timezone.now(),
        writer.user.pk if writer.user is not None else None,
        writer.username,
        writer.ip,
        str(writer.channel),
        str(writer.action),
        ContentType.objects.get_for_model(model).pk,
    )
    count = 0

    def events() -> Iterable[tuple[Any, ...]]:
        nonlocal count
        for object_id, name, country, organisation_id, before, after in rows:
            count += 1
            yield (
                *fixed,
                object_id,
                name[:REPR_MAX_LENGTH],
                country if len(country) <= 2 else "",
                organisation_id,
                before,
                after,
            )

    insert_rows(AuditEvent, _EVENT_COLUMNS, events(), ids=False)
    return count
