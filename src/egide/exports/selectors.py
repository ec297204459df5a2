"""Every read of exports: a background export is its requester's alone (not even platform staff see another's)."""

import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from egide.core.users import AnyUser
from egide.exports.models import Export, ExportStatus


def exports_of(*, user: AnyUser) -> QuerySet[Export]:
    """The exports the user asked for; none for an anonymous visitor."""
    if not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(user_id=user.pk)


def export_of(*, user: AnyUser, key: uuid.UUID) -> Export:
    """One of the user's exports, or 404 (another's export does not show that it exists)."""
    try:
        return exports_of(user=user).get(key=key)
    except Export.DoesNotExist:
        raise Http404(_("No such export.")) from None


def export_file_of(*, user: AnyUser, key: uuid.UUID) -> Export:
    """One of the user's exports whose file is ready and kept, or 404."""
    export = export_of(user=user, key=key)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404(_("This export's file is not ready, or has expired."))
    return export
