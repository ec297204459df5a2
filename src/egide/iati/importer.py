"""Importing IATI activity files into programmes: filtered, upserted by IATI identifier, each file all or nothing.

For each file, activities are read one at a time (egide.iati.parser), the filters keep those of the chosen sectors
(at activity or transaction level), recipient countries and reporting organisations, and the kept ones are written
in batches: a programme per activity with its recipient countries, participants, sectors, locations, documents,
budgets and transactions, and its provenance (file, reporting organisation, IATI version, import time, a checksum of
the activity). An activity whose checksum has not changed since the last import is counted as unchanged and nothing
is written for it; a changed one is updated in place, its parts replaced, and its history records the import.

The whole file is one transaction: malformed XML anywhere in it (MalformedFile) leaves nothing of it written. The
faults publishers make are warnings kept on the programme's provenance and counted in the report.
"""

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import can_create, can_edit
from egide.audit.models import Action
from egide.audit.services import audit_rows_bulk, snapshot, snapshot_of_values
from egide.core import iati_codes
from egide.core.inserts import insert_rows
from egide.core.users import Caller, author
from egide.iati.models import ImportedActivity
from egide.iati.parser import Codelists, MalformedFile, Unchanged, read_activities_since, read_unchanged
from egide.iati.records import Activity, Narratives
from egide.iati.records import Organisation as IatiOrganisation
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
        if organisation.ref and (found := self.by_ref.get(organisation.ref.casefold())):
            return found
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
        self.now = timezone.now()
        writer = author(user)
        self.author_id = writer.pk if writer is not None else None

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
                    continue
                item = read_unchanged(item, self.codes)
            if self.keep(item):
                yield item

    def keep(self, activity: Activity) -> bool:
        self.report.read += 1
        if not self.filters.accepts(activity):
            self.report.skipped_by_filter += 1
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
        self.report.warnings += len(activity.warnings)
        return True

    # Writing --------------------------------------------------------------------------------------------------------

    def write(self, activities: list[Activity]) -> None:
        existing = {
            programme.iati_identifier: programme
            for programme in Programme.objects.filter(
                iati_identifier__in=[activity.identifier for activity in activities]
            ).select_related("iati")
        }
        created: list[tuple[Activity, str, dict[str, Any]]] = []
        updated: list[tuple[Activity, str, Programme, dict[str, Any]]] = []
        for activity in activities:
            digest = checksum(activity)
            programme = existing.get(activity.identifier)
            if programme is None:
                values = self._programme_values(activity)
                if not can_create(user=self.user, owner=self.owner, country=values["country"]):
                    self.report.errors.append(
                        f"line {activity.line}: {activity.identifier}: no right to create programmes in "
                        f"{values['country'] or 'a region'}"
                    )
                    continue
                created.append((activity, digest, values))
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
                continue
            if not can_edit(user=self.user, record=programme):
                self.report.errors.append(f"line {activity.line}: {activity.identifier}: no right to change it")
                continue
            updated.append((activity, digest, programme, snapshot(programme)))
        if created:
            self._create(created)
        if updated:
            self._update(updated)

    def _programme_values(self, activity: Activity) -> dict[str, Any]:
        """The new programme's column values (by attribute name), every column present."""
        general = next((texts for kind, texts in activity.descriptions if kind == "1"), None) or next(
            (texts for _kind, texts in activity.descriptions), {}
        )
        status = activity.status if activity.status in STATUS_CODES else "2"
        return PROGRAMMES.values(
            created_at=self.now,
            updated_at=self.now,
            created_by_id=self.author_id,
            updated_by_id=self.author_id,
            owner_id=self.owner.pk if self.owner is not None else None,
            confidentiality=Confidentiality.PUBLIC,
            iati_identifier=activity.identifier,
            country=_lead_country(activity),
            title_en=_first_text(activity.titles, 500) or activity.identifier,
            title_fr=_text(activity.titles, "fr", 500),
            description_en=general.get("en") or ("" if "fr" in general else _first_text(general, 100_000)),
            description_fr=general.get("fr", ""),
            status=status,
            planned_start=activity.dates.get("1"),
            actual_start=activity.dates.get("2"),
            planned_end=activity.dates.get("3"),
            actual_end=activity.dates.get("4"),
            default_currency=(activity.default_currency or "USD")[:3],
            lifecycle_stage=LIFECYCLE_BY_STATUS.get(status, "implementation"),
        )

    def _create(self, created: list[tuple[Activity, str, dict[str, Any]]]) -> None:
        ids = insert_rows(Programme, PROGRAMMES.columns, (PROGRAMMES.row(values) for _, _, values in created))
        self._write_parts([(activity, digest, pk) for (activity, digest, _), pk in zip(created, ids, strict=True)])
        audit_rows_bulk(
            user=self.user,
            action=Action.IMPORT,
            model=Programme,
            rows=(
                (
                    pk,
                    values["title_en"],
                    values["country"],
                    values["owner_id"],
                    None,
                    self._after(values | {"id": pk}, activity),
                )
                for (activity, _, values), pk in zip(created, ids, strict=True)
            ),
        )
        self.report.created += len(created)
        self.known.update((activity.identifier, digest) for activity, digest, _ in created)

    def _update(self, updated: list[tuple[Activity, str, Programme, dict[str, Any]]]) -> None:
        programmes = []
        for activity, _, programme, _ in updated:
            values = self._programme_values(activity)
            for name in UPDATED_FIELDS:
                setattr(programme, name, values[name])
            programme.version += 1
            programmes.append(programme)
        Programme.objects.bulk_update(programmes, [*UPDATED_FIELDS, "version"], batch_size=BATCH)
        ids = [programme.pk for programme in programmes]
        for model in PART_MODELS:
            model._default_manager.filter(programme_id__in=ids).delete()
        ImportedActivity.objects.filter(programme_id__in=ids).delete()
        self._write_parts([(activity, digest, programme.pk) for activity, digest, programme, _ in updated])
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
        self.known.update((activity.identifier, digest) for activity, digest, _, _ in updated)

    def _write_parts(self, items: list[tuple[Activity, str, int]]) -> None:
        now, author_id = self.now, self.author_id
        stamps = {"created_at": now, "updated_at": now, "created_by_id": author_id, "updated_by_id": author_id}
        written: tuple[type[models.Model], ...] = (*PART_MODELS, ImportedActivity)
        tables = {model: _Table(model) for model in written}
        countries, participations, sectors = tables[ProgrammeCountry], tables[Participation], tables[ProgrammeSector]
        locations, documents = tables[Location], tables[ProgrammeDocument]
        budgets, transactions, provenance = tables[Budget], tables[Transaction], tables[ImportedActivity]
        for activity, digest, programme_id in items:
            seen_countries: set[str] = set()
            for share in activity.recipient_countries:
                if share.code not in seen_countries:
                    seen_countries.add(share.code)
                    countries.add(programme_id=programme_id, country=share.code, percentage=share.percentage)
            for participant in activity.participants:
                organisation = self.organisations.match(participant.organisation)
                name = _first_text(participant.organisation.name, 300) or participant.organisation.ref
                if organisation is None and not name:
                    continue
                participations.add(
                    programme_id=programme_id,
                    role=participant.role if participant.role in ROLE_CODES else "4",
                    organisation_id=organisation.pk if organisation is not None else None,
                    name="" if organisation is not None else name,
                    iati_reference=participant.organisation.ref[:100],
                    organisation_type=participant.organisation.type
                    if participant.organisation.type in ORGANISATION_TYPE_CODES
                    else "",
                )
            seen_sectors: set[tuple[str, str]] = set()
            for share in activity.sectors:
                key = (share.vocabulary[:4], share.code[:32])
                if key not in seen_sectors:
                    seen_sectors.add(key)
                    sectors.add(programme_id=programme_id, vocabulary=key[0], code=key[1], percentage=share.percentage)
            for place in activity.locations:
                locations.add(
                    programme_id=programme_id,
                    name=_first_text(place.name, 300) or place.ref[:300] or "—",
                    latitude=place.latitude,
                    longitude=place.longitude,
                )
            for document in activity.documents:
                documents.add(
                    **stamps,
                    programme_id=programme_id,
                    title_en=_first_text(document.title, 500) or document.url[:500],
                    title_fr=_text(document.title, "fr", 500),
                    url=document.url[:1000],
                    category=next((code for code in document.categories if code in DOCUMENT_CATEGORY_CODES), "A02"),
                    language=next((code for code in document.languages if code in DOCUMENT_LANGUAGE_CODES), ""),
                    document_date=document.date,
                )
            for budget in activity.budgets:
                money = budget.money
                start, end = budget.period_start, budget.period_end
                if money.value is None or not money.currency or start is None or end is None or end < start:
                    continue  # already a warning of the parser, or a period the table cannot hold
                budgets.add(
                    **stamps,
                    programme_id=programme_id,
                    type=budget.type if budget.type in ("1", "2") else "1",
                    status=budget.status if budget.status in ("1", "2") else "1",
                    period_start=start,
                    period_end=end,
                    value=_amount(money.value),
                    currency=money.currency[:3],
                    value_date=money.value_date or start,
                )
            for flow in activity.transactions:
                money = flow.money
                if money.value is None or not money.currency or flow.date is None or flow.type not in TRANSACTION_CODES:
                    continue
                provider = self.organisations.match(flow.provider) if flow.provider else None
                receiver = self.organisations.match(flow.receiver) if flow.receiver else None
                transactions.add(
                    **stamps,
                    programme_id=programme_id,
                    type=flow.type,
                    date=flow.date,
                    value=_amount(money.value),
                    currency=money.currency[:3],
                    value_date=money.value_date or flow.date,
                    provider_id=provider.pk if provider is not None else None,
                    provider_name="" if provider or not flow.provider else _first_text(flow.provider.name, 300),
                    provider_reference=flow.provider.ref[:100] if flow.provider else "",
                    receiver_id=receiver.pk if receiver is not None else None,
                    receiver_name="" if receiver or not flow.receiver else _first_text(flow.receiver.name, 300),
                    receiver_reference=flow.receiver.ref[:100] if flow.receiver else "",
                    description=_first_text(flow.description, 100_000),
                    sector_code=next((share.code[:32] for share in flow.sectors), ""),
                    recipient_country=flow.recipient_country,
                    reference=flow.ref[:200],
                )
            provenance.add(
                programme_id=programme_id,
                source_file=self.source[:500],
                reporting_org_ref=activity.reporting_org.ref[:100],
                reporting_org_name=_first_text(activity.reporting_org.name, 300),
                version=activity.version[:8],
                imported_at=now,
                checksum=digest,
                warnings=[
                    {"code": w.code, "element": w.element, "line": w.line, "detail": w.detail}
                    for w in activity.warnings
                ],
            )
        for table in tables.values():
            table.write()
        money_services.programme_sums_refresh(programme_ids=[programme_id for _, _, programme_id in items])

    def _after(self, values: dict[str, Any], activity: Activity) -> dict[str, Any]:
        after = snapshot_of_values(Programme, values) if "owner_id" in values else dict(values)
        after["iati_file"] = self.source
        after["iati_reporting_organisation"] = activity.reporting_org.ref
        return after


class _Table:
    """New rows of one model, as tuples in the order of its columns (every column but the id), each value not
    given taken from the field's default."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        self.columns = tuple(field.attname for field in fields)
        self.defaults = {field.attname: field.get_default() for field in fields}
        self.rows: list[tuple[Any, ...]] = []

    def values(self, **given: Any) -> dict[str, Any]:
        unknown = given.keys() - self.defaults.keys()
        if unknown:
            raise ValueError(f"{self.model.__name__} has no column {', '.join(sorted(unknown))}")
        return self.defaults | given

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values[column] for column in self.columns)

    def add(self, **given: Any) -> None:
        self.rows.append(self.row(self.values(**given)))

    def write(self) -> None:
        if self.rows:
            insert_rows(self.model, self.columns, self.rows, ids=False)
            self.rows.clear()


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
PROGRAMMES = _Table(Programme)


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
) -> FileReport:
    """Import one IATI activity file, all or nothing (see the module's description).

    `known` maps the identifiers of the activities imported before to their digests (`known_digests()`); an import
    of several files passes the same dictionary to each, which each import keeps up to date. `activities` are the
    file's activities already read and filtered (a parallel reader's), with `already_counted` the reader's counts of
    activities read and skipped by the filters; without them the file is read here, as a stream. `name` is the
    file's name as its user knows it (an upload is kept under another), in the report and its messages."""
    name = name or path.name
    report = FileReport(file=name)
    known = known_digests() if known is None else known
    importer = _FileImport(
        user=user, owner=owner, filters=filters, source=name, report=report, known=known, codes=codes
    )
    source = (
        activities if activities is not None else read_activities_since(path, filename=name, codes=codes, known=known)
    )
    written = dict(known)
    try:
        with transaction.atomic():
            for batch in _batches(importer.activities(source), BATCH):
                importer.write(batch)
                if progress is not None:
                    progress(report)
            if already_counted is not None:
                report.read, report.skipped_by_filter = already_counted
            if dry_run:
                transaction.set_rollback(True)
    except MalformedFile as error:
        _restore(known, written)
        return dataclasses.replace(FileReport(file=name, read=report.read), refused=str(error), errors=report.errors)
    if dry_run:
        _restore(known, written)
    if progress is not None:
        progress(report)
    return report


def known_digests() -> dict[str, str]:
    """The digest of every activity imported before, by identifier."""
    return dict(ImportedActivity.objects.values_list("programme__iati_identifier", "checksum"))


def _restore(known: dict[str, str], saved: dict[str, str]) -> None:
    """Put back the digests as they were before a file that wrote nothing (refused, or a dry run)."""
    known.clear()
    known.update(saved)


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
