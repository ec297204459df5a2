"""Showing what an audit event changed to people: field labels, readable values, never raw JSON."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.accounts.models import ConfidentialRecord, Organisation
from egide.accounts.selectors import PLATFORM, visible
from egide.audit.models import AuditEvent
from egide.audit.selectors import changes
from egide.core import iati_codes, taxonomy
from egide.core.fuzzy_dates import FuzzyDate
from egide.core.labels import Term
from egide.core.reference import country_name
from egide.core.users import Caller


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
    # What a programme holds, kept with it in its snapshots (egide.programmes.services.programme_snapshot).
    "recipient_countries": gettext_lazy("recipient countries"),
    "funding_partners": gettext_lazy("funding organisations"),
    "accountable_partners": gettext_lazy("accountable organisations"),
    "extending_partners": gettext_lazy("extending organisations"),
    "implementing_partners": gettext_lazy("implementing organisations"),
    "sector_shares": gettext_lazy("sectors"),
    "action_areas": gettext_lazy("areas of action"),
    "supported_actor_count": gettext_lazy("number of supported actors"),
    "places": gettext_lazy("locations"),
    "document_titles": gettext_lazy("documents"),
}

Shown = Callable[[str, str], bool]
"""Whether the reader may see a field's value on one side ("before" or "after") of an event."""


# The taxonomy's coded fields: the models' choices hold the English labels, the terms both languages.
TERM_TABLES: list[Mapping[str, Term]] = [
    taxonomy.FAMILY_BY_CODE,
    taxonomy.KIND_BY_CODE,
    taxonomy.RELATIONSHIP_TYPE_BY_CODE,
    taxonomy.CONFIDENCE_BY_CODE,
    taxonomy.STRENGTH_BY_CODE,
    iati_codes.STATUS_BY_CODE,
    iati_codes.ROLE_BY_CODE,
    iati_codes.ORGANISATION_TYPE_BY_CODE,
]
"""A domain app whose coded fields use terms of its own adds them with `register_terms` when it is ready."""

LIST_TERMS: dict[str, Mapping[str, Term]] = {"action_areas": taxonomy.AREA_BY_CODE}
"""Event keys that hold a list of codes, with the terms that name them."""


def register_terms(table: Mapping[str, Term]) -> None:
    """Show the codes of a model field whose choices are exactly this table's by their labels in the reader's
    language (the models' choices hold the English ones)."""
    if table not in TERM_TABLES:
        TERM_TABLES.append(table)


def _terms_for(field: models.Field) -> Mapping[str, Term] | None:
    """The taxonomy table whose codes are exactly the field's choices, if there is one."""
    codes = {str(key) for key, _label in field.flatchoices}
    return next((table for table in TERM_TABLES if set(table) == codes), None)


class Display:
    """Turns stored values into text in the reader's language. A value naming another record shows that record's
    name when the reader may see it (`user`; the platform by default, for staff-only screens), and says that it is
    hidden or deleted otherwise: never a bare id. Names are read once per page (`prepare`)."""

    def __init__(self, user: Caller = PLATFORM) -> None:
        self.user = user
        self.acronyms: dict[int, str] | None = None
        self.names: dict[type[models.Model], dict[Any, str]] = {}
        self.existing: dict[type[models.Model], set[Any]] = {}

    def prepare(self, events: list[AuditEvent]) -> None:
        """Read the names of the records the events point to: one query per kind of record, not one per value."""
        wanted: dict[type[models.Model], set[Any]] = {}
        for event in events:
            model = ContentType.objects.get_for_id(event.content_type_id).model_class()
            for values in (event.before, event.after):
                if not isinstance(values, dict) or event.action in NOTE_ACTIONS:
                    continue
                for name, value in values.items():
                    field = _model_field(model, name)
                    related = field.related_model if field is not None and field.many_to_one else None
                    if isinstance(related, type) and related is not Organisation and value not in (None, ""):
                        wanted.setdefault(related, set()).add(value)
        for related, ids in wanted.items():
            self._load(related, ids)

    def _load(self, model: type[models.Model], ids: set[Any]) -> None:
        records = model._default_manager.filter(pk__in=ids)
        if issubclass(model, ConfidentialRecord):
            self.existing.setdefault(model, set()).update(records.values_list("pk", flat=True))
            records = visible(records, user=self.user)
        else:
            self.existing.setdefault(model, set()).update(ids)
        self.names.setdefault(model, {}).update({record.pk: str(record) for record in records})

    def record_name(self, model: type[models.Model], pk: Any) -> str:
        if pk not in self.existing.get(model, set()):
            self._load(model, {pk})
        if pk in self.names.get(model, {}):
            return self.names[model][pk]
        if pk in self.existing.get(model, set()):
            return _("a record you cannot see")
        return _("a deleted record")

    def _acronym(self, pk: Any) -> str:
        if self.acronyms is None:
            self.acronyms = dict(Organisation.objects.values_list("pk", "acronym"))
        try:
            return self.acronyms.get(int(pk), _("a deleted organisation"))
        except (TypeError, ValueError):
            return str(pk)

    def scalar(self, field: models.Field | None, value: Any, precision: str = "") -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field is not None and field.is_relation and field.many_to_one:
            if field.related_model is Organisation:
                return self._acronym(value)
            related = field.related_model
            if isinstance(related, type) and issubclass(related, models.Model):
                try:
                    return self.record_name(related, value)
                except (TypeError, ValueError):
                    return str(value)
        if field is not None and field.flatchoices:
            terms = _terms_for(field)
            if terms is not None and str(value) in terms:
                return terms[str(value)].label
            labels = {str(key): label for key, label in field.flatchoices}
            if str(value) in labels:
                return str(labels[str(value)])
        if field is not None and field.name == "country" and isinstance(value, str):
            return country_name(value)
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and precision:
            try:
                return str(FuzzyDate.from_parts(datetime.date.fromisoformat(str(value)), precision) or value)
            except ValueError:
                return str(value)
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


def _precision_of(model: type[models.Model] | None, name: str) -> str | None:
    """The field that holds how precise a date field is (start_date → start_precision), if the model has one."""
    field = _model_field(model, name)
    if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
        return None
    candidate = f"{name.rsplit('_', 1)[0]}_precision"
    return candidate if _model_field(model, candidate) is not None else None


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _labelled(value: Any, terms: Mapping[str, Term]) -> Any:
    """A list of codes as their labels in the reader's language (a code no longer known stays as it is)."""
    if not isinstance(value, list):
        return value
    return [terms[item].label if isinstance(item, str) and item in terms else item for item in value]


def change_rows(event: AuditEvent, display: Display | None = None, shown: Shown | None = None) -> list[ChangeRow]:
    """The fields the event changed, labelled in the reader's language, with readable before and after values.

    Pass one `Display` for a whole page, so that names are read once. `shown` withholds the values the reader may
    not see (egide.audit.history decides); without it every value is shown. A date and its precision make one row
    ("2019", not "2019-01-01" and "year").
    """
    display = display or Display()
    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    before_values = event.before if isinstance(event.before, dict) else {}
    after_values = event.after if isinstance(event.after, dict) else {}
    changed = changes(event)
    changed_names = {name for name, _before, _after in changed}
    precisions = {}
    if event.action not in NOTE_ACTIONS and model is not None:
        precisions = {
            precision: date.name
            for date in model._meta.concrete_fields
            if (precision := _precision_of(model, date.name)) is not None
        }
    rows = []
    for name, before, after in changed:
        if name in precisions:
            date_name = precisions[name]
            if date_name in changed_names or (
                before_values.get(date_name) is None and after_values.get(date_name) is None
            ):
                continue  # shown with its date, or the precision of no date at all
            name, before, after = date_name, before_values.get(date_name), after_values.get(date_name)
        field = None if event.action in NOTE_ACTIONS else _model_field(model, name)
        if field is not None:
            label = str(capfirst(field.verbose_name))
        elif name in EVENT_KEY_LABELS:
            label = str(capfirst(EVENT_KEY_LABELS[name]))
        else:
            label = name.replace("_", " ").capitalize()
        precision_name = _precision_of(model, name) if field is not None else None
        before_precision = str(before_values.get(precision_name, "")) if precision_name else ""
        after_precision = str(after_values.get(precision_name, "")) if precision_name else ""
        before_withheld = shown is not None and not shown(name, "before")
        after_withheld = shown is not None and not shown(name, "after")
        if field is None and name in LIST_TERMS:
            before, after = _labelled(before, LIST_TERMS[name]), _labelled(after, LIST_TERMS[name])
        rows.append(
            ChangeRow(
                name,
                label,
                "" if before_withheld else display.scalar(field, before, before_precision),
                "" if after_withheld else display.scalar(field, after, after_precision),
                before_withheld,
                after_withheld,
            )
        )
    return rows
