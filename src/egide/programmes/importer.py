"""Importing a country's programmes from a file (the export's tables): plan, then apply.

The plan reads every table, checks every cell and every reference, and collects every problem with its table,
row and column; nothing is written when there is any. The apply step writes each programme through
`services.programme_create` or `programme_update` in one transaction, and a refusal of the services is reported at
the programme's row, undoing the whole import. A programme is matched by its IATI identifier: importing the same
file again changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.accounts.selectors import can_create
from egide.actors.models import Actor
from egide.actors.selectors import actors_visible
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected, ImportReport, Problems
from egide.core.imports.tables import Row, read_tables
from egide.core.users import Caller
from egide.imports.models import TransferKind, TransferOutcome
from egide.imports.transfers import map_transfer_record
from egide.programmes import fields, services
from egide.programmes.data import (
    CountryShare,
    LocationData,
    ParticipationData,
    ProgrammeData,
    SectorShare,
    SupportData,
)
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable, programmes_visible
from egide.programmes.tabular import LAYOUT, CellError, read_cell

__all__ = ["ImportRejected", "ProgrammesReport", "programmes_import"]

PROGRAMMES_TRANSFER = "programmes"
"""What a transfer's details say it moved, beside the map's imports and exports in the same log."""


@dataclass(slots=True)
class ProgrammesReport(ImportReport):
    programmes_created: int = 0
    programmes_changed: int = 0
    programmes_unchanged: int = 0


@dataclass(slots=True)
class _Planned:
    row: int
    data: ProgrammeData
    existing: Programme | None
    values: dict[str, Any] = field(default_factory=dict)


def _read_row(record: fields.Record, row: Row, problems: Problems) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    for spec in record.fields:
        try:
            values[spec.name] = read_cell(spec, row.get(spec.name))
        except CellError as error:
            problems.at(record.table, row.number, spec.name, str(error))
            ok = False
    return values if ok else None


class _Actors:
    """The actors a file may name, by country and reference: those the importing user may see."""

    def __init__(self, user: Caller, references: set[str]) -> None:
        self.by_reference: dict[str, list[Actor]] = defaultdict(list)
        for actor in actors_visible(user=user).filter(reference__in=references):
            self.by_reference[actor.reference].append(actor)

    def find(self, reference: str, where: set[str], lead: str) -> Actor | None:
        candidates = [actor for actor in self.by_reference.get(reference, []) if actor.country in where]
        candidates.sort(key=lambda actor: (actor.country != lead, actor.country))
        return candidates[0] if candidates else None


def _plan(
    *, user: Caller, country: str, tables: dict[str, list[Row]], owner: Organisation | None, problems: Problems
) -> list[_Planned]:
    planned: dict[str, _Planned] = {}
    rows_of: dict[str, list[tuple[Row, dict[str, Any]]]] = {}
    for record in fields.PARTS:
        rows_of[record.table] = []
        for row in tables.get(record.table, []):
            values = _read_row(record, row, problems)
            if values is not None:
                rows_of[record.table].append((row, values))
    identifiers = [row.get("iati_identifier") for row in tables.get("programmes", [])]
    existing = {
        programme.iati_identifier: programme
        for programme in Programme.objects.filter(iati_identifier__in=[i for i in identifiers if i])
    }
    visible = set(
        programmes_visible(user=user).filter(pk__in=[p.pk for p in existing.values()]).values_list("pk", flat=True)
    )
    for row in tables.get("programmes", []):
        values = _read_row(fields.PROGRAMME, row, problems)
        if values is None:
            continue
        identifier = values["iati_identifier"]
        if identifier in planned:
            problems.at("programmes", row.number, "iati_identifier", _("This identifier is given on an earlier row."))
            continue
        current = existing.get(identifier)
        if current is not None:
            if current.pk not in visible or not programme_editable(user=user, programme=current):
                problems.at(
                    "programmes",
                    row.number,
                    "iati_identifier",
                    _("Another organisation's programme has this identifier; you may not change it."),
                )
                continue
            if current.country != country:
                problems.at(
                    "programmes",
                    row.number,
                    "iati_identifier",
                    _("This programme is led from another country: import it there."),
                )
                continue
        elif not can_create(user=user, owner=owner, country=country):
            problems.at(
                "programmes", row.number, "iati_identifier", _("You may not create programmes in this country.")
            )
            continue
        data = ProgrammeData(
            country=country,
            title_en=values["title_en"],
            owner=current.owner if current is not None else owner,
            confidentiality=values["confidentiality"],
        )
        planned[identifier] = _Planned(row.number, data, current, values)
    for table, rows in rows_of.items():
        for row, values in rows:
            if values["programme"] not in planned:
                problems.at(
                    table,
                    row.number,
                    "programme",
                    _("No programme of the file has the identifier “%(identifier)s”.")
                    % {"identifier": values["programme"]},
                )
    for _row, values in rows_of["countries"]:
        if values["programme"] in planned:
            planned[values["programme"]].data.countries.append(CountryShare(values["country"], values["percentage"]))
    organisations = {organisation.acronym.upper(): organisation for organisation in Organisation.objects.all()}
    for row, values in rows_of["participations"]:
        if values["programme"] not in planned:
            continue
        organisation = None
        if values["organisation"]:
            organisation = organisations.get(str(values["organisation"]).upper())
            if organisation is None:
                problems.at(
                    "participations",
                    row.number,
                    "organisation",
                    _("No organisation has the acronym “%(acronym)s”.") % {"acronym": values["organisation"]},
                )
                continue
        planned[values["programme"]].data.participations.append(
            ParticipationData(
                role=values["role"],
                organisation=organisation,
                name=values["name"],
                iati_reference=values["iati_reference"],
                organisation_type=values["organisation_type"],
            )
        )
    for _row, values in rows_of["sectors"]:
        if values["programme"] in planned:
            planned[values["programme"]].data.sectors.append(SectorShare(values["code"], values["percentage"]))
    for _row, values in rows_of["areas"]:
        if values["programme"] in planned:
            planned[values["programme"]].data.areas.append(values["area"])
    references = {str(values["actor"]) for _row, values in rows_of["supported_actors"]}
    references |= {str(item.values["requested_by"]) for item in planned.values() if item.values["requested_by"]}
    actors = _Actors(user, references)
    for item in planned.values():
        values, data = item.values, item.data
        for spec in fields.PROGRAMME.fields:
            if spec.kind is not fields.Kind.ACTOR:
                setattr(data, spec.name, values[spec.name])
        where = services.programme_countries(data)
        if values["requested_by"]:
            data.requested_by = actors.find(str(values["requested_by"]), where, country)
            if data.requested_by is None:
                problems.at(
                    "programmes",
                    item.row,
                    "requested_by",
                    _("No actor of the programme's countries has this reference."),
                )
        if item.existing is not None:
            data.locations = [
                LocationData(location.name, location.country, location.region, location.latitude, location.longitude)
                for location in item.existing.locations.all()
            ]
    for row, values in rows_of["supported_actors"]:
        supported = planned.get(values["programme"])
        if supported is None:
            continue
        actor = actors.find(str(values["actor"]), services.programme_countries(supported.data), country)
        if actor is None:
            problems.at(
                "supported_actors", row.number, "actor", _("No actor of the programme's countries has this reference.")
            )
            continue
        supported.data.supports.append(SupportData(actor, values["support_en"], values["support_fr"]))
    return list(planned.values())


def _apply(*, user: Caller, plan: list[_Planned], problems: Problems) -> ProgrammesReport:
    report = ProgrammesReport()
    for item in plan:
        try:
            with transaction.atomic():
                if item.existing is None:
                    services.programme_create(user=user, data=item.data)
                    report.programmes_created += 1
                else:
                    version = item.existing.version
                    services.programme_update(user=user, programme=item.existing, data=item.data)
                    if item.existing.version != version:
                        report.programmes_changed += 1
                    else:
                        report.programmes_unchanged += 1
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                table, column = _where(name)
                for message in messages:
                    problems.at(table, item.row, column, message)
        except PermissionDenied as denied:
            problems.at("programmes", item.row, "confidentiality", str(denied))
    return report


def _where(name: str) -> tuple[str, str]:
    """Where a service's refusal shows in the file: a part's problems at the programme's row, in its table."""
    parts = {
        "countries": "countries",
        "sectors": "sectors",
        "areas": "areas",
        "participations": "participations",
        "supports": "supported_actors",
        "locations": "programmes",
    }
    if name in parts:
        return "programmes", parts[name]
    return "programmes", name


def programmes_import(
    *,
    user: Caller,
    country: str,
    filename: str,
    data: bytes,
    owner: Organisation | None,
    dry_run: bool = False,
    record_unchanged: bool = True,
) -> ProgrammesReport:
    """Import the file's programmes into the country, all or nothing. With `dry_run`, check and count only.
    Raises ImportRejected with every problem, or FileRefused when the file cannot be read as tables.

    Every attempt is recorded (a map transfer and its audit event), that of a file that changed nothing included,
    unless `record_unchanged` is False: then an import that changed nothing leaves no trace (the demo loader, which
    loads the same files at every run). A refused or rejected file is recorded all the same."""
    problems = Problems()
    fmt = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""

    def record(outcome: TransferOutcome, **facts: Any) -> None:
        if dry_run:
            return
        map_transfer_record(
            user=user,
            kind=TransferKind.IMPORT,
            country=country,
            fmt=fmt,
            filename=filename,
            owner=owner,
            outcome=outcome,
            details={"records": PROGRAMMES_TRANSFER, **facts.pop("details", {})},
            **facts,
        )

    try:
        tables = read_tables(data, filename=filename, layout=LAYOUT)
    except FileRefused as refused:
        record(TransferOutcome.UNREADABLE, details={"error": str(refused)})
        raise
    try:
        with transaction.atomic():
            plan = _plan(user=user, country=country, tables=tables, owner=owner, problems=problems)
            problems.raise_if_any()
            report = _apply(user=user, plan=plan, problems=problems)
            problems.raise_if_any()
            if dry_run:
                transaction.set_rollback(True)
    except ImportRejected as rejected:
        record(TransferOutcome.REJECTED, problems=rejected.total)
        raise
    if not record_unchanged and not report.changed:
        return report
    record(
        TransferOutcome.DONE,
        records=report.programmes_created + report.programmes_changed,
        details={"created": report.programmes_created, "changed": report.programmes_changed},
    )
    return report
