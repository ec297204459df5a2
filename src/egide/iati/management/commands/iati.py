import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egide.accounts.models import Organisation
from egide.accounts.selectors import PLATFORM
from egide.core.reference import countries
from egide.iati import progress
from egide.iati.exporter import ExportChoice, iati_export
from egide.iati.importer import (
    FileReport,
    Filters,
    ImportReport,
    file_digest,
    iati_file_import,
    known_digests,
    sector_list,
    unchanged_file,
)
from egide.iati.parser import MalformedFile
from egide.iati.pipeline import pipelined
from egide.iati.reading import ReadFile, activity_files, counted_file, may_hold, read_in_parallel
from egide.iati.selectors import parser_codelists
from egide.iati.services import codelists_load

ERROR = 2


def _codes(text: str) -> frozenset[str] | None:
    values = frozenset(part.strip() for part in text.split(",") if part.strip())
    return values or None


class Command(BaseCommand):
    help = "IATI: import activity files into programmes; load the official codelists."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser(
            "import",
            help="import IATI activity files (each file all or nothing; an unchanged activity is not written again)",
        )
        importing.add_argument("paths", nargs="+", type=Path, help="activity files, or folders of them")
        importing.add_argument(
            "--sectors",
            default="ssr",
            help='comma-separated DAC codes kept, at activity or transaction level; "ssr" (the default) for the SSR '
            'set, "all" for every sector',
        )
        importing.add_argument("--countries", default="", help="comma-separated recipient countries kept (ISO 3166)")
        importing.add_argument("--reporting-orgs", default="", help="comma-separated publishers kept (IATI ids)")
        importing.add_argument("--owner", default="", help="acronym of the organisation that owns what is imported")
        importing.add_argument("--dry-run", action="store_true", help="read and check everything, write nothing")
        importing.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="files read in parallel by N processes; a single file is read by a child process while this one "
            "writes",
        )
        exporting = actions.add_parser(
            "export", help="publish programmes as an IATI 2.03 activity file (public ones unless told otherwise)"
        )
        exporting.add_argument("--output", type=Path, required=True, help="the file to write")
        exporting.add_argument("--organisation", default="", help="only the programmes this organisation owns")
        exporting.add_argument("--country", default="", help="only the programmes led in this country")
        exporting.add_argument("--status", default="", help="only the programmes of this IATI status (1-6)")
        exporting.add_argument(
            "--include-non-public",
            action="store_true",
            help="publish the programmes that are not public too (they are left out otherwise)",
        )
        codelists = actions.add_parser("codelists", help="the official IATI codelists")
        codelist_actions = codelists.add_subparsers(dest="codelists_action", required=True)
        load = codelist_actions.add_parser("load", help="load every codelist XML file of a folder (all or nothing)")
        load.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "codelists":
            self._codelists(options["folder"])
        elif options["action"] == "export":
            self._export(options)
        else:
            self._import(options)

    def _export(self, options: dict[str, Any]) -> None:
        country = options["country"].upper()
        if country and country not in countries():
            raise CommandError(f"“{country}” is not a country code", returncode=ERROR)
        choice = ExportChoice(
            organisation=self._owner(options["organisation"]),
            country=country,
            status=options["status"],
            include_non_public=options["include_non_public"],
        )
        output: Path = options["output"]
        with output.open("wb") as handle:
            count = iati_export(user=PLATFORM, choice=choice, output=handle)
        self.stdout.write(f"{count} activities written to {output}")

    def _codelists(self, folder: Path) -> None:
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder", returncode=ERROR)
        try:
            report = codelists_load(user=PLATFORM, folder=folder)
        except MalformedFile as error:
            raise CommandError(f"{error} — nothing was loaded") from None
        for name in sorted(report.created):
            self.stdout.write(
                f"{name}: {report.created[name]} created, {report.updated[name]} updated, "
                f"{report.unchanged[name]} unchanged"
            )
        self.stdout.write(
            f"{len(report.created)} codelists: {sum(report.created.values())} codes created, "
            f"{sum(report.updated.values())} updated, {sum(report.unchanged.values())} unchanged"
        )

    def _filters(self, options: dict[str, Any]) -> Filters:
        country_codes = _codes(options["countries"].upper())
        if country_codes is not None and (unknown := sorted(country_codes - set(countries()))):
            raise CommandError(f"not country codes: {', '.join(unknown)}", returncode=ERROR)
        return Filters(
            sectors=sector_list(options["sectors"]),
            countries=country_codes,
            reporting_orgs=_codes(options["reporting_orgs"]),
        )

    def _owner(self, acronym: str) -> Organisation | None:
        if not acronym:
            return None
        owner = Organisation.objects.filter(acronym=acronym).first()
        if owner is None:
            raise CommandError(f"no organisation has the acronym {acronym}", returncode=ERROR)
        return owner

    def _import(self, options: dict[str, Any]) -> None:
        filters = self._filters(options)
        owner = self._owner(options["owner"])
        missing = [str(path) for path in options["paths"] if not path.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}", returncode=ERROR)
        paths = activity_files(options["paths"])
        if not paths:
            raise CommandError("no XML file found", returncode=ERROR)
        codes = parser_codelists()
        known = known_digests()
        jobs = max(1, options["jobs"])
        importing = functools.partial(
            iati_file_import,
            user=PLATFORM,
            filters=filters,
            owner=owner,
            codes=codes,
            known=known,
            dry_run=options["dry_run"],
        )
        report = ImportReport()
        if jobs == 1 or len(paths) == 1:
            # Each file read as a stream while it is written, its progress drawn as it goes; a single file with
            # --jobs 2 or more is read by a child process while this one writes (egide.iati.pipeline).
            reader = progress.streamed if jobs == 1 else pipelined
            every = progress.PROGRESS_EVERY if sys.stderr.isatty() else progress.LOG_EVERY
            for number, path in enumerate(paths, start=1):
                digest = file_digest(path, filters, codes)
                if unchanged_file(digest, known) is not None:  # imported clean and unchanged since: nothing to read
                    file_report = importing(path=path)
                elif may_hold(path, filters):
                    tick = functools.partial(self._tick, number - 1, len(paths), report.total("read"), path.name)
                    file_report = importing(
                        path=path,
                        activities=reader(path, tick=tick, codes=codes, known=known, every=every),
                        read_digest=digest,
                    )
                else:  # nothing the filters keep: only parsed and counted
                    file_report = self._imported(counted_file(path), importing)
                report.files.append(file_report)
                self._progress(number, len(paths), report, file_report)
        else:
            remembered = frozenset(
                path for path in paths if unchanged_file(file_digest(path, filters, codes), known) is not None
            )
            readings = read_in_parallel(paths, filters, codes, known, jobs, remembered)
            for number, reading in enumerate(readings, start=1):
                if reading.refused:
                    file_report = FileReport(file=reading.path.name, read=reading.read, refused=reading.refused)
                elif reading.remembered:  # checked again: an earlier file of the run may have changed it
                    file_report = importing(path=reading.path)
                else:
                    file_report = importing(
                        path=reading.path,
                        activities=reading.activities,
                        already_counted=(reading.read, reading.skipped),
                        read_digest=reading.digest,
                        left_out=reading.left_out,
                    )
                report.files.append(file_report)
                self._progress(number, len(paths), report, file_report)
        self._summary(report, dry_run=options["dry_run"])
        if report.refused:
            raise SystemExit(1)

    @staticmethod
    def _imported(reading: ReadFile, importing: Callable[..., FileReport]) -> FileReport:
        """The import of a file a reader read and filtered."""
        if reading.refused:
            return FileReport(file=reading.path.name, read=reading.read, refused=reading.refused)
        return importing(
            path=reading.path, activities=reading.activities, already_counted=(reading.read, reading.skipped)
        )

    def _tick(self, done: int, total: int, read_before: int, name: str, state: progress.FileProgress) -> None:
        """The bar within a file: the files done and the share read of this one, the activities read so far."""
        if state.read_bytes >= state.size:
            return  # the file's own line follows
        width = 30
        filled = int(width * (done + state.fraction) / total)
        bar = "#" * filled + "-" * (width - filled)
        line = (
            f"[{bar}] {done}/{total} files, {read_before + state.activities:,} activities read — {name} "
            f"{int(100 * state.fraction)} %"
        )
        if sys.stderr.isatty():
            self.stderr.write(f"\r{line[:150]:<150}", ending="")
        else:
            self.stderr.write(line)

    def _progress(self, number: int, total: int, report: ImportReport, current: FileReport) -> None:
        width = 30
        done = width * number // total
        bar = "#" * done + "-" * (width - done)
        line = f"[{bar}] {number}/{total} files, {report.total('read'):,} activities read — {current.file}"
        if sys.stderr.isatty():
            self.stderr.write(f"\r{line[:150]:<150}", ending="")
            if number == total:
                self.stderr.write("")
        else:
            self.stderr.write(line)
        if current.refused:
            self.stderr.write(f"refused, nothing written: {current.refused}")
        for error in current.errors[:20]:
            self.stderr.write(f"{current.file}: {error}")

    def _summary(self, report: ImportReport, *, dry_run: bool) -> None:
        prefix = "dry run, nothing written: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{len(report.files)} files ({report.refused} refused): "
            f"{report.total('read'):,} activities read, {report.total('created'):,} created, "
            f"{report.total('updated'):,} updated, {report.total('unchanged'):,} unchanged, "
            f"{report.total('skipped_by_filter'):,} skipped by the filters, {report.total('warnings'):,} warnings, "
            f"{report.errors:,} errors"
        )
