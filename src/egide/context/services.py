"""Every write of country context: a public source loaded from its files (platform staff and the command line).

A load is all or nothing and compares with what is stored: a value the table lacks is added, one that differs is
replaced, one the source no longer gives is removed, one that is the same is left alone, so that loading the same
files twice changes nothing. Each load is recorded (egide.context.models.SourceLoad) and audited.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import can_edit
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.context.models import UPLOADED, Indicator, Observation, SourceLoad
from egide.context.selectors import may_load_sources
from egide.context.series_file import SeriesRow
from egide.context.sources import Reading, SourceSpec
from egide.core.imports.limits import BATCH, batched
from egide.core.imports.problems import Problems
from egide.core.users import Caller, author


@dataclass(frozen=True, slots=True)
class SourceLoaded:
    load: SourceLoad
    indicators_created: int

    @property
    def changed(self) -> bool:
        return bool(self.load.created or self.load.updated or self.load.deleted or self.indicators_created)


def _indicators_upsert(source: SourceSpec, user: Caller) -> tuple[dict[str, Indicator], int]:
    existing = {indicator.code: indicator for indicator in Indicator.objects.filter(source=source.code)}
    recorded = author(user)
    created = 0
    for spec in source.indicators:
        values = {
            "name_en": spec.name_en,
            "name_fr": spec.name_fr,
            "minimum": spec.minimum,
            "maximum": spec.maximum,
            "higher_is_better": spec.higher_is_better,
            "unit_en": spec.unit_en,
            "unit_fr": spec.unit_fr,
        }
        indicator = existing.get(spec.code)
        if indicator is None:
            indicator = Indicator.objects.create(
                code=spec.code,
                source=source.code,
                confidentiality=Confidentiality.PUBLIC,
                created_by=recorded,
                updated_by=recorded,
                **values,
            )
            audit_record(user=user, action=Action.CREATE, instance=indicator, before=None, after=snapshot(indicator))
            existing[spec.code] = indicator
            created += 1
        elif any(getattr(indicator, name) != value for name, value in values.items()):
            before = snapshot(indicator)
            for name, value in values.items():
                setattr(indicator, name, value)
            indicator.updated_by = recorded
            indicator.save()
            audit_record(user=user, action=Action.UPDATE, instance=indicator, before=before, after=snapshot(indicator))
    return existing, created


def _stored(indicator_ids: Iterable[int]) -> dict[tuple[int, str, int], tuple[int, float]]:
    stored: dict[tuple[int, str, int], tuple[int, float]] = {}
    rows = Observation.objects.filter(indicator_id__in=list(indicator_ids)).values_list(
        "id", "indicator_id", "country", "year", "value"
    )
    for pk, indicator_id, country, year, value in rows.iterator(chunk_size=5_000):
        stored[(indicator_id, country, year)] = (pk, value)
    return stored


@dataclass(frozen=True, slots=True)
class Replaced:
    created: int
    updated: int
    deleted: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def _values_replace(indicator_ids: Iterable[int], wanted: Iterable[tuple[int, str, int, float]]) -> Replaced:
    """Make the indicators' values those `wanted` (indicator id, country, year, value): a value the table lacks
    is added, one that differs replaced, one no longer wanted removed, one that is the same left alone."""
    stored = _stored(indicator_ids)
    new: list[Observation] = []
    changed: list[Observation] = []
    unchanged = 0
    for indicator_id, country, year, value in wanted:
        found = stored.pop((indicator_id, country, year), None)
        if found is None:
            new.append(Observation(indicator_id=indicator_id, country=country, year=year, value=value))
        elif found[1] != value:
            changed.append(Observation(pk=found[0], value=value))
        else:
            unchanged += 1
    gone = [pk for pk, _value in stored.values()]
    Observation.objects.bulk_create(new, batch_size=BATCH)
    Observation.objects.bulk_update(changed, ["value"], batch_size=BATCH)
    for batch in batched(gone):
        Observation.objects.filter(pk__in=batch).delete()
    return Replaced(len(new), len(changed), len(gone), unchanged)


@transaction.atomic
def source_load(*, user: Caller, source: SourceSpec, reading: Reading) -> SourceLoaded:
    """Write what `source.read` gave (egide.context.sources), replacing the source's values."""
    if not may_load_sources(user=user):
        raise PermissionDenied(_("Only platform staff may load a public source."))
    indicators, created_indicators = _indicators_upsert(source, user)
    ids = {code: indicator.pk for code, indicator in indicators.items()}
    replaced = _values_replace(
        ids.values(),
        ((ids[item.indicator], item.country, item.year, item.value) for item in reading.observations),
    )
    load = SourceLoad.objects.create(
        source=source.code,
        loaded_by=author(user),
        files=reading.files,
        created=replaced.created,
        updated=replaced.updated,
        deleted=replaced.deleted,
        unchanged=replaced.unchanged,
        missing=reading.missing,
        unmapped=[
            {"code": entry.code, "name": entry.name, "rows": entry.rows}
            for entry in sorted(reading.unmapped.values(), key=lambda entry: entry.code)
        ],
    )
    audit_record(user=user, action=Action.IMPORT, instance=load, before=None, after=snapshot(load))
    return SourceLoaded(load, created_indicators)


@dataclass(frozen=True, slots=True)
class SeriesData:
    name_en: str
    name_fr: str
    higher_is_better: bool
    minimum: float | None
    maximum: float | None
    confidentiality: str


@dataclass(frozen=True, slots=True)
class SeriesUploaded:
    indicator: Indicator
    created: int
    updated: int
    deleted: int
    unchanged: int


def series_code(organisation: Organisation, name_en: str) -> str:
    return f"{UPLOADED}.{organisation.pk}.{slugify(name_en)[:50] or 'series'}"


@transaction.atomic
def series_upload(
    *, user: Caller, organisation: Organisation, data: SeriesData, rows: list[SeriesRow]
) -> SeriesUploaded:
    """An organisation's own series (egide.context.series_file): created, or replaced whole when the organisation
    already has a series of that English name; values outside the scale given are refused. Editors of the
    organisation covering every country (a series belongs to no country), and platform staff."""
    probe = Indicator(owner=organisation, country="", confidentiality=data.confidentiality)
    if not can_edit(user=user, record=probe):
        raise PermissionDenied(_("Only an editor of the organisation, for every country, may add its series."))
    problems = Problems()
    for position, row in enumerate(rows, start=2):
        if (data.minimum is not None and row.value < data.minimum) or (
            data.maximum is not None and row.value > data.maximum
        ):
            problems.at("series", position, "value", _("%(value)s is outside the scale given") % {"value": row.value})
    problems.raise_if_any()
    code = series_code(organisation, data.name_en)
    values = {
        "name_en": data.name_en,
        "name_fr": data.name_fr,
        "higher_is_better": data.higher_is_better,
        "minimum": data.minimum,
        "maximum": data.maximum,
        "confidentiality": data.confidentiality,
    }
    recorded = author(user)
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        indicator = Indicator.objects.create(
            code=code, source=UPLOADED, owner=organisation, created_by=recorded, updated_by=recorded, **values
        )
        audit_record(user=user, action=Action.CREATE, instance=indicator, before=None, after=snapshot(indicator))
    elif any(getattr(indicator, name) != value for name, value in values.items()):
        before = snapshot(indicator)
        for name, value in values.items():
            setattr(indicator, name, value)
        indicator.updated_by = recorded
        indicator.save()
        audit_record(user=user, action=Action.UPDATE, instance=indicator, before=before, after=snapshot(indicator))
    replaced = _values_replace([indicator.pk], ((indicator.pk, row.country, row.year, row.value) for row in rows))
    if replaced.changed:
        counts = {
            "values_added": replaced.created,
            "values_changed": replaced.updated,
            "values_removed": replaced.deleted,
        }
        audit_record(
            user=user, action=Action.IMPORT, instance=indicator, before=None, after=snapshot(indicator) | counts
        )
    return SeriesUploaded(indicator, replaced.created, replaced.updated, replaced.deleted, replaced.unchanged)
