"""What a reader sees of the audit log: the one place that decides, used by every page that shows audit events.

The rule (README, "Who sees what"):

- Platform staff, and the members of the organisation that owns the record now or that owned it when the change
  was made (a membership limited to some countries must cover the record's country), read an event in full: who,
  when, from which address and channel, and every value before and after.
- Anyone else who may read the record sees when, the action and the fields changed, and a value only when all of
  these hold: the field is not the owner nor the confidentiality, the event is not a share or its withdrawal, the
  record as it stood on that side of the change (before, for an earlier value; after, for a new one) is one the
  reader may read with their access today, and a value naming another record (a parent, a relationship's actor,
  a cited source) names one the reader may read today. Other values are marked "not shown".

Pure decisions (`reads_in_full`, `state_readable`, `event_states`) are apart from the queries that feed them.
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from egide.accounts.models import Confidentiality, ConfidentialRecord, Share
from egide.accounts.selectors import Reach, reach_of, visible
from egide.audit.display import ChangeRow, Display, change_rows, linked_ids
from egide.audit.models import Action, AuditEvent
from egide.audit.selectors import content_type_label, record_history
from egide.core.users import Caller

ACCESS_FIELDS = frozenset({"owner", "confidentiality"})
"""Who may read a record: for the owner's members only, whatever the level."""
ACCESS_ACTIONS = frozenset({Action.SHARE, Action.UNSHARE})
"""Which organisations a record is shared with: for the owner's members only."""
CITATION_ACTIONS = frozenset({Action.CITE, Action.UNCITE})
HISTORY_LENGTH = 50


@dataclass(frozen=True, slots=True)
class State:
    """What decides who may read a record at one moment."""

    confidentiality: str
    owner: int | None
    country: str


def state_of(values: Any) -> State | None:
    """The record's access state in a snapshot, or None when the snapshot does not hold it (a share, a citation)."""
    if not isinstance(values, dict) or "confidentiality" not in values:
        return None
    owner = values.get("owner")
    return State(
        confidentiality=str(values["confidentiality"]),
        owner=owner if isinstance(owner, int) else None,
        country=str(values.get("country") or ""),
    )


def _covering(reach: Reach, country: str) -> set[int]:
    """The reader's organisations whose membership covers the country (a record without a country: all)."""
    return {grant.organisation_id for grant in reach.grants if not country or grant.covers(country)}


def reads_in_full(reach: Reach, *, organisation_ids: Iterable[int | None], country: str) -> bool:
    return reach.superuser or bool(_covering(reach, country) & {pk for pk in organisation_ids if pk is not None})


def state_readable(reach: Reach, state: State | None, *, shared_with: frozenset[int] = frozenset()) -> bool:
    """Whether the reader, with their access today, may read a record in this state. `shared_with`: the
    organisations the record is shared with today."""
    if reach.superuser:
        return True
    if state is None:
        return False
    if state.confidentiality == Confidentiality.PUBLIC:
        return True
    covering = _covering(reach, state.country)
    if state.confidentiality == Confidentiality.PARTNERS:
        return bool(covering)
    if state.confidentiality == Confidentiality.ORGANISATION:
        return state.owner in covering
    if state.confidentiality == Confidentiality.RESTRICTED:
        return state.owner in covering or bool(covering & shared_with)
    return False


def event_states(events: Sequence[AuditEvent], current: State | None) -> list[tuple[State | None, State | None]]:
    """The record's state just before and just after each event (events newest first, `current`: the state now).

    Events that do not snapshot the record (shares, citations) happened in the state the next older snapshot
    left, which is the state the next newer event started from.
    """
    states = []
    tracked = current
    for event in events:
        after = state_of(event.after) or tracked
        before = state_of(event.before) or after
        states.append((before, after))
        tracked = before
    return states


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    created_at: datetime.datetime
    action: str
    action_label: str
    full: bool
    rows: list[ChangeRow]
    has_before: bool
    has_after: bool
    # Empty unless `full`.
    username: str = ""
    ip: str | None = None
    channel: str = ""
    record: str = ""
    record_type: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class History:
    entries: list[HistoryEntry] = field(default_factory=list)

    @property
    def shows_people(self) -> bool:
        return any(entry.full for entry in self.entries)

    def __iter__(self) -> Iterator[HistoryEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _relation(model: type[models.Model] | None, name: str) -> type[models.Model] | None:
    """The model a field points to, or None for a plain field."""
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    related = model_field.related_model if model_field.is_relation else None
    return related if isinstance(related, type) and issubclass(related, models.Model) else None


class _Withholding:
    """The values one reader may see in a set of events, with the few queries that decide it done up front."""

    def __init__(
        self,
        *,
        user: Caller,
        reach: Reach,
        events: Sequence[AuditEvent],
        shared_with: frozenset[int],
    ) -> None:
        self.reach = reach
        self.shared_with = shared_with
        wanted: dict[type[models.Model], set[Any]] = {}
        titles: set[str] = set()
        for event in events:
            model = ContentType.objects.get_for_id(event.content_type_id).model_class()
            for values in (event.before, event.after):
                if not isinstance(values, dict):
                    continue
                if event.action in CITATION_ACTIONS and isinstance(values.get("source"), str):
                    titles.add(values["source"])
                if event.action in CITATION_ACTIONS or event.action in ACCESS_ACTIONS:
                    continue  # their keys are not the record's fields: a relationship's "source" is its first actor
                for name, value in values.items():
                    related = _relation(model, name)
                    if related is not None and value not in (None, ""):
                        wanted.setdefault(related, set()).update(linked_ids(value))
        self.visible_related: dict[type[models.Model], set[Any]] = {
            related: set(visible(related._default_manager.filter(pk__in=ids), user=user).values_list("pk", flat=True))
            for related, ids in wanted.items()
            if issubclass(related, ConfidentialRecord)
        }
        self.visible_titles: set[str] = set()
        if titles:
            # A citation names a source; the actors app decides which sources a reader may see.
            from egide.actors.selectors import sources_visible

            self.visible_titles = set(
                sources_visible(user=user).filter(title__in=titles).values_list("title", flat=True)
            )

    def shown(self, event: AuditEvent, before: State | None, after: State | None) -> Any:
        model = ContentType.objects.get_for_id(event.content_type_id).model_class()

        def decide(name: str, side: str) -> bool:
            values = event.before if side == "before" else event.after
            if not isinstance(values, dict) or event.action in ACCESS_ACTIONS or name in ACCESS_FIELDS:
                return False
            state = before if side == "before" else after
            if not state_readable(self.reach, state, shared_with=self.shared_with):
                return False
            value = values.get(name)
            if event.action in CITATION_ACTIONS:
                return values.get("source") in self.visible_titles
            related = _relation(model, name)
            if isinstance(value, list) and related is not None:
                # A list of linked records' ids (a many-to-many field) is shown, each record named only to those
                # who may see it (egide.audit.display); a list of their names (written by the admin) is not.
                return value == linked_ids(value)
            if related is None or value in (None, ""):
                return True
            return value in self.visible_related.get(related, set())

        return decide


def history_entries(*, user: Caller, events: Iterable[AuditEvent], record: models.Model | None = None) -> History:
    """The events as the reader may see them (see the module's rule). `record`: the one record all the events are
    about, when a record's page shows its history; without it, each event is judged on its own snapshots."""
    events = list(events)
    reach = reach_of(user)
    owner_now = getattr(record, "owner_id", None) if record is not None else None
    current = state_of(
        {
            "confidentiality": getattr(record, "confidentiality", None),
            "owner": owner_now,
            "country": getattr(record, "country", ""),
        }
        if record is not None and hasattr(record, "confidentiality")
        else None
    )
    full = [
        reads_in_full(reach, organisation_ids=(owner_now, event.organisation_id), country=event.country)
        for event in events
    ]
    partial = [event for event, whole in zip(events, full, strict=True) if not whole]
    withholding: _Withholding | None = None
    states: list[tuple[State | None, State | None]] = []
    if partial:
        states = event_states(events, current)
        shared_with: frozenset[int] = frozenset()
        if record is not None and record.pk is not None:
            shared_with = frozenset(
                Share.objects.filter(
                    content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
                ).values_list("organisation_id", flat=True)
            )
        withholding = _Withholding(user=user, reach=reach, events=partial, shared_with=shared_with)
    display = Display(user)
    display.prepare(events)
    entries = []
    for index, (event, whole) in enumerate(zip(events, full, strict=True)):
        if whole:
            rows = change_rows(event, display)
        else:
            assert withholding is not None
            rows = change_rows(event, display, withholding.shown(event, *states[index]))
        entries.append(
            HistoryEntry(
                created_at=event.created_at,
                action=event.action,
                action_label=event.action_label,
                full=whole,
                rows=rows,
                has_before=event.before is not None,
                has_after=event.after is not None,
                username=event.username if whole else "",
                ip=event.ip if whole else None,
                channel=str(event.get_channel_display()) if whole else "",
                record=event.object_repr if whole else "",
                record_type=content_type_label(ContentType.objects.get_for_id(event.content_type_id)) if whole else "",
                country=event.country if whole else "",
            )
        )
    return History(entries)


def record_history_for(*, user: Caller, instance: models.Model, limit: int = HISTORY_LENGTH) -> History:
    """The record's latest events as the reader may see them. The caller has checked that the reader may see the
    record itself."""
    return history_entries(user=user, events=record_history(instance=instance)[:limit], record=instance)
