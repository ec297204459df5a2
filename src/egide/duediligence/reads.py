"""Reads of people and incidents recorded in the audit log ("Consulted", `Action.READ`), for their owner
organisation's administrators ("who consulted what", `people_selectors.consultations`).

Every way a record's content reaches a reader is recorded, one event per record shown, filed under the record's
owner and country like the rest of its history: a visit to its page and the API's detail (an event without
detail), and here the other ways, named in the event's `after` as `{"via": ...}`: a page of the API's lists and
searches, its edit form, its posts read through the API, the risk listing of an assessment (with the
assessment's id). An event names the record by its type and id (`audit_name`) for a person, never by a name.
Many records read at once are written together: one insert per 500 events (egide.audit.services).
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import QuerySet

from egide.audit.models import Action
from egide.audit.services import audit_records_bulk
from egide.core.users import Caller
from egide.duediligence.models import Incident, Person

VIA_LIST = "list"
VIA_FORM = "form"
VIA_POSTS = "posts"
VIA_ASSESSMENT = "assessment"

Consulted = Person | Incident


def records_consulted(*, user: Caller, records: Iterable[Consulted], via: str, **context: int) -> int:
    """Record that the user read these records (each once) by `via`; returns how many events were written."""
    unique: dict[tuple[type, int], Consulted] = {}
    for record in records:
        unique.setdefault((type(record), record.pk), record)
    after: dict[str, Any] = {"via": via, **context}
    return audit_records_bulk(
        user=user, action=Action.READ, items=((record, None, dict(after)) for record in unique.values())
    )


class ConsultedPage[M: Consulted, T]:
    """A list answer of the API paginated lazily (as egide.api.common.LazyPage): only the requested slice is read,
    recorded as consulted by the caller, and turned into schemas by `convert`."""

    def __init__(self, user: Caller, records: QuerySet[M] | Sequence[M], convert: Callable[[M], T]) -> None:
        self.user = user
        self.records = records
        self.convert = convert

    def __len__(self) -> int:
        records = self.records
        return int(records.count()) if isinstance(records, QuerySet) else len(records)

    def count(self) -> int:
        return len(self)

    def __getitem__(self, item: slice) -> list[T]:
        page = list(self.records[item])
        records_consulted(user=self.user, records=page, via=VIA_LIST)
        return [self.convert(record) for record in page]
