import uuid

from django.db.models import QuerySet

from egide.accounts.models import Organisation
from egide.core.users import AnyUser
from egide.imports.models import ColumnMapping, ImportJob, ImportStatus


def import_jobs_visible(*, user: AnyUser) -> QuerySet[ImportJob]:
    """A user's own import jobs (all of them for platform staff), without the files' bytes."""
    jobs = ImportJob.objects.select_related("owner").defer("data")
    if getattr(user, "is_superuser", False):
        return jobs
    if not user.is_authenticated:
        return jobs.none()
    return jobs.filter(user_id=user.pk)


def column_mapping_of(*, organisation: Organisation | None) -> dict[str, dict[str, str]]:
    """The headers an organisation's members mapped before, by table: what each stands for ("" for left out)."""
    if organisation is None:
        return {}
    mapping: dict[str, dict[str, str]] = {}
    for table, header, column in ColumnMapping.objects.filter(organisation=organisation).values_list(
        "table", "header", "column"
    ):
        mapping.setdefault(table, {})[header] = column
    return mapping


def import_job_waiting(*, user: AnyUser, pk: uuid.UUID | str) -> ImportJob | None:
    """The user's own file kept until its columns are mapped, if it is still waiting (staff too: their own only)."""
    if not user.is_authenticated:
        return None
    try:
        return ImportJob.objects.select_related("owner").get(pk=pk, user_id=user.pk, status=ImportStatus.MAPPING)
    except (ImportJob.DoesNotExist, ValueError):
        return None
