import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.management.commands.collectstatic import Command as CollectStatic
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from whitenoise.storage import CompressedManifestStaticFilesStorage

from egide.accounts.selectors import PLATFORM
from egide.assessments.services import frameworks_load_shipped
from egide.core.schedules import schedules_ensure

ADDRESS = re.compile(r"^(?:(?P<host>\[[^\]]+\]|[^:\[\]]+):)?(?P<port>\d+)$")


def site_url(address: str) -> str:
    """The address a browser opens for `runserver`'s HOST:PORT (or PORT alone, or a host alone)."""
    match = ADDRESS.match(address.strip())
    host, port = (match["host"] or "", match["port"]) if match else (address.strip(), "8000")
    if host in ("", "0.0.0.0", "0"):
        host = "127.0.0.1"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "Prepare a local platform: migrate, create the local administrator, load the demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
        parser.add_argument("--username", default="admin", help="the local administrator's username")
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="the address the platform will be served at (HOST:PORT or PORT), for the log-in hint",
        )
        steps = parser.add_mutually_exclusive_group()
        steps.add_argument(
            "--static-only",
            action="store_true",
            help="only collect the static files, without a database (building a container image)",
        )
        steps.add_argument(
            "--no-static",
            action="store_true",
            help="leave the static files as they are (a container image holds them, collected when it was built)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["static_only"]:
            self._collect_static()
            return
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        schedules_ensure()  # the daily digest, sent by the background worker without cron
        loaded = frameworks_load_shipped(user=PLATFORM)
        self.stdout.write(f"Assessment frameworks: {sum(item.created for item in loaded)} of {len(loaded)} loaded.")
        if not settings.DEBUG and not options["no_static"]:
            self._collect_static()
        if not options["no_demo"]:
            call_command("demo", stdout=self.stdout)
        user_model = get_user_model()
        username = options["username"]
        if user_model.objects.filter(username=username).exists():
            self.stdout.write(
                f"The administrator “{username}” already exists; its password was printed when it was created "
                f"(change it with: egide changepassword {username})."
            )
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at {site_url(options['address'])} as “{username}” with the password {password} "
                "(shown once; keep it)."
            )
        )

    def _collect_static(self) -> None:
        """The static files under names that change with their content, with the manifest that makes the settings
        serve them so from then on (this process, started before it existed, does not)."""
        collect = CollectStatic()
        collect.storage = CompressedManifestStaticFilesStorage()
        call_command(collect, interactive=False, verbosity=0)
        self.stdout.write("Static files collected.")
