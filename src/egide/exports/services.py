"""Every write of exports: the record of each export (audited), the background export's run, and the deletion of
expired files. The rows come from the list's own selectors (egide.exports.lists), as the list page reads them."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.users import AnyUser, Caller, author
from egide.exports import files
from egide.exports.columns import Column, Rows
from egide.exports.lists import LISTS, ListExport
from egide.exports.models import Export, ExportFormat, ExportStatus

logger = logging.getLogger(__name__)

FOLDER = "exports"
"""Where the background worker's files are kept in the file storage."""

IGNORED_PARAMETERS = ("page", "rpage", "partial", "part")
"""What a list page's address holds that chooses no row: its page number, a partial's name."""


@dataclass(frozen=True, slots=True)
class Request:
    """An export asked for: which list, of which scope, with which filters, in which format."""

    list_export: ListExport
    scope: str
    query: QueryDict
    fmt: ExportFormat

    @property
    def country(self) -> str:
        return self.scope if len(self.scope) == 2 and self.scope.isalpha() else ""


def export_query(query: QueryDict) -> QueryDict:
    """The page's query string without what chooses no row."""
    kept = query.copy()
    for name in IGNORED_PARAMETERS:
        kept.pop(name, None)
    return kept


def export_rows(*, user: Caller, request: Request) -> tuple[list[Column], Rows]:
    """The list's columns, in the active language, and its rows as `user` sees them with the request's filters.
    Raises Http404 for a scope the user does not see, BadRequest for a refused filter."""
    columns = list(request.list_export.columns())
    rows = request.list_export.select(user=user, scope=request.scope, query=request.query, columns=columns)
    return columns, rows


def is_large(rows: Rows) -> bool:
    """Whether the export is too large to stream in the request (EGIDE_EXPORT_INLINE_MAX_ROWS)."""
    return rows.total > settings.EGIDE_EXPORT_INLINE_MAX_ROWS


def _recorded(*, user: Caller, request: Request, rows: int, status: ExportStatus) -> Export:
    export = Export.objects.create(
        user=author(user),
        list_name=request.list_export.name,
        scope=request.scope,
        country=request.country,
        query=request.query.urlencode(),
        format=request.fmt,
        status=status,
        rows=rows,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    audit_record(user=user, action=Action.EXPORT, instance=export, before=None, after=snapshot(export))
    return export


@transaction.atomic
def export_streamed(*, user: Caller, request: Request, rows: int) -> Export:
    """Record, in the audit log, an export streamed in the request: who, which list, which filters, how many rows."""
    return _recorded(user=user, request=request, rows=rows, status=ExportStatus.STREAMED)


@transaction.atomic
def export_job_create(*, user: AnyUser, request: Request, rows: int) -> Export:
    """Queue a large export for the background worker, recorded and audited; the job and its task are written
    together, or neither is. Only a logged-in user may: the file is kept for its requester alone."""
    from egide.exports.tasks import export_job_task

    if author(user) is None:
        raise PermissionDenied(
            _("This list holds more than %(limit)s rows: log in to export it.")
            % {"limit": settings.EGIDE_EXPORT_INLINE_MAX_ROWS}
        )
    export = _recorded(user=user, request=request, rows=rows, status=ExportStatus.QUEUED)
    export_job_task.enqueue(export.pk)
    return export


def export_job_run(*, export_id: int) -> str:
    """Write a queued export's file as its requester sees the list now, keep it in the file storage until it
    expires, and say so on the export. An export already taken (by another worker, or run before) is left alone."""
    exports_expired_delete()
    taken = Export.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(status=ExportStatus.RUNNING)
    if not taken:
        return "skipped"
    export = Export.objects.select_related("user").get(pk=export_id)
    with translation.override(export.language):
        try:
            name, count = _written(export)
        except (Http404, PermissionDenied, BadRequest, KeyError):
            outcome = {"error": _("This list can no longer be exported: it, or its filters, are no longer yours.")}
            _ended(export, ExportStatus.FAILED, **outcome)
            return ExportStatus.FAILED
        except Exception:
            logger.exception("export %s failed", export.pk)
            _ended(export, ExportStatus.FAILED, error=_("The export stopped on an unexpected error."))
            return ExportStatus.FAILED
    expires = timezone.now() + datetime.timedelta(hours=settings.EGIDE_EXPORT_KEEP_HOURS)
    _ended(export, ExportStatus.DONE, file=name, written=count, rows=count, expires_at=expires)
    return ExportStatus.DONE


def _written(export: Export) -> tuple[str, int]:
    request = Request(
        list_export=LISTS[export.list_name],
        scope=export.scope,
        query=QueryDict(export.query),
        fmt=ExportFormat(export.format),
    )
    columns, rows = export_rows(user=export.user, request=request)
    Export.objects.filter(pk=export.pk).update(rows=rows.total)

    def progress(count: int) -> None:
        Export.objects.filter(pk=export.pk).update(written=count)

    content, count = files.write_file(
        request.fmt, columns, rows, title=str(request.list_export.title), on_rows=progress
    )
    with content:
        name = default_storage.save(f"{FOLDER}/{export.key}.{export.format}", File(content))
    return name, count


def _ended(export: Export, status: ExportStatus, **fields: object) -> None:
    Export.objects.filter(pk=export.pk).update(status=status, finished_at=timezone.now(), **fields)


def export_job_lost(*, export_id: int) -> bool:
    """End an export whose worker stopped while it ran: failed, with the reason."""
    export = Export.objects.filter(pk=export_id).only("language").first()
    if export is None:
        return False
    with translation.override(export.language):
        reason = _("The background worker stopped while it wrote this export. Export the list again.")
    return bool(
        Export.objects.filter(pk=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).update(
            status=ExportStatus.FAILED, error=reason, finished_at=timezone.now()
        )
    )


def exports_expired_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of the exports whose time is up; the exports stay, marked expired, for the record.
    Returns how many files were deleted."""
    expired = Export.objects.filter(status=ExportStatus.DONE, expires_at__lte=now or timezone.now())
    count = 0
    for export in expired.only("pk", "file"):
        if export.file:
            default_storage.delete(export.file)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        count += 1
    return count
