"""Every write to organisations, memberships and shares. Each checks who asks, then writes atomically."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.accounts.models import Invitation, Membership, Organisation, Role, Share
from egide.accounts.selectors import Record, can_manage, forget_reach, is_administrator
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.reference import countries
from egide.core.users import Caller, author


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


class InvitationUnusable(ValidationError):
    """The invitation's link no longer works: unknown, already used, withdrawn or expired."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _invitation_snapshot(invitation: Invitation) -> dict[str, object]:
    values = snapshot(invitation)
    values.pop("secret_digest", None)
    return values


@transaction.atomic
def invitation_create(
    *,
    user: Caller,
    organisation: Organisation,
    email: str,
    role: str,
    countries: list[str],
    accept_url: Callable[[str], str],
) -> Invitation:
    """Invite a person by e-mail to join the organisation with a role (optionally for some countries). The e-mail
    holds a link, built by `accept_url` from the secret, that works once until it expires."""
    _require_administrator(user, organisation)
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role “%(role)s”.") % {"role": role}]})
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from None
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        countries=_clean_countries(countries),
        invited_by=author(user),
        secret_digest=_digest(secret),
        expires_at=timezone.now() + timedelta(days=settings.EGIDE_INVITATION_DAYS),
    )
    audit_record(
        user=user, action=Action.CREATE, instance=invitation, before=None, after=_invitation_snapshot(invitation)
    )
    # In the administrator's language: the one they chose for the page they invited from.
    context = {
        "organisation": organisation.name,
        "role": invitation.get_role_display(),
        "link": accept_url(secret),
        "days": settings.EGIDE_INVITATION_DAYS,
    }
    subject = _("Invitation to join %(organisation)s on Égide") % context
    body = (
        _(
            "You are invited to join %(organisation)s on Égide as %(role)s.\n\n"
            "Open this link to choose your username and password (it works once, for %(days)s days):\n"
            "%(link)s\n\nIf you did not expect this invitation, ignore this message."
        )
        % context
    )
    # Sent inside the transaction: an invitation whose e-mail could not leave is not kept.
    send_mail(subject, body, None, [email])
    return invitation


def invitation_usable(*, secret: str) -> Invitation:
    """The invitation a link's secret opens, or InvitationUnusable saying why it no longer works."""
    invitation = Invitation.objects.select_related("organisation").filter(secret_digest=_digest(secret)).first()
    if invitation is None:
        raise InvitationUnusable(_("This invitation link is not valid. Ask your organisation for a new one."))
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_("This invitation has already been used. Log in with the account it created."))
    if invitation.revoked_at is not None:
        raise InvitationUnusable(_("This invitation was withdrawn. Ask your organisation for a new one."))
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(_("This invitation has expired. Ask your organisation for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(*, secret: str, username: str, password: str) -> User:
    """Create the invited person's account with the invitation's role, and spend the invitation."""
    invitation = invitation_usable(secret=secret)
    # Locked for the rest of the transaction: two people opening the same link cannot both use it.
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_("This invitation has already been used. Log in with the account it created."))
    username = username.strip()
    if not username:
        raise ValidationError({"username": [_("Choose a username.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("This username is taken. Choose another one.")]})
    candidate = User(username=username, email=invitation.email)
    validate_password(password, user=candidate)
    member = User.objects.create_user(username=username, email=invitation.email, password=password)
    before = _invitation_snapshot(invitation)
    membership = Membership.objects.create(
        user=member, organisation=invitation.organisation, role=invitation.role, countries=invitation.countries
    )
    audit_record(user=member, action=Action.CREATE, instance=membership, before=None, after=snapshot(membership))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = member
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        user=member, action=Action.UPDATE, instance=invitation, before=before, after=_invitation_snapshot(invitation)
    )
    return member


@transaction.atomic
def invitation_revoke(*, user: Caller, invitation: Invitation) -> None:
    """Withdraw an invitation not used yet: its link stops working."""
    _require_administrator(user, invitation.organisation)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.revoked_at is not None:
        return
    before = _invitation_snapshot(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        user=user, action=Action.REVOKE, instance=invitation, before=before, after=_invitation_snapshot(invitation)
    )
