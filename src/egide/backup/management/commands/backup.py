"""`egide backup [--output DIR]`: a consistent backup of the database and the uploaded documents, with a manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.backup.errors import BackupError
from egide.backup.services import backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded documents into a new folder, with a manifest of what it holds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="the folder to write (new, or empty); default: DATA_DIR/backups/egide-YYYYMMDDTHHMMSSZ",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder, manifest = backup_create(output=options["output"])
        except (BackupError, OSError) as error:
            raise CommandError(f"No backup was written: {error}") from None
        rows = sum(table.rows for table in manifest.tables.values())
        self.stdout.write(
            f"Backup written to {folder}: {manifest.vendor} database ({len(manifest.tables)} tables, {rows} rows), "
            f"{len(manifest.documents)} documents."
        )
