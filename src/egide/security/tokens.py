"""Personal API tokens: `egide_` and 32 random bytes; only the SHA-256 digest is kept.

Platform staff (superusers) cannot hold tokens: their sessions must confirm a one-time code, which a token, sent
alone with every request, cannot give. A token is refused when made for a superuser and when used by one (a token
made before the rule, or whose user was promoted since).
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core.users import AnyUser
from egide.security.models import ApiToken

TOKEN_START = "egide_"
PREFIX_LENGTH = 8
LAST_USED_EVERY = timedelta(minutes=1)
"""A token's last use is written at most this often."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_hold_tokens(user: User) -> bool:
    return not user.is_superuser


def staff_refusal() -> str:
    return _(
        "Platform staff cannot hold API tokens: their access needs a two-factor code, which a token cannot give. "
        "Use an ordinary account for scripts."
    )


def _audited(record: ApiToken) -> dict[str, Any]:
    """What the audit log keeps of a token: never the digest, which stands for the token itself."""
    return {
        "user": record.user_id,
        "name": record.name,
        "prefix": record.prefix,
        "created_at": record.created_at,
        "revoked_at": record.revoked_at,
    }


@transaction.atomic
def token_create(*, user: User, name: str, by: AnyUser | None) -> tuple[ApiToken, str]:
    """A new token for the user: its record, and the token itself, to show once and never again. `by` is who asks
    (None on the command line). Raises PermissionError for platform staff."""
    if not may_hold_tokens(user):
        raise PermissionError(staff_refusal())
    secret = TOKEN_START + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=secret[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH],
        digest=digest(secret),
    )
    audit_record(user=by, action=Action.CREATE, instance=record, before=None, after=_audited(record))
    return record, secret


def token_user(token: str) -> User | None:
    """The active user a token belongs to, or None when it is unknown or revoked. Raises PermissionError when the
    user is platform staff, so that the answer can say why."""
    if not token.startswith(TOKEN_START) or len(token) > 200:
        return None
    record = ApiToken.objects.select_related("user").filter(digest=digest(token), revoked_at__isnull=True).first()
    if record is None or not record.user.is_active:
        return None
    if not may_hold_tokens(record.user):
        raise PermissionError(staff_refusal())
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


@transaction.atomic
def token_revoke(*, token: ApiToken, by: AnyUser | None) -> None:
    """Revoke a token (once: revoking a revoked token changes and records nothing)."""
    record = ApiToken.objects.select_for_update().get(pk=token.pk)
    if record.revoked_at is None:
        before = _audited(record)
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
        audit_record(user=by, action=Action.REVOKE, instance=record, before=before, after=_audited(record))
    token.revoked_at = record.revoked_at


def user_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def normalise_prefix(prefix: str) -> str:
    """The prefix as typed or copied: with or without `egide_` and the trailing ellipsis."""
    prefix = prefix.strip().rstrip("…").rstrip(".")
    return prefix.removeprefix(TOKEN_START)
