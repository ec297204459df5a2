"""Every write of the iati app: loading the official codelists."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from egide.accounts.selectors import reach_of
from egide.audit.models import Action
from egide.audit.services import audit_records_bulk, snapshot
from egide.core.users import Caller
from egide.iati.codelists import Codelist, codelist_files, read_codelist
from egide.iati.models import CodelistEntry

FIELDS = ("name_en", "name_fr", "category", "active")


@dataclass
class CodelistsReport:
    """Per codelist: codes created, updated and unchanged."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)


def codelists_load(*, user: Caller, folder: Path) -> CodelistsReport:
    """Load every codelist file of the folder, all or nothing: a malformed file refuses the whole load (the error
    names it) and nothing is written. Loading the same files again changes nothing. Platform staff only."""
    if not reach_of(user).superuser:
        raise PermissionDenied("Only platform staff may load the IATI codelists.")
    codelists = [read_codelist(path) for path in codelist_files(folder)]
    report = CodelistsReport()
    with transaction.atomic():
        for codelist in codelists:
            _load_one(user=user, codelist=codelist, report=report)
    return report


def _load_one(*, user: Caller, codelist: Codelist, report: CodelistsReport) -> None:
    existing = {entry.code: entry for entry in CodelistEntry.objects.filter(codelist=codelist.name)}
    created: list[CodelistEntry] = []
    changed: list[tuple[CodelistEntry, dict, dict]] = []
    for item in codelist.items:
        values = {name: getattr(item, name) for name in FIELDS}
        entry = existing.get(item.code)
        if entry is None:
            created.append(CodelistEntry(codelist=codelist.name, code=item.code, **values))
            continue
        if all(getattr(entry, name) == value for name, value in values.items()):
            continue
        before = snapshot(entry)
        for name, value in values.items():
            setattr(entry, name, value)
        changed.append((entry, before, {}))
    CodelistEntry.objects.bulk_create(created, batch_size=500)
    if changed:
        CodelistEntry.objects.bulk_update([entry for entry, _, _ in changed], [*FIELDS, "loaded_at"], batch_size=500)
    saved = CodelistEntry.objects.filter(codelist=codelist.name, code__in=[entry.code for entry in created])
    audit_records_bulk(
        user=user,
        action=Action.IMPORT,
        items=[(entry, None, snapshot(entry)) for entry in saved]
        + [(entry, before, snapshot(entry)) for entry, before, _ in changed],
    )
    report.created[codelist.name] = len(created)
    report.updated[codelist.name] = len(changed)
    report.unchanged[codelist.name] = len(codelist.items) - len(created) - len(changed)
