from typing import Any

from django.core.management.base import BaseCommand

from egide.exports.services import exports_expired_delete


class Command(BaseCommand):
    help = "Delete the files of background list exports that have expired (EGIDE_EXPORT_KEEP_HOURS)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = exports_expired_delete()
        self.stdout.write(f"{count} expired export file(s) deleted.")
