import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Prepare a local platform: migrate, create the local administrator, load the demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
        parser.add_argument("--username", default="admin", help="the local administrator's username")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
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
                f"Log in at http://127.0.0.1:8000/ as “{username}” with the password {password} (shown once; keep it)."
            )
        )
