"""The user types that services and selectors accept."""

from django.contrib.auth.models import AnonymousUser, User

AnyUser = User | AnonymousUser

Caller = AnyUser | None
"""Who asks a service or a selector: a user, an anonymous visitor, or None for the platform itself (management
commands, the demo loader), which may see and change everything (egide.accounts.selectors.PLATFORM)."""


def author(user: Caller) -> User | None:
    """The user to record as having made a change; None for anonymous or command-line work."""
    return user if isinstance(user, User) else None
