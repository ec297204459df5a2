"""Every write of the iati app: loading the official codelists, and the imports run by the background worker."""

import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.accounts.selectors import importing_owners, reach_of
from egide.audit.models import Action
from egide.audit.services import audit_records_bulk, snapshot
from egide.core.users import Caller
from egide.iati.codelists import Codelist, codelist_files, read_codelist
from egide.iati.models import CodelistEntry, IatiImportRun, RunStatus
from egide.operations import instruments

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


XML_STARTS = (b"<", b"\xef\xbb\xbf<")
"""What an XML file starts with, after any leading white space (with or without a UTF-8 byte order mark)."""


def _uploads_folder(run: IatiImportRun) -> str:
    """Where a run's files wait for the worker, in the storage of uploaded documents (a folder of the data folder,
    or a bucket that every machine reaches: the worker may run on another machine than the page that took them)."""
    return f"iati-imports/{run.pk}"


@contextmanager
def _local_copy(name: str) -> Iterator[Path]:
    """A stored file as a path on this machine, which the streaming reader and its child process need: the file
    itself when the storage is a folder of this machine, else a temporary copy, deleted afterwards."""
    try:
        local: Path | None = Path(default_storage.path(name))
    except NotImplementedError:  # a bucket: no path
        local = None
    if local is not None and local.is_file():
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="egide-iati-") as folder:
        path = Path(folder) / Path(name).name
        with default_storage.open(name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield path


def _local_folder_delete(folder: str) -> None:
    """The run's emptied folder, when the storage is a local folder (a bucket has no folders to delete)."""
    with suppress(NotImplementedError):
        shutil.rmtree(default_storage.path(folder), ignore_errors=True)


def _uploads_delete(names: list[str]) -> None:
    for name in names:
        with suppress(OSError):  # already gone: nothing to keep
            default_storage.delete(name)


def _check_upload(upload: UploadedFile) -> None:
    name = upload.name or "?"
    if upload.size is not None and upload.size > settings.EGIDE_IATI_MAX_BYTES:
        raise ValidationError(
            _("%(file)s: the file is larger than %(size)s MB, the most an IATI import accepts.")
            % {"file": name, "size": settings.EGIDE_IATI_MAX_BYTES // 2**20}
        )
    upload.seek(0)
    start = upload.read(1024).lstrip()
    upload.seek(0)
    if not start.startswith(XML_STARTS):
        raise ValidationError(_("%(file)s: not an XML file: an IATI activity file is XML.") % {"file": name})


def iati_import_run_create(
    *,
    user: User,
    owner: Organisation | None,
    uploads: list[UploadedFile],
    sectors: str = "ssr",
    countries: str = "",
    dry_run: bool = False,
) -> IatiImportRun:
    """Keep the uploaded files and queue their import for the background worker. The owner must be one of the
    organisations the user imports for (platform staff may leave it empty); each file must be XML and within the
    size cap. Nothing is kept when anything is refused."""
    if reach_of(user).superuser:
        if owner is not None and not Organisation.objects.filter(pk=owner.pk).exists():
            raise PermissionDenied(_("No such organisation."))
    elif owner is None or not importing_owners(user=user).filter(pk=owner.pk).exists():
        raise PermissionDenied(_("You may not import records for this organisation."))
    if not uploads:
        raise ValidationError(_("Choose at least one IATI activity file."))
    for upload in uploads:
        _check_upload(upload)
    with transaction.atomic():
        run = IatiImportRun.objects.create(
            user=user,
            owner=owner,
            filenames=[upload.name or f"file-{number}.xml" for number, upload in enumerate(uploads, start=1)],
            sectors=sectors[:2000],
            countries=countries[:2000],
            dry_run=dry_run,
            language=translation.get_language() or "en",
        )
        folder = _uploads_folder(run)
        stored: list[str] = []
        try:
            for number, upload in enumerate(uploads, start=1):
                upload.seek(0)
                stored.append(default_storage.save(f"{folder}/{number:04d}.xml", upload))
        except Exception:
            _uploads_delete(stored)
            raise
        run.stored = stored
        run.save(update_fields=["stored"])

        def enqueue() -> None:
            from egide.iati.tasks import iati_import_task

            iati_import_task.enqueue(str(run.pk))

        transaction.on_commit(enqueue)
    return run


def iati_import_run_execute(*, run_id: str) -> str:
    """Run a queued import once (a run already taken, by another worker or before, is left alone), file after
    file, each all or nothing, keeping the counts up to date for its page; the files are deleted at the end. A run
    that fails says why; it is never left running."""
    from egide.iati.importer import Filters, file_digest, iati_file_import, known_digests, sector_list, unchanged_file
    from egide.iati.pipeline import pipelined
    from egide.iati.progress import FileProgress, run_progress_clear, run_progress_write, streamed
    from egide.iati.selectors import parser_codelists

    taken = IatiImportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return "skipped"
    run = IatiImportRun.objects.select_related("user", "owner").get(pk=run_id)
    folder = _uploads_folder(run)
    # Runs queued before the files went to the storage of uploads kept bare names within the run's folder.
    names = [stored if "/" in stored else f"{folder}/{stored}" for stored in run.stored]
    reports: list[dict[str, object]] = []
    try:
        with translation.override(run.language):
            countries_ = frozenset(code.strip().upper() for code in run.countries.split(",") if code.strip())
            filters = Filters(sectors=sector_list(run.sectors), countries=countries_ or None)
            codes, known = parser_codelists(), known_digests()
            # Each file read as a stream in this process, or by a child process while this one writes.
            reader = streamed if settings.EGIDE_IATI_JOBS == 1 else pipelined
            read_before = 0
            for number, (name, stored) in enumerate(zip(run.filenames, names, strict=True), start=1):

                def tick(state: FileProgress, done: int = number - 1, before: int = read_before) -> None:
                    run_progress_write(
                        run_id=run.pk, files_done=done, activities=before + state.activities, progress=state
                    )

                with _local_copy(stored) as path:
                    digest = file_digest(path, filters, codes)
                    # A file imported clean and unchanged since is not read at all; any other is read as a stream.
                    remembered = unchanged_file(digest, known) is not None
                    report = iati_file_import(
                        user=run.user,
                        path=path,
                        filters=filters,
                        owner=run.owner,
                        codes=codes,
                        dry_run=run.dry_run,
                        known=known,
                        name=name,
                        activities=None if remembered else reader(path, tick=tick, name=name, codes=codes, known=known),
                        read_digest="" if remembered else digest,
                    )
                reports.append(dataclasses.asdict(report))
                read_before += report.read
                instruments.import_rows(importer="iati", rows=report.read)
                IatiImportRun.objects.filter(pk=run.pk).update(
                    files_done=number, activities_read=read_before, report=reports
                )
        outcome: dict[str, str] = {"status": RunStatus.DONE}
    except Exception as error:  # the run must end, and say why
        outcome = {"status": RunStatus.FAILED, "error": f"{type(error).__name__}: {error}"[:2000]}
    finally:
        _uploads_delete(names)
        _local_folder_delete(folder)
        run_progress_clear(run_id=run.pk)
    IatiImportRun.objects.filter(pk=run.pk).update(**outcome, report=reports, stored=[], finished_at=timezone.now())
    return str(outcome["status"])
