"""`egide duediligence digest`: send the daily digest of due-diligence alerts (egide.duediligence.digest), the
same service as the background task; run it once a day (cron, a systemd timer)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egide.duediligence.digest import digest_send


class Command(BaseCommand):
    help = "Due diligence: send the daily e-mail digest of alerts to the owners of the assessments."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("digest", help="send each owner member one e-mail listing their alerts not yet sent")

    def handle(self, *args: Any, **options: Any) -> None:
        report = digest_send()
        self.stdout.write(f"{report.alerts} alert(s) sent in {report.sent} e-mail(s)")
