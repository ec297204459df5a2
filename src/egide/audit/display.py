"""Showing what an audit event changed to people: field labels, readable values, never raw JSON."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.accounts.models import Organisation
from egide.audit.models import AuditEvent
from egide.audit.selectors import changes


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One changed field. A value the reader may not see is empty and marked withheld."""

    field: str
    label: str
    before: str
    after: str
    before_withheld: bool = False
    after_withheld: bool = False

    @property
    def withheld(self) -> bool:
        """Nothing of the value shows: only the field's name (a side the event does not have counts as withheld)."""
        return self.before_withheld and self.after_withheld


# Shares and citations are recorded on their record's history with snapshots of their own, whose keys are not
# the record's fields (a relationship's "source" is its first actor, a citation's is the source's title).
NOTE_ACTIONS = frozenset({"share", "unshare", "cite", "uncite"})
EVENT_KEY_LABELS = {
    "organisation": gettext_lazy("organisation"),
    "can_edit": gettext_lazy("may edit"),
    "source": gettext_lazy("source"),
    "locator": gettext_lazy("page or passage"),
    "locator_fr": gettext_lazy("page or passage (French)"),
}

Shown = Callable[[str, str], bool]
"""Whether the reader may see a field's value on one side ("before" or "after") of an event."""


class Display:
    """Turns stored values into text, looking up organisations' acronyms once per page."""

    def __init__(self) -> None:
        self.acronyms: dict[int, str] | None = None

    def _acronym(self, pk: Any) -> str:
        if self.acronyms is None:
            self.acronyms = dict(Organisation.objects.values_list("pk", "acronym"))
        try:
            return self.acronyms.get(int(pk), f"#{pk}")
        except (TypeError, ValueError):
            return str(pk)

    def scalar(self, field: models.Field | None, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field is not None and field.is_relation and field.many_to_one:
            # Only organisations are named: other records might be ones the reader may not see.
            return self._acronym(value) if field.related_model is Organisation else f"#{value}"
        if field is not None and field.flatchoices:
            labels = {str(key): label for key, label in field.flatchoices}
            if str(value) in labels:
                return str(labels[str(value)])
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            try:
                return formats.date_format(datetime.datetime.fromisoformat(value), "DATETIME_FORMAT")
            except ValueError:
                return value
        if isinstance(value, list):
            return ", ".join(text for text in (self.scalar(None, item) for item in value) if text)
        if isinstance(value, dict):
            return "; ".join(f"{key}: {self.scalar(None, item)}" for key, item in value.items())
        if isinstance(value, float):
            return formats.number_format(value)
        return str(value)


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def change_rows(event: AuditEvent, display: Display | None = None, shown: Shown | None = None) -> list[ChangeRow]:
    """The fields the event changed, labelled in the reader's language, with readable before and after values.

    Pass one `Display` for a whole page, so that organisations' names are read once. `shown` withholds the values
    the reader may not see (egide.audit.history decides); without it every value is shown.
    """
    display = display or Display()
    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    rows = []
    for name, before, after in changes(event):
        field = None if event.action in NOTE_ACTIONS else _model_field(model, name)
        if field is not None:
            label = str(capfirst(field.verbose_name))
        elif name in EVENT_KEY_LABELS:
            label = str(capfirst(EVENT_KEY_LABELS[name]))
        else:
            label = name.replace("_", " ").capitalize()
        before_withheld = shown is not None and not shown(name, "before")
        after_withheld = shown is not None and not shown(name, "after")
        rows.append(
            ChangeRow(
                name,
                label,
                "" if before_withheld else display.scalar(field, before),
                "" if after_withheld else display.scalar(field, after),
                before_withheld,
                after_withheld,
            )
        )
    return rows
