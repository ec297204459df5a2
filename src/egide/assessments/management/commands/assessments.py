"""`egide assessments …`: load and list frameworks, print an assessment's scores.

egide assessments frameworks load FILE      every fault printed with its path and line; exit 1, nothing loaded
egide assessments frameworks list
egide assessments score ID [--format table|json]
egide assessments export ID -o FILE        the questionnaire with its current answers, as XLSX
egide assessments import ID FILE           a filled questionnaire's answers; every faulty row printed, exit 1,
                                            nothing written
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import override

from egide.accounts.selectors import PLATFORM
from egide.assessments import services
from egide.assessments.frameworks import FrameworkFaults
from egide.assessments.questionnaire import export_questionnaire
from egide.assessments.report import score_document
from egide.assessments.selectors import assessment_visible, framework_versions
from egide.core.imports.command import file_bytes, import_errors

ERROR = 2


class Command(BaseCommand):
    help = (
        "Assessment frameworks, scores and questionnaires: `frameworks load FILE`, `frameworks list`, `score ID`, "
        "`export ID -o FILE`, `import ID FILE`."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subjects = parser.add_subparsers(dest="subject", required=True)
        frameworks = subjects.add_parser("frameworks", help="the assessment frameworks")
        actions = frameworks.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="load a framework file (YAML or JSON, see the published schema)")
        load.add_argument("file", type=Path)
        actions.add_parser("list", help="the frameworks loaded, one line per version")
        score = subjects.add_parser("score", help="an assessment's section and overall scores")
        score.add_argument("id", type=int)
        score.add_argument("--format", choices=("table", "json"), default="table")
        export = subjects.add_parser("export", help="an assessment's questionnaire as XLSX, to answer offline")
        export.add_argument("id", type=int)
        export.add_argument("-o", "--output", type=Path, required=True)
        export.add_argument("--language", choices=("en", "fr"), default="en")
        answers = subjects.add_parser("import", help="the answers of a filled questionnaire, into its draft")
        answers.add_argument("id", type=int)
        answers.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subject"] == "score":
            self._score(options["id"], options["format"])
        elif options["subject"] == "export":
            self._export(options["id"], options["output"], options["language"])
        elif options["subject"] == "import":
            self._import(options["id"], options["file"])
        elif options["action"] == "load":
            self._load(options["file"])
        else:
            self._list()

    def _load(self, path: Path) -> None:
        try:
            loaded = services.framework_load_path(user=PLATFORM, path=path)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}", returncode=ERROR) from None
        except FrameworkFaults as refused:
            for fault in refused.faults:
                self.stderr.write(f"{path.name}: {fault}")
            raise CommandError(f"{len(refused.faults)} fault(s); nothing was loaded", returncode=1) from None
        version = loaded.version
        questions = version.questions.count()
        if loaded.created:
            self.stdout.write(
                f"{version.framework.identifier} {version.version}: loaded, {version.sections.count()} sections, "
                f"{questions} questions"
            )
        else:
            self.stdout.write(f"{version.framework.identifier} {version.version}: already loaded, unchanged")

    def _list(self) -> None:
        for version in framework_versions().order_by("framework__identifier", "-loaded_at"):
            self.stdout.write(
                f"{version.framework.identifier:32} {version.version:8} {version.section_count:3} sections "  # type: ignore[attr-defined]
                f"{version.question_count:4} questions  {version.title_en}"  # type: ignore[attr-defined]
            )

    def _export(self, pk: int, output: Path, language: str) -> None:
        assessment = _assessment(pk)
        with override(language):
            content = export_questionnaire(assessment, language=language)
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{output}: {error.strerror or error}", returncode=ERROR) from None
        self.stdout.write(f"{output}: questionnaire of assessment {pk} written")

    def _import(self, pk: int, path: Path) -> None:
        assessment = _assessment(pk)
        data = file_bytes(path)
        with import_errors(self.stderr, path.name):
            try:
                report = services.answers_import(user=PLATFORM, assessment=assessment, data=data, filename=path.name)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages), returncode=1) from None
        self.stdout.write(
            f"{path.name}: {report.answers_created} answers added, {report.answers_updated} changed, "
            f"{report.answers_unchanged} unchanged"
        )

    def _score(self, pk: int, output: str) -> None:
        assessment = _assessment(pk)
        document = score_document(assessment)
        if output == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{document['title']} — {document['country']} — {document['as_of']} — {document['status']}")
        self.stdout.write(f"{'section':40} {'weight':>6} {'score':>6} {'band':>5} {'coverage':>9}")
        for section in document["sections"]:
            self.stdout.write(_row(section["code"], section["weight"], section))
        self.stdout.write(_row("overall", None, document["overall"]))


def _assessment(pk: int) -> Any:
    try:
        return assessment_visible(user=PLATFORM, pk=pk)
    except Http404:
        raise CommandError(f"No assessment {pk}", returncode=ERROR) from None


def _row(name: str, weight: float | None, score: dict[str, Any]) -> str:
    shown = "—" if score["score"] is None else f"{score['score']:.1f}"
    coverage = "—" if score["coverage"] is None else f"{score['coverage']:.0f} %"
    weight_text = "" if weight is None else f"{weight:g}"
    return (
        f"{name[:40]:40} {weight_text:>6} {shown:>6} {score['band'] or '—':>5} {coverage:>9}"
        f"  ({score['answered']}/{score['applicable']})"
    )
