"""A country's programmes as files: one row per programme, and one table per part (countries, participations,
sectors, areas, supported actors), in CSV (a ZIP of one file per table) or XLSX (one sheet per table). What the
reader may not see (programmes, supported actors, the requesting institution) is left out. The columns are those
the import reads back."""

from collections.abc import Iterator, Sequence

from egide.actors.selectors import actors_visible
from egide.core.imports.tables import write_csv, write_xlsx, write_zip
from egide.core.users import Caller
from egide.imports.models import TransferKind, TransferOutcome
from egide.imports.transfers import map_transfer_record
from egide.programmes import fields
from egide.programmes.importer import PROGRAMMES_TRANSFER
from egide.programmes.models import Participation, ProgrammeArea, ProgrammeCountry, ProgrammeSector, SupportedActor
from egide.programmes.selectors import programmes_visible
from egide.programmes.tabular import write_cell

CONTENT_TYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"csv": "zip", "xlsx": "xlsx"}

Table = tuple[Sequence[str], list[list[str]]]


def programmes_tables(*, user: Caller, country: str) -> dict[str, Table]:
    """The tables of the country's programmes that the user may see, in a constant number of queries."""
    programmes = list(
        programmes_visible(user=user, country=country).select_related("requested_by").order_by("iati_identifier", "pk")
    )
    identifiers = {programme.pk: programme.iati_identifier for programme in programmes}
    seen_actors = actors_visible(user=user).values("pk")
    requesters = {programme.requested_by_id for programme in programmes if programme.requested_by_id is not None}
    seen_requesters = set(actors_visible(user=user).filter(pk__in=requesters).values_list("pk", flat=True))
    rows: list[list[str]] = []
    for programme in programmes:
        row = []
        for spec in fields.PROGRAMME.fields:
            if spec.kind is fields.Kind.ACTOR:
                actor = programme.requested_by
                row.append(actor.reference if actor is not None and actor.pk in seen_requesters else "")
            else:
                row.append(write_cell(getattr(programme, spec.name)))
        rows.append(row)
    ids = list(identifiers)

    def part(queryset: object, record: fields.Record, cells: object) -> Table:
        return record.columns, [[identifiers[item.programme_id], *cells(item)] for item in queryset]  # type: ignore[attr-defined, operator]

    tables: dict[str, Table] = {fields.PROGRAMME.table: (fields.PROGRAMME.columns, rows)}
    tables["countries"] = part(
        ProgrammeCountry.objects.filter(programme_id__in=ids).order_by("programme_id", "id"),
        fields.COUNTRY,
        lambda item: [item.country, write_cell(item.percentage)],
    )
    tables["participations"] = part(
        Participation.objects.filter(programme_id__in=ids)
        .select_related("organisation")
        .order_by("programme_id", "id"),
        fields.PARTICIPATION,
        lambda item: [
            item.role,
            item.organisation.acronym if item.organisation else "",
            item.name,
            item.iati_reference,
            item.organisation_type,
        ],
    )
    tables["sectors"] = part(
        ProgrammeSector.objects.filter(programme_id__in=ids).order_by("programme_id", "id"),
        fields.SECTOR,
        lambda item: [item.code, write_cell(item.percentage)],
    )
    tables["areas"] = part(
        ProgrammeArea.objects.filter(programme_id__in=ids).order_by("programme_id", "id"),
        fields.AREA,
        lambda item: [item.area],
    )
    tables["supported_actors"] = part(
        SupportedActor.objects.filter(programme_id__in=ids, actor__in=seen_actors)
        .select_related("actor")
        .order_by("programme_id", "id"),
        fields.SUPPORT,
        lambda item: [item.actor.reference, item.support_en, item.support_fr],
    )
    return tables


def _notes() -> Iterator[tuple[str, str, str]]:
    for record in fields.TABLES.values():
        for spec in record.fields:
            for code, label in spec.options():
                yield (f"{record.table}.{spec.name}", code, label)


def programmes_template() -> bytes:
    """An empty workbook of the programmes' tables, with the codes sheet and the coded columns' drop-down lists."""
    return _workbook({record.table: (record.columns, []) for record in fields.TABLES.values()})


def _workbook(tables: dict[str, Table]) -> bytes:
    return write_xlsx(
        {name: (columns, rows) for name, (columns, rows) in tables.items()},
        notes=list(_notes()),
        choices={
            record.table: {spec.name: spec.codes() for spec in record.fields if spec.codes()}
            for record in fields.TABLES.values()
        },
    )


def programmes_export(*, user: Caller, country: str, fmt: str) -> bytes:
    """The file of the country's programmes in `fmt` (csv or xlsx), recorded in the audit log."""
    tables = programmes_tables(user=user, country=country)
    if fmt == "xlsx":
        content = _workbook(tables)
    else:
        content = write_zip({f"{name}.csv": write_csv(columns, rows) for name, (columns, rows) in tables.items()})
    map_transfer_record(
        user=user,
        kind=TransferKind.EXPORT,
        country=country,
        fmt=fmt,
        outcome=TransferOutcome.DONE,
        records=len(tables["programmes"][1]),
        details={"records": PROGRAMMES_TRANSFER},
    )
    return content
