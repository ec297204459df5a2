"""Imports and exports of a country's map in the audit log: who imported which file with what result, who exported
which country in which format and how many records.

Every import goes through egide.actors.importer.map_file_import (the import page, the background worker, the
command line) and every export through egide.actors.exporter.export_map (the export page, the command line); each
is wrapped once by the decorators here. The event is written after the import's own transaction, so that a refused
import, which writes nothing, is recorded all the same.
"""

import dataclasses
import functools
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from egide.accounts.models import Organisation
from egide.actors.tabular import TableError
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.users import Caller
from egide.imports.models import MapTransfer, TransferKind, TransferOutcome
from egide.operations import instruments

KIND_ACTIONS = {TransferKind.IMPORT: Action.IMPORT, TransferKind.EXPORT: Action.EXPORT}


def _storable(value: Any) -> Any:
    """value with every NUL character written as the four characters \\x00: PostgreSQL stores none, in text or in
    JSON, and a hostile file's header cell or name may hold one, which the refusal's message repeats."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value


@transaction.atomic
def map_transfer_record(
    *,
    user: Caller,
    kind: TransferKind,
    country: str,
    fmt: str,
    outcome: TransferOutcome,
    filename: str = "",
    owner: Organisation | None = None,
    records: int = 0,
    problems: int = 0,
    details: dict[str, Any] | None = None,
) -> MapTransfer:
    """Keep one import or export and record it in the audit log."""
    transfer = MapTransfer.objects.create(
        kind=kind,
        country=country,
        format=fmt[:16],
        filename=_storable(filename)[:255],
        owner=owner,
        outcome=outcome,
        records=records,
        problems=problems,
        details=_storable(details or {}),
    )
    audit_record(user=user, action=KIND_ACTIONS[kind], instance=transfer, before=None, after=snapshot(transfer))
    return transfer


def audited_import[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Record each import made through `function` (keyword arguments user, country, filename, owner), whatever
    its result: done (with the report), rejected (with its number of problems), unreadable, or refused."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from egide.actors.importer import ImportRejected

        filename = str(kwargs.get("filename", ""))
        owner = kwargs.get("owner")

        def record(outcome: TransferOutcome, **facts: Any) -> None:
            map_transfer_record(
                user=kwargs.get("user"),  # type: ignore[arg-type]
                kind=TransferKind.IMPORT,
                country=str(kwargs["country"]),
                fmt=PurePath(filename).suffix.lstrip(".").lower(),
                filename=filename,
                owner=owner if isinstance(owner, Organisation) else None,
                outcome=outcome,
                **facts,
            )

        try:
            report = function(*args, **kwargs)
        except TableError as error:
            record(TransferOutcome.UNREADABLE, problems=1, details={"error": str(error)})
            raise
        except ImportRejected as rejected:
            record(TransferOutcome.REJECTED, problems=rejected.total)
            raise
        except PermissionDenied as error:
            record(TransferOutcome.REFUSED, details={"error": str(error)})
            raise
        counts = dataclasses.asdict(report)  # type: ignore[call-overload]
        records = sum(value for name, value in counts.items() if name.startswith(("actors_", "relationships_")))
        record(TransferOutcome.DONE, records=records, details=counts)
        instruments.import_rows(importer="map", rows=records)
        return report

    return wrapper


def audited_export[**P](function: Callable[P, bytes]) -> Callable[P, bytes]:
    """Record each export made through `function` (keyword arguments user, country, fmt), with the number of actors
    and relationships it held: those the user may see."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> bytes:
        from egide.actors import selectors

        content = function(*args, **kwargs)
        user: Caller = kwargs.get("user")  # type: ignore[assignment]
        country = str(kwargs["country"])
        counts = {
            "actors": selectors.country_actors(user=user, country=country).count(),
            "relationships": selectors.country_relationships(user=user, country=country).count(),
        }
        map_transfer_record(
            user=user,
            kind=TransferKind.EXPORT,
            country=country,
            fmt=str(kwargs["fmt"]),
            outcome=TransferOutcome.DONE,
            records=sum(counts.values()),
            details=counts,
        )
        return content

    return wrapper
