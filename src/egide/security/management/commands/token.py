from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.selectors import PLATFORM
from egide.security import tokens


class Command(BaseCommand):
    help = "Create, list or revoke a user's personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        creating = actions.add_parser("create", help="create a token and print it (once)")
        creating.add_argument("username")
        creating.add_argument("--name", default="command line", help="what the token is for")
        listing = actions.add_parser("list", help="list a user's tokens")
        listing.add_argument("username")
        revoking = actions.add_parser("revoke", help="revoke a token, named by its prefix")
        revoking.add_argument("username")
        revoking.add_argument("prefix", help="the token's first characters, as `egide token list` shows them")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["username"])
        if options["action"] == "create":
            self._create(user, options["name"])
        elif options["action"] == "list":
            self._list(user)
        else:
            self._revoke(user, options["prefix"])

    def _user(self, username: str) -> User:
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"no user is named “{username}”") from None

    def _create(self, user: User, name: str) -> None:
        if not name.strip():
            raise CommandError("the token's name cannot be empty")
        if not tokens.may_hold_tokens(user):
            raise CommandError(
                f"{user.get_username()} is platform staff (a superuser): platform staff cannot hold API tokens, "
                "since a token cannot give the two-factor code their access needs; use an ordinary account"
            )
        record, secret = tokens.token_create(user=user, name=name[:100], by=PLATFORM)
        self.stdout.write(secret)
        self.stderr.write(
            f"Token “{record.name}” created for {user.get_username()} ({record.display_prefix}). "
            "It is shown once: keep it now."
        )

    def _list(self, user: User) -> None:
        records = list(tokens.user_tokens(user))
        if not records:
            self.stdout.write(f"{user.get_username()} has no tokens.")
            return
        for record in records:
            last_used = f"{record.last_used_at:%Y-%m-%d %H:%M}" if record.last_used_at else "never"
            status = f"revoked {record.revoked_at:%Y-%m-%d %H:%M}" if record.revoked_at else "active"
            self.stdout.write(
                f"{record.display_prefix}\t{record.name}\tcreated {record.created_at:%Y-%m-%d %H:%M}\t"
                f"last used {last_used}\t{status}"
            )

    def _revoke(self, user: User, prefix: str) -> None:
        wanted = tokens.normalise_prefix(prefix)
        matches = list(tokens.user_tokens(user).filter(prefix=wanted, revoked_at__isnull=True))
        if not matches:
            raise CommandError(f"{user.get_username()} has no active token starting with “{prefix}”")
        if len(matches) > 1:
            raise CommandError(f"{len(matches)} tokens start with “{prefix}”; revoke them in the web interface")
        tokens.token_revoke(token=matches[0], by=PLATFORM)
        self.stdout.write(f"Revoked “{matches[0].name}” ({matches[0].display_prefix}) of {user.get_username()}.")
