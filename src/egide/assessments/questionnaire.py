"""An assessment's questionnaire as an XLSX workbook, to answer offline, and reading it back.

The workbook has a `questions` sheet (one row per question: its section, code, text and guidance in the reader's
language, then the answer, justification, other evidence (`source`), confidence and citations, with drop-down lists
of the scale's levels or a number range, and the current answers filled in), an `about` sheet naming the assessment
and its framework version, a `sources` sheet listing the map's sources the reader may cite, and a hidden `lists`
sheet the drop-downs read.

The `citations` cell holds one citation a line: `S12` (a source of the map, by its identifier) or `finding:KEY` (a
governance finding), then, optionally, ` | ` and the page, paragraph or passage relied on. A file whose `about`
sheet says `format` 2 (every file exported since citations exist) gives each answer's citations whole, an empty
cell none; an older file leaves them as they are. Only the answer columns are unlocked: the code column says which
question a row answers.

Reading is the shared import machinery's (`read_tables`: every cap of a hostile file), then each row is turned into
an answer here, every fault named by row and column; checking the answers against the services' rules and writing
them is `services.answers_import`.
"""

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from egide.actors.selectors import country_sources
from egide.assessments import scope
from egide.assessments.frameworks import Scale
from egide.assessments.models import Answer, AnswerCitation, AnswerState, Assessment, Confidence, Question
from egide.assessments.selectors import questions_outside_scope
from egide.core.imports.limits import ReadLimits
from egide.core.imports.problems import Problems
from egide.core.imports.tables import Row, TableLayout, escape_formula, read_tables, unescape_formula
from egide.core.users import Caller

QUESTIONS = "questions"
ABOUT = "about"
LISTS = "lists"
SOURCES = "sources"
COLUMNS = (
    "section",
    "code",
    "question",
    "guidance",
    "answer",
    "justification",
    "source",
    "confidence",
    "citations",
)
EDITABLE = ("answer", "justification", "source", "confidence", "citations")
WIDTHS = {
    "section": 22,
    "code": 10,
    "question": 60,
    "guidance": 40,
    "answer": 24,
    "justification": 50,
    "citations": 40,
}
FORMAT = "2"
"""The `format` the `about` sheet gives: 2 since the citations column exists."""
LOCATOR_SEPARATOR = "|"


def layout() -> TableLayout:
    return TableLayout(
        columns={QUESTIONS: COLUMNS, ABOUT: ("key", "value")},
        required={QUESTIONS: ("code", "answer"), ABOUT: ("key", "value")},
        recognise=lambda columns: QUESTIONS if "code" in columns else ABOUT if "key" in columns else None,
        unrecognised=lambda: _("a questions sheet with a “code” and an “answer” column"),
    )


def _number(value: float | Decimal) -> str:
    return f"{float(value):g}"


def _both_languages(label: str) -> list[str]:
    with override("en"):
        english = _(label)
    with override("fr"):
        french = _(label)
    return [english, french]


def _state_labels() -> dict[str, list[str]]:
    """Each kind of answer that is not a value, by the labels the sheet may give it (both languages)."""
    return {
        AnswerState.NOT_APPLICABLE: _both_languages("Not applicable"),
        AnswerState.INSUFFICIENT_EVIDENCE: _both_languages("Insufficient evidence"),
    }


def _confidence_labels() -> dict[str, list[str]]:
    return {
        Confidence.LOW: _both_languages("Low"),
        Confidence.MEDIUM: _both_languages("Medium"),
        Confidence.HIGH: _both_languages("High"),
    }


def _answer_text(answer: Answer | None, scale: Scale, language: str) -> str | float:
    if answer is None:
        return ""
    if answer.state == AnswerState.NOT_APPLICABLE:
        return str(AnswerState.NOT_APPLICABLE.label)
    if answer.state == AnswerState.INSUFFICIENT_EVIDENCE:
        return str(AnswerState.INSUFFICIENT_EVIDENCE.label)
    if answer.value is None:
        return ""
    if scale.kind == "levels":
        for level in scale.levels:
            if Decimal(str(level.value)) == answer.value:
                return level.label.read(language)
    return float(answer.value)


def citation_line(citation: AnswerCitation) -> str:
    """One citation as the citations cell writes it: its reference, then the passage after " | "."""
    if citation.locator:
        return f"{citation.reference} {LOCATOR_SEPARATOR} {citation.locator}"
    return citation.reference


def parse_citations(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The (reference, passage) pairs of a citations cell, one a line, and the faults of its lines."""
    found: list[tuple[str, str]] = []
    faults: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        reference, _separator, locator = line.partition(LOCATOR_SEPARATOR)
        reference, locator = reference.strip(), locator.strip()
        names_source = reference[:1] in ("S", "s") and reference[1:].isdigit()
        if not (names_source or (reference.startswith("finding:") and len(reference) > len("finding:"))):
            faults.append(
                _("Line %(line)d: “%(text)s” does not start with a reference (S12, or finding:key).")
                % {"line": number, "text": line.strip()}
            )
        elif len(locator) > 500:
            faults.append(
                _("Line %(line)d: the passage is longer than %(count)d characters.") % {"line": number, "count": 500}
            )
        else:
            found.append((reference, locator))
    return found, faults


def export_questionnaire(assessment: Assessment, *, language: str, user: Caller = None) -> bytes:
    """The questionnaire of the assessment, with its current answers and citations, as an XLSX workbook in
    `language`; its sources sheet lists the sources of the country's map that `user` may see (all of them for the
    command line)."""
    with override(language):
        return _export(assessment, language, user)


def _export(assessment: Assessment, language: str, user: Caller) -> bytes:
    version = assessment.framework_version
    scale = version.definition.scale
    outside = questions_outside_scope(assessment)
    questions = [
        question
        for question in Question.objects.filter(version=version).select_related("section").order_by("order")
        if question.code not in outside
    ]
    answers = {answer.question_id: answer for answer in Answer.objects.filter(assessment=assessment)}
    citations: dict[int, list[str]] = {}
    for citation in AnswerCitation.objects.filter(answer__assessment=assessment).select_related("answer"):
        citations.setdefault(citation.answer.question_id, []).append(citation_line(citation))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = QUESTIONS
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    not_applicable = str(AnswerState.NOT_APPLICABLE.label)
    insufficient = str(AnswerState.INSUFFICIENT_EVIDENCE.label)
    confidence_labels = [str(label) for label in Confidence.labels]
    for question in questions:
        answer = answers.get(question.pk)
        sheet.append(
            [
                escape_formula(question.section.title),
                question.code,
                escape_formula(question.text),
                escape_formula(question.guidance),
                _answer_text(answer, scale, language),
                escape_formula(answer.justification) if answer else "",
                escape_formula(answer.source) if answer else "",
                str(Confidence(answer.confidence).label) if answer else "",
                escape_formula("\n".join(citations.get(question.pk, []))),
            ]
        )
    last = len(questions) + 1
    for row in sheet.iter_rows(min_row=2, max_row=last):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if COLUMNS[int(cell.column or 1) - 1] in EDITABLE:
                cell.protection = Protection(locked=False)
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = WIDTHS.get(name, 16)
    sheet.freeze_panes = "C2"

    # The drop-downs read their choices from a hidden sheet: a list written in the formula is limited to 255
    # characters, which a scale's labels may pass.
    lists = book.create_sheet(LISTS)
    choices = [level.label.read(language) for level in scale.levels] if scale.kind == "levels" else []
    choices += [insufficient, not_applicable]
    for row_number, choice in enumerate(choices, start=1):
        lists.cell(row=row_number, column=1, value=escape_formula(choice))
    for row_number, choice in enumerate(confidence_labels, start=1):
        lists.cell(row=row_number, column=2, value=choice)
    lists.sheet_state = "hidden"
    error = _("Choose from the list.")
    confidence = DataValidation(type="list", formula1=f"{LISTS}!$B$1:$B${len(confidence_labels)}", allow_blank=True)
    confidence.error, confidence.showErrorMessage = error, True
    sheet.add_data_validation(confidence)
    if last > 1:
        confidence.add(f"H2:H{last}")
    with_na: list[str] = []
    without_na: list[str] = []
    for row_number, question in enumerate(questions, start=2):
        (with_na if question.not_applicable_allowed else without_na).append(f"E{row_number}")
    if scale.kind == "levels":
        for cells, count in ((with_na, len(choices)), (without_na, len(choices) - 1)):
            if cells:
                validation = DataValidation(type="list", formula1=f"{LISTS}!$A$1:$A${count}", allow_blank=True)
                validation.error, validation.showErrorMessage = error, True
                sheet.add_data_validation(validation)
                for reference in cells:
                    validation.add(reference)
    else:
        for cells, allow_na in ((with_na, True), (without_na, False)):
            for reference in cells:
                low, high = _number(scale.minimum), _number(scale.maximum)
                condition = f"AND(ISNUMBER({reference}),{reference}>={low},{reference}<={high})"
                words = [insufficient] + ([not_applicable] if allow_na else [])
                others = ",".join(f'{reference}="{word}"' for word in words)
                validation = DataValidation(type="custom", formula1=f"OR({condition},{others})", allow_blank=True)
                validation.error = _("Give a number from %(minimum)s to %(maximum)s, or choose from the list.") % {
                    "minimum": _number(scale.minimum),
                    "maximum": _number(scale.maximum),
                }
                validation.showErrorMessage = True
                sheet.add_data_validation(validation)
                validation.add(reference)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    about = book.create_sheet(ABOUT)
    about.append(["key", "value"])
    about.append(["assessment", assessment.pk])
    about.append(["framework", version.framework.identifier])
    about.append(["version", version.version])
    about.append(["title", escape_formula(str(assessment))])
    about.append(["country", assessment.country])
    about.append(["format", FORMAT])
    about.column_dimensions["B"].width = 50
    about.protection.sheet = True

    sources = book.create_sheet(SOURCES)
    sources.append(["identifier", "title", "author", "date", "link"])
    for cell in sources[1]:
        cell.font = Font(bold=True)
    for source in country_sources(user=user, country=assessment.country):
        sources.append(
            [
                f"S{source.pk}",
                escape_formula(source.title),
                escape_formula(source.author),
                source.published,
                escape_formula(source.url),
            ]
        )
    sources.column_dimensions["B"].width = 60
    sources.column_dimensions["E"].width = 40
    sources.protection.sheet = True
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@dataclass(frozen=True, slots=True)
class SheetAnswer:
    """One row of the questions sheet read as an answer: its row number, its question and what it says."""

    row: int
    question: Question
    state: str
    value: Decimal | None
    justification: str
    source: str
    confidence: str
    citations: tuple[tuple[str, str], ...] | None = None
    """(reference, passage) pairs; None when the file does not give citations (a file older than them)."""


def _about(rows: list[Row], assessment: Assessment, problems: Problems) -> bool:
    """Check the file is this assessment's; True when it gives citations (format 2)."""
    values = {row.get("key").lower(): (row.number, row.get("value")) for row in rows}
    version = assessment.framework_version
    expected = {
        "assessment": str(assessment.pk),
        "framework": version.framework.identifier,
        "version": version.version,
    }
    names = {"assessment": _("assessment"), "framework": _("framework"), "version": _("version")}
    for key, wanted in expected.items():
        number, found = values.get(key, (0, ""))
        if key == "assessment" and found.endswith(".0"):
            found = found[:-2]
        if found != wanted:
            problems.at(
                ABOUT,
                number,
                "value",
                _(
                    "This file is for the %(what)s “%(found)s”, not “%(wanted)s”: export this assessment's "
                    "questionnaire."
                )
                % {"what": names[key], "found": found or "—", "wanted": wanted},
            )
    return values.get("format", (0, ""))[1] in (FORMAT, FORMAT + ".0")


def _value(text: str, scale: Scale) -> tuple[str, Decimal | None] | None:
    """The kind of answer and value a cell of the answer column says, or None when it says none the scale has."""
    lowered = text.strip().lower()
    for state, labels in _state_labels().items():
        if lowered in (label.lower() for label in labels):
            return state, None
    if scale.kind == "levels":
        for level in scale.levels:
            if lowered in (level.label.en.lower(), level.label.fr.lower()):
                return AnswerState.ANSWERED, Decimal(str(level.value))
    try:
        number = Decimal(lowered.replace(",", "."))
    except InvalidOperation:
        return None
    return AnswerState.ANSWERED, number if number.is_finite() else None


def _confidence(text: str) -> str | None:
    lowered = text.strip().lower()
    if not lowered:
        return Confidence.MEDIUM
    for code, labels in _confidence_labels().items():
        if lowered == code or lowered in (label.lower() for label in labels):
            return code
    return None


def read_questionnaire(
    data: bytes, *, filename: str, assessment: Assessment, problems: Problems, limits: ReadLimits | None = None
) -> list[SheetAnswer]:
    """The answers a filled questionnaire gives, row by row; faults are added to `problems` (the caller refuses
    the file when there are any). Rows without an answer are left out. FileRefused for a file that cannot be
    read or passes the caps."""
    tables = read_tables(data, filename=filename, layout=layout(), limits=limits)
    with_citations = _about(tables[ABOUT], assessment, problems)
    scale = assessment.framework_version.definition.scale
    questions = {question.code: question for question in Question.objects.filter(version=assessment.framework_version)}
    answered = {answer.question_id for answer in Answer.objects.filter(assessment=assessment)}
    outside = questions_outside_scope(assessment)
    seen: dict[str, int] = {}
    found = []
    for row in tables[QUESTIONS]:
        code = row.get("code")
        question = questions.get(code)
        if question is None:
            problems.at(
                QUESTIONS, row.number, "code", _("“%(code)s” is no question of this framework.") % {"code": code}
            )
            continue
        if code in outside:
            problems.at(QUESTIONS, row.number, "code", scope.outside_scope_message(code))
            continue
        if code in seen:
            problems.at(
                QUESTIONS,
                row.number,
                "code",
                _("Question %(code)s is already answered on row %(row)d.") % {"code": code, "row": seen[code]},
            )
            continue
        seen[code] = row.number
        text = unescape_formula(row.get("answer"))
        justification = unescape_formula(row.get("justification"))
        source = unescape_formula(row.get("source"))
        cited: tuple[tuple[str, str], ...] | None = None
        if with_citations:
            pairs, faults = parse_citations(unescape_formula(row.get("citations")))
            for fault in faults:
                problems.at(QUESTIONS, row.number, "citations", fault)
            cited = tuple(pairs)
        if not text:
            if question.pk in answered:
                problems.at(
                    QUESTIONS,
                    row.number,
                    "answer",
                    _("An answer cannot be removed: give it again, or change it."),
                )
            elif justification or source:
                problems.at(QUESTIONS, row.number, "answer", _("Give an answer with this justification or source."))
            elif cited:
                problems.at(QUESTIONS, row.number, "answer", _("Give an answer with these citations."))
            continue
        parsed = _value(text, scale)
        if parsed is None:
            problems.at(
                QUESTIONS,
                row.number,
                "answer",
                _("“%(value)s” is not a level of the scale.") % {"value": text}
                if scale.kind == "levels"
                else _("“%(value)s” is not a number.") % {"value": text},
            )
            continue
        confidence = _confidence(row.get("confidence"))
        if confidence is None:
            problems.at(
                QUESTIONS,
                row.number,
                "confidence",
                _("“%(value)s” is not a confidence (low, medium or high).") % {"value": row.get("confidence")},
            )
            continue
        state, value = parsed
        found.append(SheetAnswer(row.number, question, state, value, justification, source, confidence, cited))
    return found
