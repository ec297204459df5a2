"""Importing IATI activity files into programmes: filtered, upserted by IATI identifier, each file all or nothing.

For each file, activities are read one at a time (egide.iati.parser), the filters keep those of the chosen sectors
(at activity or transaction level), recipient countries and reporting organisations, and the kept ones are written
in batches: a programme per activity with its recipient countries, participants, sectors, locations, documents,
budgets and transactions, and its provenance (file, reporting organisation, IATI version, import time, a checksum of
the activity). An activity whose checksum has not changed since the last import is counted as unchanged and nothing
is written for it; a changed one is updated in place, its parts replaced, and its history records the import. A file
imported clean is remembered (ImportedFile): imported again unchanged, with the same filters, while none of its
activities has changed in the platform, it is counted as it was read, without being read or written.

Writing is done a batch at a time, each table's new rows built as tuples in its columns' order and written at once
(egide.core.inserts): a few statements per table for each batch, whatever the number of activities.

The whole file is one transaction: malformed XML anywhere in it (MalformedFile) leaves nothing of it written. The
faults publishers make are warnings kept on the programme's provenance and counted in the report.
"""

import dataclasses
import hashlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import can_create, can_edit
from egide.audit.models import Action
from egide.audit.services import EXCLUDED_FIELDS, audit_rows_bulk, snapshot
from egide.core import iati_codes
from egide.core.collection import paused_collection
from egide.core.inserts import insert_rows
from egide.core.read_ahead import ahead_of_writes
from egide.core.users import Caller, author
from egide.iati.models import ImportedActivity, ImportedFile
from egide.iati.parser import (
    READING_VERSION,
    Codelists,
    MalformedFile,
    Unchanged,
    built_in_codelists,
    read_activities_since,
    read_unchanged,
)
from egide.iati.records import Activity, Narratives
from egide.iati.records import Organisation as IatiOrganisation
from egide.iati.results_import import results_write
from egide.money import layers as money_layers
from egide.money import services as money_services
from egide.money.models import Budget, Transaction
from egide.programmes import codes
from egide.programmes.models import (
    Location,
    Participation,
    Programme,
    ProgrammeCountry,
    ProgrammeDocument,
    ProgrammeSector,
)

# The default sector filter: security system management and reform and its neighbours (152xx), and the 151xx codes
# of justice, police, prisons, ombudsman, legislatures, media and human rights.
SSR_SECTORS = frozenset(
    {
        "15210", "15220", "15230", "15240", "15250", "15261",
        "15130", "15131", "15132", "15134", "15135", "15137", "15152", "15153", "15160",
    }
)  # fmt: skip
BATCH = 500
FILE_DIGEST_VERSION = 3
"""Part of every file's digest (ImportedFile), with the parser's READING_VERSION: a new version forgets every file
recorded, for an import that would read or filter the same file differently. An activity read differently must also
have a new digest (egide.iati.parser.READING_VERSION), or the next import would still find it unchanged."""
IDENTIFIER_LENGTH = 150  # Programme.iati_identifier's
CENT = Decimal("0.01")
LANGUAGES = ("en", "fr")


@dataclass(frozen=True, slots=True)
class Filters:
    """Which activities an import keeps. None: no filter on that dimension."""

    sectors: frozenset[str] | None = SSR_SECTORS
    countries: frozenset[str] | None = None
    reporting_orgs: frozenset[str] | None = None

    def accepts(self, activity: Activity) -> bool:
        if self.sectors is not None and not (activity.sector_codes() & self.sectors):
            return False
        if self.countries is not None and not (activity.country_codes() & self.countries):
            return False
        return self.reporting_orgs is None or activity.reporting_org.ref in self.reporting_orgs


@dataclass
class FileReport:
    """What the import did with one file."""

    file: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_by_filter: int = 0
    warnings: int = 0
    errors: list[str] = field(default_factory=list)
    """Activities left out (no identifier, twice in the file, a programme not imported from IATI, no right)."""
    refused: str = ""
    """The file's refusal (malformed XML): nothing of it was written."""

    @property
    def written(self) -> int:
        return self.created + self.updated


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(report, name) for report in self.files)

    @property
    def errors(self) -> int:
        return sum(len(report.errors) for report in self.files)

    @property
    def refused(self) -> int:
        return sum(1 for report in self.files if report.refused)


def checksum(activity: Activity) -> str:
    """The parser's digest of the activity as written; for an activity built otherwise, a digest of everything it
    says (not where it was read nor what the parser thought of it)."""
    if activity.digest:
        return activity.digest
    content = dataclasses.replace(activity, line=None, warnings=[])
    return hashlib.blake2b(repr(content).encode(), digest_size=16).hexdigest()


def _text(texts: Narratives, language: str, length: int) -> str:
    return texts.get(language, "")[:length]


def _first_text(texts: Narratives, length: int) -> str:
    """The English text, else the first one in any language (a title must be in the English column)."""
    return (texts.get("en") or next(iter(texts.values()), ""))[:length]


def _amount(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


class _Organisations:
    """The platform's organisations, matched by IATI identifier, then by name (English or French, any case)."""

    def __init__(self) -> None:
        self.by_ref: dict[str, Organisation] = {}
        self.by_name: dict[str, Organisation] = {}
        for organisation in Organisation.objects.all():
            if organisation.iati_identifier:
                self.by_ref.setdefault(organisation.iati_identifier.casefold(), organisation)
            for name in (organisation.name_en, organisation.name_fr):
                if name:
                    self.by_name.setdefault(name.casefold(), organisation)

    def match(self, organisation: IatiOrganisation) -> Organisation | None:
        if organisation.ref and self.by_ref and (found := self.by_ref.get(organisation.ref.casefold())):
            return found
        if self.by_name:
            for name in organisation.name.values():
                if found := self.by_name.get(name.casefold()):
                    return found
        return None


class _FileImport:
    def __init__(
        self,
        *,
        user: Caller,
        owner: Organisation | None,
        filters: Filters,
        source: str,
        report: FileReport,
        known: dict[str, str],
        codes: Codelists | None,
    ) -> None:
        self.user, self.owner, self.filters, self.source, self.report = user, owner, filters, source, report
        self.known, self.codes = known, codes
        self.organisations = _Organisations()
        self.seen: set[str] = set()
        # The (identifier, digest) of each activity kept and of each left out by the filters, for ImportedFile.
        self.kept: list[tuple[str, str]] = []
        self.skipped: list[tuple[str, str]] = []
        self.before: dict[str, str | None] = {}
        """The digest `known` held before this import for each identifier it changed there (None: none)."""
        self.now = timezone.now()
        writer = author(user)
        self.author_id = writer.pk if writer is not None else None
        self.owner_id = owner.pk if owner is not None else None
        self.creatable: dict[str, bool] = {}
        self.summed: list[int] = []
        """The programmes written whose money sums are to be written again (`sums_refresh`)."""

    # Checking -------------------------------------------------------------------------------------------------------

    def activities(self, source: Iterable[Activity | Unchanged]) -> Iterator[Activity]:
        """The activities to write: an `Unchanged` still unchanged is counted and dropped; one changed since it
        was read (by an earlier file of the run) is read after all."""
        for item in source:
            if isinstance(item, Unchanged):
                if self.known.get(item.identifier) == item.digest and item.identifier not in self.seen:
                    self.report.read += 1
                    self.report.unchanged += 1
                    self.seen.add(item.identifier)
                    self.kept.append((item.identifier, item.digest))
                    continue
                item = read_unchanged(item, self.codes)
            if self.keep(item):
                yield item

    def keep(self, activity: Activity) -> bool:
        self.report.read += 1
        if not self.filters.accepts(activity):
            self.report.skipped_by_filter += 1
            self.skipped.append((activity.identifier, checksum(activity)))
            return False
        where = f"line {activity.line}"
        if not activity.identifier:
            self.report.errors.append(f"{where}: an activity without an identifier is left out")
            return False
        if activity.identifier in self.seen:
            self.report.errors.append(f"{where}: {activity.identifier} appears twice in the file; the first is kept")
            return False
        if len(activity.identifier) > IDENTIFIER_LENGTH:
            self.report.errors.append(f"{where}: the identifier is longer than 150 characters")
            return False
        self.seen.add(activity.identifier)
        self.kept.append((activity.identifier, checksum(activity)))
        self.report.warnings += len(activity.warnings)
        return True

    # Writing --------------------------------------------------------------------------------------------------------

    def write(self, activities: list[Activity]) -> None:
        """Write one batch: the new programmes and the changed ones, each with its parts, provenance and audit entry
        (a few statements per table for the whole batch)."""
        # The identifier's condition repeats the unique index's (a partial one, without ""): SQLite uses an index
        # of that kind only for a query that says so, and otherwise reads the whole table for each batch.
        existing = {
            programme.iati_identifier: programme
            for programme in Programme.objects.filter(
                iati_identifier__in=[activity.identifier for activity in activities]
            )
            .exclude(iati_identifier="")
            .select_related("iati")
            .order_by()
        }
        created: list[tuple[Activity, str, tuple[Any, ...]]] = []
        updated: list[tuple[Activity, str, Programme, dict[str, Any]]] = []
        for activity in activities:
            digest = checksum(activity)
            programme = existing.get(activity.identifier)
            if programme is None:
                row = self._programme_row(activity)
                country = row[COUNTRY]
                if not self._may_create(country):
                    self.report.errors.append(
                        f"line {activity.line}: {activity.identifier}: no right to create programmes in "
                        f"{country or 'a region'}"
                    )
                    continue
                created.append((activity, digest, row))
                continue
            provenance = getattr(programme, "iati", None)
            if provenance is None:
                self.report.errors.append(
                    f"line {activity.line}: {activity.identifier} is a programme recorded in Égide, not imported "
                    "from IATI: it is not overwritten"
                )
                continue
            if provenance.checksum == digest:
                self.report.unchanged += 1
                self._remember([(activity.identifier, digest)])
                continue
            if not can_edit(user=self.user, record=programme):
                self.report.errors.append(f"line {activity.line}: {activity.identifier}: no right to change it")
                continue
            updated.append((activity, digest, programme, snapshot(programme)))
        if created:
            self._create(created)
        if updated:
            self._update(updated)

    def _remember(self, digests: Iterable[tuple[str, str]]) -> None:
        """Keep `known` up to date with the digests written, and what it held before (see `forget`)."""
        known, before = self.known, self.before
        for identifier, digest in digests:
            if identifier not in before:
                before[identifier] = known.get(identifier)
            known[identifier] = digest

    def forget(self) -> None:
        """Put `known` back as it was before this import (which, refused or a dry run, wrote nothing)."""
        for identifier, digest in self.before.items():
            if digest is None:
                self.known.pop(identifier, None)
            else:
                self.known[identifier] = digest

    def _may_create(self, country: str) -> bool:
        """`can_create` for the import's user and owner, asked once per country."""
        allowed = self.creatable.get(country)
        if allowed is None:
            allowed = self.creatable[country] = can_create(user=self.user, owner=self.owner, country=country)
        return allowed

    def _programme_row(self, activity: Activity) -> tuple[Any, ...]:
        """The new programme's row: a value for each of PROGRAMMES's columns, in their order."""
        general = next((texts for kind, texts in activity.descriptions if kind == "1"), None) or next(
            (texts for _kind, texts in activity.descriptions), {}
        )
        status = activity.status if activity.status in STATUS_CODES else "2"
        dates = activity.dates
        return (
            self.now,
            self.now,
            self.author_id,
            self.author_id,
            self.owner_id,
            PUBLIC,
            activity.identifier,
            _lead_country(activity),
            _first_text(activity.titles, 500) or activity.identifier,
            _text(activity.titles, "fr", 500),
            general.get("en") or ("" if "fr" in general else _first_text(general, 100_000)),
            general.get("fr", ""),
            status,
            dates.get("1"),
            dates.get("2"),
            dates.get("3"),
            dates.get("4"),
            (activity.default_currency or "USD")[:3],
            LIFECYCLE_BY_STATUS.get(status, "implementation"),
            *PROGRAMMES.tail,
        )

    def _create(self, created: list[tuple[Activity, str, tuple[Any, ...]]]) -> None:
        ids = insert_rows(Programme, PROGRAMMES.columns, [row for _, _, row in created])
        self._write_parts(
            [(activity, digest, pk) for (activity, digest, _), pk in zip(created, ids, strict=True)],
            {pk: (row[OWNER], row[COUNTRY]) for (_, _, row), pk in zip(created, ids, strict=True)},
        )
        audit_rows_bulk(
            user=self.user,
            action=Action.IMPORT,
            model=Programme,
            rows=[
                (pk, row[TITLE_EN], row[COUNTRY], row[OWNER], None, self._after(_snapshot_of_row(pk, row), activity))
                for (activity, _, row), pk in zip(created, ids, strict=True)
            ],
        )
        self.report.created += len(created)
        self._remember((activity.identifier, digest) for activity, digest, _ in created)

    def _update(self, updated: list[tuple[Activity, str, Programme, dict[str, Any]]]) -> None:
        programmes = []
        for activity, _, programme, _ in updated:
            values = dict(zip(PROGRAMMES.columns, self._programme_row(activity), strict=True))
            for name in UPDATED_FIELDS:
                setattr(programme, name, values[name])
            programme.version += 1
            programmes.append(programme)
        Programme.objects.bulk_update(programmes, [*UPDATED_FIELDS, "version"], batch_size=BATCH)
        ids = [programme.pk for programme in programmes]
        for model in PART_MODELS:
            model._default_manager.filter(programme_id__in=ids).delete()
        ImportedActivity.objects.filter(programme_id__in=ids).delete()
        self._write_parts(
            [(activity, digest, programme.pk) for activity, digest, programme, _ in updated],
            {programme.pk: (programme.owner_id, programme.country) for _, _, programme, _ in updated},
        )
        audit_rows_bulk(
            user=self.user,
            action=Action.IMPORT,
            model=Programme,
            rows=(
                (
                    programme.pk,
                    programme.title_en,
                    programme.country,
                    programme.owner_id,
                    before,
                    self._after(snapshot(programme), activity),
                )
                for activity, _, programme, before in updated
            ),
        )
        self.report.updated += len(updated)
        self._remember((activity.identifier, digest) for activity, digest, _, _ in updated)

    def _write_parts(self, items: list[tuple[Activity, str, int]], owners: dict[int, tuple[int | None, str]]) -> None:
        """The parts and provenance of the programmes `items` name (activity, its digest, the programme's id), all
        new: one insert per table for the batch, each row a tuple in its table's column order. `owners`: each
        programme's (owner's id, country)."""
        stamps = (self.now, self.now, self.author_id, self.author_id)
        countries, participations, sectors = _Rows(COUNTRIES), _Rows(PARTICIPATIONS), _Rows(SECTORS)
        locations, documents = _Rows(LOCATIONS), _Rows(DOCUMENTS, stamps)
        budgets, transactions = _Rows(BUDGETS, stamps), _Rows(TRANSACTIONS, stamps)
        provenance = _Rows(PROVENANCE, (self.source[:500], self.now))
        match = self.organisations.match
        for activity, digest, programme_id in items:
            seen_countries: set[str] = set()
            for share in activity.recipient_countries:
                if share.code not in seen_countries:
                    seen_countries.add(share.code)
                    countries.add(programme_id, share.code, share.percentage)
            for participant in activity.participants:
                organisation = match(participant.organisation)
                name = _first_text(participant.organisation.name, 300) or participant.organisation.ref
                if organisation is None and not name:
                    continue
                participations.add(
                    programme_id,
                    participant.role if participant.role in ROLE_CODES else "4",
                    organisation.pk if organisation is not None else None,
                    "" if organisation is not None else name,
                    participant.organisation.ref[:100],
                    participant.organisation.type if participant.organisation.type in ORGANISATION_TYPE_CODES else "",
                )
            seen_sectors: set[tuple[str, str]] = set()
            for share in activity.sectors:
                key = (share.vocabulary[:4], share.code[:32])
                if key not in seen_sectors:
                    seen_sectors.add(key)
                    sectors.add(programme_id, key[0], key[1], share.percentage)
            for place in activity.locations:
                locations.add(
                    programme_id,
                    _first_text(place.name, 300) or place.ref[:300] or "—",
                    place.latitude,
                    place.longitude,
                )
            for document in activity.documents:
                documents.add(
                    programme_id,
                    _first_text(document.title, 500) or document.url[:500],
                    _text(document.title, "fr", 500),
                    document.url[:1000],
                    next((code for code in document.categories if code in DOCUMENT_CATEGORY_CODES), "A02"),
                    next((code for code in document.languages if code in DOCUMENT_LANGUAGE_CODES), ""),
                    document.date,
                )
            for budget in activity.budgets:
                money = budget.money
                start, end = budget.period_start, budget.period_end
                if money.value is None or not money.currency or start is None or end is None or end < start:
                    continue  # already a warning of the parser, or a period the table cannot hold
                budgets.add(
                    programme_id,
                    budget.type if budget.type in ("1", "2") else "1",
                    budget.status if budget.status in ("1", "2") else "1",
                    start,
                    end,
                    _amount(money.value),
                    money.currency[:3],
                    money.value_date or start,
                )
            for flow in activity.transactions:
                money = flow.money
                if money.value is None or not money.currency or flow.date is None or flow.type not in TRANSACTION_CODES:
                    continue
                provider = match(flow.provider) if flow.provider else None
                receiver = match(flow.receiver) if flow.receiver else None
                transactions.add(
                    programme_id,
                    flow.type,
                    flow.date,
                    _amount(money.value),
                    money.currency[:3],
                    money.value_date or flow.date,
                    provider.pk if provider is not None else None,
                    "" if provider or not flow.provider else _first_text(flow.provider.name, 300),
                    flow.provider.ref[:100] if flow.provider else "",
                    receiver.pk if receiver is not None else None,
                    "" if receiver or not flow.receiver else _first_text(flow.receiver.name, 300),
                    flow.receiver.ref[:100] if flow.receiver else "",
                    _first_text(flow.description, 100_000),
                    next((share.code[:32] for share in flow.sectors), ""),
                    flow.recipient_country,
                    flow.ref[:200],
                )
            provenance.add(
                programme_id,
                activity.reporting_org.ref[:100],
                _first_text(activity.reporting_org.name, 300),
                activity.version[:8],
                digest,
                [{"code": w.code, "element": w.element, "line": w.line, "detail": w.detail} for w in activity.warnings],
            )
        for rows in (countries, participations, sectors, locations, documents, budgets, transactions, provenance):
            rows.write()
        # The results framework: the programmes' results replaced by the activities' (egide.iati.results_import).
        results_write(
            user=self.user,
            items=[(activity, pk) for activity, _, pk in items],
            now=self.now,
            author_id=self.author_id,
            owners=owners,
        )
        self.summed.extend(programme_id for _, _, programme_id in items)

    def sums_refresh(self) -> None:
        """Write again the money sums of every programme written from the file, once at its end (in its
        transaction): refreshed after each batch, they cost a pass over the sums table per batch, which grew with
        the file."""
        if self.summed:
            money_services.programme_sums_refresh(programme_ids=self.summed)
            self.summed = []

    def _after(self, values: dict[str, Any], activity: Activity) -> dict[str, Any]:
        values["iati_file"] = self.source
        values["iati_reporting_organisation"] = activity.reporting_org.ref
        return values


class _Columns:
    """How the import writes one model's new rows: the columns it gives a value for each row (`given`), then those
    given once per batch (`batch`), then every other column but the id, whose values are the fields' defaults
    (`tail`)."""

    def __init__(self, model: type[models.Model], given: tuple[str, ...], batch: tuple[str, ...] = ()) -> None:
        self.model = model
        fields = {field.attname: field for field in model._meta.concrete_fields if not field.primary_key}
        unknown = [name for name in (*given, *batch) if name not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
        rest = [name for name in fields if name not in given and name not in batch]
        self.columns = (*given, *batch, *rest)
        self.tail = tuple(fields[name].get_default() for name in rest)


class _Rows:
    """One batch's new rows of one model (see _Columns), as tuples in the order of its columns."""

    def __init__(self, columns: _Columns, batch: tuple[Any, ...] = ()) -> None:
        self.model, self.columns = columns.model, columns.columns
        self.tail = (*batch, *columns.tail)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *given: Any) -> None:
        self.rows.append(given + self.tail)

    def write(self) -> None:
        if self.rows:
            insert_rows(self.model, self.columns, self.rows, ids=False)
            self.rows = []


STATUS_CODES = frozenset(iati_codes.STATUS_BY_CODE)
ROLE_CODES = frozenset(iati_codes.ROLE_BY_CODE)
TRANSACTION_CODES = frozenset(iati_codes.TRANSACTION_TYPE_BY_CODE)
ORGANISATION_TYPE_CODES = frozenset(iati_codes.ORGANISATION_TYPE_BY_CODE)
DOCUMENT_CATEGORY_CODES = frozenset(term.code for term in codes.DOCUMENT_CATEGORIES)
DOCUMENT_LANGUAGE_CODES = frozenset(term.code for term in codes.DOCUMENT_LANGUAGES)
# The lifecycle an imported programme is in, read from its IATI status (IATI has no lifecycle of its own).
LIFECYCLE_BY_STATUS = {
    "1": "design",
    "2": "implementation",
    "3": "monitoring_evaluation",
    "4": "closure",
    "5": "closure",
    "6": "implementation",
}
UPDATED_FIELDS = (
    "iati_identifier",
    "country",
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "status",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "default_currency",
    "lifecycle_stage",
    "updated_by_id",
    "updated_at",
)
PART_MODELS: tuple[type[models.Model], ...] = (
    ProgrammeCountry,
    Participation,
    ProgrammeSector,
    Location,
    ProgrammeDocument,
    Budget,
    Transaction,
)
PROGRAMMES = _Columns(
    Programme,
    (
        "created_at",
        "updated_at",
        "created_by_id",
        "updated_by_id",
        "owner_id",
        "confidentiality",
        "iati_identifier",
        "country",
        "title_en",
        "title_fr",
        "description_en",
        "description_fr",
        "status",
        "planned_start",
        "actual_start",
        "planned_end",
        "actual_end",
        "default_currency",
        "lifecycle_stage",
    ),
)
OWNER, COUNTRY, TITLE_EN = (PROGRAMMES.columns.index(name) for name in ("owner_id", "country", "title_en"))
PUBLIC = Confidentiality.PUBLIC.value
STAMPS = ("created_at", "updated_at", "created_by_id", "updated_by_id")
COUNTRIES = _Columns(ProgrammeCountry, ("programme_id", "country", "percentage"))
PARTICIPATIONS = _Columns(
    Participation, ("programme_id", "role", "organisation_id", "name", "iati_reference", "organisation_type")
)
SECTORS = _Columns(ProgrammeSector, ("programme_id", "vocabulary", "code", "percentage"))
LOCATIONS = _Columns(Location, ("programme_id", "name", "latitude", "longitude"))
DOCUMENTS = _Columns(
    ProgrammeDocument,
    ("programme_id", "title_en", "title_fr", "url", "category", "language", "document_date"),
    STAMPS,
)
BUDGETS = _Columns(
    Budget,
    ("programme_id", "type", "status", "period_start", "period_end", "value", "currency", "value_date"),
    STAMPS,
)
TRANSACTIONS = _Columns(
    Transaction,
    (
        "programme_id",
        "type",
        "date",
        "value",
        "currency",
        "value_date",
        "provider_id",
        "provider_name",
        "provider_reference",
        "receiver_id",
        "receiver_name",
        "receiver_reference",
        "description",
        "sector_code",
        "recipient_country",
        "reference",
    ),
    STAMPS,
)
PROVENANCE = _Columns(
    ImportedActivity,
    ("programme_id", "reporting_org_ref", "reporting_org_name", "version", "checksum", "warnings"),
    ("source_file", "imported_at"),
)
# The programme's snapshot in its audit entry (audit.services.snapshot_of_values), read from its row: each field's
# name, the place of its value in the row, and whether it is a date (written as ISO text).
_SNAPSHOT = tuple(
    (field.name, PROGRAMMES.columns.index(field.attname), isinstance(field, models.DateField))
    for field in Programme._meta.concrete_fields
    if field.name not in EXCLUDED_FIELDS and not field.primary_key
)


def _snapshot_of_row(pk: int, row: tuple[Any, ...]) -> dict[str, Any]:
    """`snapshot_of_values` of a new programme's row (with its id)."""
    after: dict[str, Any] = {"id": pk}
    for name, index, is_date in _SNAPSHOT:
        value = row[index]
        after[name] = value.isoformat() if is_date and value is not None else value
    return after


def _lead_country(activity: Activity) -> str:
    """The recipient country with the largest share (the first of equals), else the first named in a transaction;
    "" for a regional activity."""
    if activity.recipient_countries:
        best = max(activity.recipient_countries, key=lambda share: share.percentage or Decimal(0))
        return best.code
    return next((flow.recipient_country for flow in activity.transactions if flow.recipient_country), "")


def _batches(items: Iterable[Activity], size: int) -> Iterator[list[Activity]]:
    batch: list[Activity] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def iati_file_import(
    *,
    user: Caller,
    path: Path,
    filters: Filters = Filters(),
    owner: Organisation | None = None,
    codes: Codelists | None = None,
    dry_run: bool = False,
    progress: Callable[[FileReport], None] | None = None,
    activities: Iterable[Activity | Unchanged] | None = None,
    already_counted: tuple[int, int] | None = None,
    known: dict[str, str] | None = None,
    name: str = "",
    read_digest: str = "",
    left_out: Iterable[tuple[str, str]] = (),
    jobs: int = 1,
) -> FileReport:
    """Import one IATI activity file, all or nothing (see the module's description).

    `known` maps the identifiers of the activities imported before to their digests (`known_digests()`); an import
    of several files passes the same dictionary to each, which each import keeps up to date. `activities` are the
    file's activities already read and filtered (a parallel reader's), with `already_counted` the reader's counts of
    activities read and skipped by the filters; without them the file is read here, as a stream. `name` is the
    file's name as its user knows it (an upload is kept under another), in the report and its messages.
    `read_digest` and `left_out` are the reader's file digest (`file_digest`) and (identifier, digest) of each
    activity its filters left out, with which a file read clean is remembered. With `jobs` of 2 or more (and no
    `activities`), the file is read by a child process while this one writes (egide.iati.pipeline): the same
    result, on two cores."""
    name = name or path.name
    report = FileReport(file=name)
    known = known_digests() if known is None else known
    codes = codes or built_in_codelists()
    digest = file_digest(path, filters, codes) if activities is None else read_digest
    if activities is None and (counts := unchanged_file(digest, known)) is not None:
        # Nothing of it has changed since its last import, nor anything it left out been imported since: what
        # reading it would find, without reading it.
        kept, skipped = counts
        report.read, report.unchanged, report.skipped_by_filter = kept + skipped, kept, skipped
        if progress is not None:
            progress(report)
        return report
    importer = _FileImport(
        user=user, owner=owner, filters=filters, source=name, report=report, known=known, codes=codes
    )
    if activities is not None:
        source = activities
    elif jobs > 1:  # read by a child process while this one writes (egide.iati.pipeline)
        from egide.iati.pipeline import pipelined

        source = pipelined(path, name=name, codes=codes, known=known)
    else:  # on PostgreSQL read by a thread ahead of the writing (egide.core.read_ahead)
        source = ahead_of_writes(read_activities_since(path, filename=name, codes=codes, known=known))
    try:
        # The records read and the rows written hold no reference cycles (a few hundred objects in cycles for a
        # file of 10,000 activities): the cycle collector, which would walk every object each batch keeps alive
        # again and again, is paused while the file is imported (an eighth of the import's time).
        with paused_collection(), transaction.atomic():
            # The money layers' lock first, before any row is written: taken at the end (by sums_refresh), it
            # would be awaited while this file's programmes are locked, and an edit holding it and touching one of
            # them would deadlock with the import (egide.money.layers.serialise).
            money_layers.serialise()
            for batch in _batches(importer.activities(source), BATCH):
                importer.write(batch)
                if progress is not None:
                    progress(report)
            importer.sums_refresh()
            if already_counted is not None:
                report.read, report.skipped_by_filter = already_counted
            if dry_run:
                transaction.set_rollback(True)
            elif digest and not report.errors:
                importer.skipped.extend(left_out)
                _record_file(digest, name, importer)
    except MalformedFile as error:
        importer.forget()
        return dataclasses.replace(FileReport(file=name, read=report.read), refused=str(error), errors=report.errors)
    finally:
        if isinstance(source, Generator):  # a reader stopped, its child process too, whatever happened
            source.close()
    if dry_run:
        importer.forget()
    if progress is not None:
        progress(report)
    return report


def file_digest(path: Path, filters: Filters, codes: Codelists) -> str:
    """A digest of the file's content and of what decides how it is imported: the filters and the codelists."""
    digest = hashlib.blake2b(digest_size=32)
    settings = (
        FILE_DIGEST_VERSION,
        READING_VERSION,
        *(
            None if kept is None else sorted(kept)
            for kept in (filters.sectors, filters.countries, filters.reporting_orgs)
        ),
        *(sorted(getattr(codes, field_.name)) for field_ in dataclasses.fields(codes)),
    )
    digest.update(repr(settings).encode())
    with path.open("rb") as file:
        hashlib.file_digest(file, lambda: digest)
    return digest.hexdigest()


def unchanged_file(digest: str, known: dict[str, str]) -> tuple[int, int] | None:
    """(activities kept, activities left out by the filters) when the file of `digest` was imported clean before
    and importing it again would find every activity it kept unchanged (as in `known`) and every one it left out
    still not imported; else None."""
    recorded = ImportedFile.objects.filter(digest=digest).values_list("activities", flat=True).first()
    if recorded is None:
        return None
    kept, skipped = recorded["kept"], recorded["skipped"]
    if any(known.get(identifier) != digest_ for identifier, digest_ in kept):
        return None
    if any(known.get(identifier) == digest_ for identifier, digest_ in skipped):
        return None
    return len(kept), len(skipped)


def _record_file(digest: str, name: str, importer: "_FileImport") -> None:
    """Remember a file imported clean (ImportedFile), in place of what was remembered of a file of that name."""
    ImportedFile.objects.filter(models.Q(name=name[:500]) | models.Q(digest=digest)).delete()
    ImportedFile.objects.create(
        digest=digest,
        name=name[:500],
        activities={"kept": importer.kept, "skipped": importer.skipped},
        imported_at=importer.now,
    )


def known_digests() -> dict[str, str]:
    """The digest of every activity imported before, by identifier."""
    return dict(ImportedActivity.objects.values_list("programme__iati_identifier", "checksum"))


def sector_list(text: str) -> frozenset[str] | None:
    """A sector filter typed on the command line: comma-separated codes, "ssr" for the default set, "all" for
    none."""
    text = text.strip()
    if text.lower() == "all":
        return None
    codes_: set[str] = set()
    for part in text.split(","):
        part = part.strip()
        if part.lower() == "ssr":
            codes_ |= SSR_SECTORS
        elif part:
            codes_.add(part)
    return frozenset(codes_)
