"""`egide restore DIR`: restore a backup into an empty database and document storage, and check it against its
manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.backup.errors import BackupError
from egide.backup.services import backup_restore

# The exit status when the restore ran but what it restored differs from the manifest.
DIFFERS = 3


class Command(BaseCommand):
    help = "Restore a backup (made by `egide backup`) into an empty database, then check every table and document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="the backup's folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = backup_restore(source=options["folder"])
        except (BackupError, OSError) as error:
            raise CommandError(f"Nothing was restored: {error}") from None
        manifest = restored.manifest
        for note in restored.notes:
            self.stdout.write(f"Note: {note}")
        if restored.differences:
            for difference in restored.differences:
                self.stderr.write(f"Differs: {difference}")
            raise CommandError(
                f"Restored, but {len(restored.differences)} differences with the backup's manifest (above).",
                returncode=DIFFERS,
            )
        rows = sum(table.rows for table in manifest.tables.values())
        self.stdout.write(
            f"Restored the backup of {manifest.created_at} (Égide {manifest.egide_version}): {len(manifest.tables)} "
            f"tables, {rows} rows and {len(manifest.documents)} documents, all as the manifest says."
        )
