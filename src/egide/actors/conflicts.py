"""What changed in a record between the version someone started from and now, read from the audit log, for the
message that refuses a stale save.

Each change the services save adds one to the record's version and writes one "update" event in the same
transaction, so the last (current − expected) update events are exactly the changes in between. What they show
follows what the reader may see: who made a change is named to the owner's members and platform staff only, and
an actor the reader cannot see is never named nor given by id.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from egide.accounts.models import Membership
from egide.actors.models import Actor, Relationship
from egide.actors.selectors import actors_visible
from egide.audit.display import Display, change_rows
from egide.audit.models import Action
from egide.audit.selectors import changes, record_history

MAX_CHANGES_SHOWN = 20
ACTOR_FIELDS = frozenset({"parent", "source", "target"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Change:
    when: datetime.datetime
    who: str  # empty when the reader may not know, or nobody (the command line) made it
    fields: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Conflict:
    changes: list[Change]
    count: int  # how many saves happened in between; more than len(changes) when only the last are shown


def _may_see_who(user: User | AnonymousUser, record: Actor | Relationship) -> bool:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return (
        user.is_authenticated
        and record.owner_id is not None
        and Membership.objects.filter(user_id=user.pk, organisation_id=record.owner_id).exists()
    )


def changes_since(*, user: User | AnonymousUser, record: Actor | Relationship, version: int) -> Conflict:
    """The changes saved to `record` (as it is now) after `version`, oldest first, as `user` may see them."""
    count = max(record.version - version, 0)
    events = list(record_history(instance=record).filter(action=Action.UPDATE)[: min(count, MAX_CHANGES_SHOWN)])
    events.reverse()
    mentioned = {
        value
        for event in events
        for name, _before, value in changes(event)
        if name in ACTOR_FIELDS and isinstance(value, int)
    }
    names = {actor.pk: actor.name for actor in actors_visible(user=user).filter(pk__in=mentioned)}
    show_who = _may_see_who(user, record)
    display = Display(user)
    result = []
    for event in events:
        after = event.after if isinstance(event.after, dict) else {}
        fields = []
        for row in change_rows(event, display):
            if row.field in ACTOR_FIELDS:
                pk = after.get(row.field)
                value = "—" if pk is None else names.get(pk, _("an actor you cannot see"))
            else:
                value = row.after or "—"
            fields.append(FieldChange(row.label, value))
        result.append(Change(when=event.created_at, who=event.username if show_who else "", fields=fields))
    return Conflict(changes=result, count=count)
