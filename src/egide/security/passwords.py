"""Password changes and resets, each written to the audit log on the account it concerns.

The entries name the account (its username) and, for a change, its holder as the actor; they hold neither the
password, its hash, nor the reset link's token. A reset request is recorded only for the accounts that have the
address typed, by nobody (whoever asked is not known), so the log says a link went out without the page saying so.
"""

from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import transaction

from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core.users import Caller


class PasswordForm(Protocol):
    """Django's password forms: PasswordChangeForm and SetPasswordForm save the new password of their `user`."""

    user: Any

    def save(self, commit: bool = True) -> Any: ...


def _account(user: User) -> dict[str, Any]:
    """What the entry says of the account: who it is, never its password."""
    return {"username": user.get_username(), "is_active": user.is_active}


@transaction.atomic
def password_change(*, form: PasswordForm, by: Caller) -> User:
    """Save the new password of a valid change form (the holder gave the present one) and record it."""
    user = form.save()
    audit_record(user=by, action=Action.PASSWORD_CHANGE, instance=user, before=None, after=_account(user))
    return user


@transaction.atomic
def password_reset(*, form: PasswordForm) -> User:
    """Save the password chosen from a valid reset link and record it, by the account's holder (the link reached
    them at their address)."""
    user = form.save()
    audit_record(user=user, action=Action.PASSWORD_RESET, instance=user, before=None, after=_account(user))
    return user


@transaction.atomic
def password_reset_request_record(*, accounts: list[User]) -> int:
    """Record that a reset link went to each of these accounts. Returns how many entries were written."""
    for account in accounts:
        audit_record(
            user=None, action=Action.PASSWORD_RESET_REQUEST, instance=account, before=None, after=_account(account)
        )
    return len(accounts)


@transaction.atomic
def password_set(*, user: User, password: str, by: Caller) -> None:
    """Give an account a new password chosen for it (the demo's command line) and record it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(user=by, action=Action.PASSWORD_RESET, instance=user, before=None, after=_account(user))
