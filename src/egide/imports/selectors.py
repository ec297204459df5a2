from django.db.models import QuerySet

from egide.core.users import AnyUser
from egide.imports.models import ImportJob


def import_jobs_visible(*, user: AnyUser) -> QuerySet[ImportJob]:
    """A user's own import jobs (all of them for platform staff), without the files' bytes."""
    jobs = ImportJob.objects.select_related("owner").defer("data")
    if getattr(user, "is_superuser", False):
        return jobs
    if not user.is_authenticated:
        return jobs.none()
    return jobs.filter(user_id=user.pk)
