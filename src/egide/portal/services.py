"""Every write of the portal: an organisation's open-data licence, chosen by its administrators, audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.accounts.selectors import is_administrator
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.users import Caller, author
from egide.portal.licences import Licence
from egide.portal.models import OpenDataLicence


@transaction.atomic
def licence_set(*, user: Caller, organisation: Organisation, licence: str) -> OpenDataLicence:
    """Choose the licence of the organisation's public records (its administrators and platform staff only).
    Choosing the licence already chosen changes nothing and writes nothing to the audit log."""
    if not is_administrator(user=user, organisation=organisation):
        raise PermissionDenied(_("Only the organisation's administrators choose the licence of its open data."))
    if licence not in Licence.values:
        raise ValidationError(
            {
                "licence": [
                    _("Unknown licence “%(licence)s”; choose one of %(choices)s.")
                    % {"licence": licence, "choices": ", ".join(Licence.values)}
                ]
            }
        )
    record = OpenDataLicence.objects.select_for_update().filter(organisation=organisation).first()
    before = snapshot(record) if record is not None else None
    if record is not None and record.licence == licence:
        return record
    if record is None:
        record = OpenDataLicence(organisation=organisation)
    record.licence = licence
    record.updated_by = author(user)
    record.save()
    audit_record(
        user=user,
        action=Action.CREATE if before is None else Action.UPDATE,
        instance=record,
        before=before,
        after=snapshot(record),
    )
    return record
