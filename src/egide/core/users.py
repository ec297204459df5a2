"""The user types that services and selectors accept."""

from django.contrib.auth.models import AnonymousUser, User

AnyUser = User | AnonymousUser


def author(user: AnyUser | None) -> User | None:
    """The user to record as having made a change; None for anonymous or command-line work."""
    return user if isinstance(user, User) else None
