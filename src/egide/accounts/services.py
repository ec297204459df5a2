"""Every write to organisations, memberships and shares. Each checks who asks, then writes atomically."""

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egide.accounts.models import Membership, Organisation, Role, Share
from egide.accounts.selectors import Record, can_manage, forget_reach, is_administrator
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.reference import countries
from egide.core.users import Caller


def _require_administrator(user: Caller, organisation: Organisation) -> None:
    if not is_administrator(user=user, organisation=organisation):
        raise PermissionDenied(_("Only the organisation's administrators manage its members."))


def _clean_countries(codes: list[str]) -> list[str]:
    cleaned = sorted({code.strip().upper() for code in codes if code.strip()})
    unknown = [code for code in cleaned if code not in countries()]
    if unknown:
        raise ValidationError({"countries": [_("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return cleaned


@transaction.atomic
def membership_set(
    *, user: Caller, organisation: Organisation, member: User, role: str, countries: list[str]
) -> Membership:
    """Give a user a role in the organisation (or change it), optionally limited to some countries."""
    _require_administrator(user, organisation)
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role “%(role)s”.") % {"role": role}]})
    existing = Membership.objects.filter(user=member, organisation=organisation).first()
    before = snapshot(existing) if existing else None
    membership, created = Membership.objects.update_or_create(
        user=member, organisation=organisation, defaults={"role": role, "countries": _clean_countries(countries)}
    )
    after = snapshot(membership)
    if after != before:
        action = Action.CREATE if created else Action.UPDATE
        audit_record(user=user, action=action, instance=membership, before=before, after=after)
    forget_reach(member)
    return membership


@transaction.atomic
def membership_remove(*, user: Caller, membership: Membership) -> None:
    _require_administrator(user, membership.organisation)
    administrators = Membership.objects.filter(organisation=membership.organisation, role=Role.ADMINISTRATOR)
    if membership.role == Role.ADMINISTRATOR and administrators.count() == 1:
        raise ValidationError(_("An organisation keeps at least one administrator."))
    audit_record(user=user, action=Action.DELETE, instance=membership, before=snapshot(membership), after=None)
    membership.delete()


def _require_manage(user: Caller, record: Record | None) -> None:
    if user is not None and (record is None or not can_manage(user=user, record=record)):
        raise PermissionDenied(_("Only the owner organisation's editors may change whom this record is shared with."))


@transaction.atomic
def record_share(*, user: Caller, record: Record, organisation: Organisation, can_edit_too: bool) -> Share:
    """Share a restricted record with another organisation, for reading or also for editing."""
    _require_manage(user, record)
    if organisation.pk == record.owner_id:
        raise ValidationError({"organisation": [_("The owner organisation already has the record.")]})
    share, _created = Share.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(type(record)),  # type: ignore[arg-type]
        object_id=record.pk,
        organisation=organisation,
        defaults={"can_edit": can_edit_too, "country": record.country},
    )
    audit_record(
        user=user,
        action=Action.SHARE,
        instance=record,  # type: ignore[arg-type]
        before=None,
        after={"organisation": organisation.acronym, "can_edit": can_edit_too},
    )
    return share


@transaction.atomic
def share_remove(*, user: Caller, share: Share) -> None:
    record = share.record
    _require_manage(user, record)
    if record is not None:
        audit_record(
            user=user,
            action=Action.UNSHARE,
            instance=record,
            before={"organisation": share.organisation.acronym, "can_edit": share.can_edit},
            after=None,
        )
    share.delete()
