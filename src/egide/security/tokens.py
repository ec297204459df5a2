"""Personal API tokens: `egide_` and 32 random bytes; only the SHA-256 digest is kept."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from egide.security.models import ApiToken

TOKEN_START = "egide_"
PREFIX_LENGTH = 8
LAST_USED_EVERY = timedelta(minutes=1)
"""A token's last use is written at most this often."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user: its record, and the token itself, to show once and never again."""
    secret = TOKEN_START + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=secret[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH],
        digest=digest(secret),
    )
    return record, secret


def token_user(token: str) -> User | None:
    """The active user a token belongs to, or None when it is unknown or revoked."""
    if not token.startswith(TOKEN_START) or len(token) > 200:
        return None
    record = ApiToken.objects.select_related("user").filter(digest=digest(token), revoked_at__isnull=True).first()
    if record is None or not record.user.is_active:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


def token_revoke(record: ApiToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])


def user_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def normalise_prefix(prefix: str) -> str:
    """The prefix as typed or copied: with or without `egide_` and the trailing ellipsis."""
    prefix = prefix.strip().rstrip("…").rstrip(".")
    return prefix.removeprefix(TOKEN_START)
