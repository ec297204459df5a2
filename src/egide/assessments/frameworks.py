"""Assessment frameworks as data: a YAML or JSON document read into frozen dataclasses, or refused with every
fault it holds, each named by its path in the document (``sections[2].questions[4].weight``) and, for YAML, its
line. No ORM here: the loader is pure, and the services store what it accepts.

The format is fixed (ASSESSMENTS.md at the project's root, and its JSON Schema in data/framework.schema.json).
Hostile input is refused before it costs much: files above `MAX_BYTES`, documents nested deeper than `MAX_DEPTH`
or holding more than `MAX_NODES` values (YAML aliases that multiply a tree count as many times as they are used).
"""

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from egide.core import taxonomy
from egide.governance.rules import RULE_BY_CODE

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 16
MAX_NODES = 100_000
MAX_TEXT = 10_000
IDENTIFIER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
AGGREGATIONS = ("weighted_mean",)

PRINCIPLE_CODES = frozenset(term.code for term in taxonomy.PRINCIPLES)
AREA_CODES = frozenset(term.code for term in taxonomy.AREAS_OF_ACTION)
FAMILY_CODES = frozenset(term.code for term in taxonomy.FAMILIES)
KIND_CODES = frozenset(term.code for term in taxonomy.KINDS)


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    fr: str

    def read(self, language: str) -> str:
        return self.fr if language == "fr" and self.fr else self.en


@dataclass(frozen=True, slots=True)
class Level:
    value: float
    label: Text
    guidance: Text | None = None


@dataclass(frozen=True, slots=True)
class Scale:
    kind: str  # "levels" or "numeric"
    minimum: float
    maximum: float
    levels: tuple[Level, ...] = ()

    def allows(self, value: float) -> bool:
        if self.kind == "levels":
            return any(level.value == value for level in self.levels)
        return self.minimum <= value <= self.maximum


@dataclass(frozen=True, slots=True)
class Band:
    code: str
    minimum: float
    label: Text


@dataclass(frozen=True, slots=True)
class AppliesTo:
    families: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    text: Text
    guidance: Text | None = None
    weight: float = 1
    applies_to: AppliesTo | None = None
    not_applicable: bool = False
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    title: Text
    questions: tuple[Question, ...]
    description: Text | None = None
    principle: str = ""
    area: str = ""
    weight: float = 1


@dataclass(frozen=True, slots=True)
class Framework:
    identifier: str
    version: str
    title: Text
    scale: Scale
    bands: tuple[Band, ...]
    sections: tuple[Section, ...]
    description: Text | None = None
    publisher: str = ""
    aggregation: str = "weighted_mean"

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for section in self.sections for question in section.questions)


@dataclass(frozen=True, slots=True)
class Fault:
    """One problem of a document: where (a path such as ``sections[0].code``, empty for the whole document, and a
    line for YAML) and what."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or _("document")
        if self.line is not None:
            where = _("%(path)s (line %(line)d)") % {"path": where, "line": self.line}
        return f"{where}: {self.message}"


class FrameworkFaults(Exception):
    """The document was refused: every fault found, in the order of the document."""

    def __init__(self, faults: list[Fault]) -> None:
        super().__init__("\n".join(str(fault) for fault in faults))
        self.faults = faults


# --- Reading the bytes ------------------------------------------------------------------------------------------------


def _depth_ok(value: Any, depth: int = 0, budget: list[int] | None = None) -> bool:
    budget = budget if budget is not None else [MAX_NODES]
    budget[0] -= 1
    if depth > MAX_DEPTH or budget[0] < 0:
        return False
    if isinstance(value, dict):
        return all(_depth_ok(item, depth + 1, budget) for item in value.values())
    if isinstance(value, list):
        return all(_depth_ok(item, depth + 1, budget) for item in value)
    return True


def read_document(content: bytes | str) -> tuple[Any, dict[str, int]]:
    """The document's plain value and the line of each path (YAML only), or FrameworkFaults when it cannot be read."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if len(content) > MAX_BYTES:
        raise FrameworkFaults(
            [Fault("", _("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)})]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FrameworkFaults([Fault("", _("The file is not UTF-8 text."))]) from None
    too_big = Fault("", _("The document is nested too deeply or holds too many values."))
    if text.lstrip().startswith(("{", "[")):
        try:
            value = json.loads(text)
        except RecursionError:
            raise FrameworkFaults([too_big]) from None
        except json.JSONDecodeError as error:
            raise FrameworkFaults(
                [Fault("", _("Not valid JSON: %(error)s.") % {"error": error.msg}, error.lineno)]
            ) from None
        if not _depth_ok(value):
            raise FrameworkFaults([too_big])
        return value, {}
    # PyYAML is imported with the first YAML document read, not by every process that loads the models.
    from egide.assessments.yaml_documents import read_yaml

    return read_yaml(text, too_big)


# --- Checking the structure -------------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, lines: dict[str, int]) -> None:
        self.lines = lines
        self.faults: list[Fault] = []

    def fault(self, path: str, message: str) -> None:
        line = self.lines.get(path)
        if line is None:
            # A missing key has no line: the mapping that should hold it has one.
            parent = path.rsplit(".", 1)[0] if "." in path else re.sub(r"\[\d+\]$", "", path)
            line = self.lines.get(parent) if parent != path else None
        self.faults.append(Fault(path, message, line))

    def mapping(
        self, value: Any, path: str, *, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fault(path, _("Expected a mapping of keys to values."))
            return None
        for key, line in value.pop("\0duplicates", []):
            self.faults.append(Fault(_join(path, str(key)), _("This key is given twice."), line))
        for key in value:
            if key not in required and key not in optional:
                self.fault(_join(path, str(key)), _("Unknown key “%(key)s”.") % {"key": key})
        for key in required:
            if key not in value:
                self.fault(_join(path, key), _("This key is required."))
        return value

    def text(self, value: Any, path: str, *, required: bool) -> Text | None:
        if value is None and not required:
            return None
        mapping = self.mapping(value, path, required=("en", "fr"), optional=())
        if mapping is None:
            return None
        texts = {}
        for language in ("en", "fr"):
            if language not in mapping:
                continue
            text = mapping[language]
            if not isinstance(text, str) or not text.strip():
                self.fault(_join(path, language), _("Expected a text that is not empty."))
            elif len(text) > MAX_TEXT:
                self.fault(_join(path, language), _("Longer than %(count)d characters.") % {"count": MAX_TEXT})
            else:
                texts[language] = text.strip()
        if len(texts) != 2:
            return None
        return Text(texts["en"], texts["fr"])

    def string(self, value: Any, path: str, *, pattern: re.Pattern[str] | None = None, hint: str = "") -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fault(path, _("Expected a text that is not empty (quote numbers)."))
            return None
        if len(value) > 300:
            self.fault(path, _("Longer than %(count)d characters.") % {"count": 300})
            return None
        if pattern is not None and not pattern.match(value):
            self.fault(path, hint)
            return None
        return value

    def number(
        self, value: Any, path: str, *, minimum: float | None = None, maximum: float | None = None
    ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fault(path, _("Expected a number."))
            return None
        if minimum is not None and value < minimum:
            self.fault(path, _("Must be at least %(minimum)s.") % {"minimum": _shown(minimum)})
            return None
        if maximum is not None and value > maximum:
            self.fault(path, _("Must be at most %(maximum)s.") % {"maximum": _shown(maximum)})
            return None
        return value

    def codes(self, value: Any, path: str, known: frozenset[str], what: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fault(path, _("Expected a list."))
            return ()
        found = []
        for index, code in enumerate(value):
            if self.known(code, f"{path}[{index}]", known, what):
                found.append(code)
        return tuple(found)

    def known(self, code: Any, path: str, known: frozenset[str] | dict[str, Any], what: str) -> bool:
        if not isinstance(code, str) or code not in known:
            self.fault(path, _("“%(code)s” is not a code of %(what)s.") % {"code": code, "what": what})
            return False
        return True


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _shown(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _scale(check: _Checker, value: Any) -> Scale | None:
    raw = check.mapping(value, "scale", required=("kind",), optional=("levels", "minimum", "maximum"))
    if raw is None or "kind" not in raw:
        return None
    if raw["kind"] == "levels":
        for key in ("minimum", "maximum"):
            if key in raw:
                check.fault(f"scale.{key}", _("A scale of levels takes its range from its levels."))
        levels_value = raw.get("levels")
        if not isinstance(levels_value, list) or len(levels_value) < 2:
            check.fault("scale.levels", _("Expected a list of at least two levels."))
            return None
        levels = []
        previous: float | None = None
        for index, item in enumerate(levels_value):
            path = f"scale.levels[{index}]"
            level = check.mapping(item, path, required=("value", "label"), optional=("guidance",))
            if level is None:
                continue
            number = check.number(level.get("value"), f"{path}.value") if "value" in level else None
            if number is not None and previous is not None and number <= previous:
                check.fault(f"{path}.value", _("Level values must be strictly increasing."))
                number = None
            previous = number if number is not None else previous
            label = check.text(level.get("label"), f"{path}.label", required=True) if "label" in level else None
            guidance = check.text(level.get("guidance"), f"{path}.guidance", required=False)
            if number is not None and label is not None:
                levels.append(Level(number, label, guidance))
        if len(levels) != len(levels_value):
            return None
        return Scale("levels", levels[0].value, levels[-1].value, tuple(levels))
    if raw["kind"] == "numeric":
        if "levels" in raw:
            check.fault("scale.levels", _("A numeric scale has no levels."))
        minimum = check.number(raw.get("minimum"), "scale.minimum")
        maximum = check.number(raw.get("maximum"), "scale.maximum")
        if minimum is None or maximum is None:
            return None
        if maximum <= minimum:
            check.fault("scale.maximum", _("The maximum must be greater than the minimum."))
            return None
        return Scale("numeric", minimum, maximum)
    check.fault("scale.kind", _("Expected “levels” or “numeric”."))
    return None


def _bands(check: _Checker, value: Any) -> tuple[Band, ...] | None:
    if not isinstance(value, list) or not value:
        check.fault("bands", _("Expected a list of at least one band."))
        return None
    bands = []
    codes: set[str] = set()
    previous: float | None = None
    for index, item in enumerate(value):
        path = f"bands[{index}]"
        raw = check.mapping(item, path, required=("code", "minimum", "label"), optional=())
        if raw is None:
            continue
        code = check.string(raw.get("code"), f"{path}.code", pattern=CODE, hint=_CODE_HINT()) if "code" in raw else None
        if code is not None and code in codes:
            check.fault(f"{path}.code", _("“%(code)s” is already the code of another band.") % {"code": code})
        minimum = (
            check.number(raw.get("minimum"), f"{path}.minimum", minimum=0, maximum=100) if "minimum" in raw else None
        )
        if minimum is not None and previous is not None and minimum >= previous:
            check.fault(f"{path}.minimum", _("Bands go from best to worst: each minimum below the one before."))
        previous = minimum if minimum is not None else previous
        label = check.text(raw.get("label"), f"{path}.label", required=True) if "label" in raw else None
        if code is not None and minimum is not None and label is not None:
            codes.add(code)
            bands.append(Band(code, minimum, label))
    last = value[-1]
    if isinstance(last, dict) and isinstance(last.get("minimum"), int | float) and last["minimum"] != 0:
        check.fault(f"bands[{len(value) - 1}].minimum", _("The last band's minimum must be 0."))
    return tuple(bands) if len(bands) == len(value) else None


def _CODE_HINT() -> str:
    return _("Expected letters, digits, dots, dashes or underscores (64 at most), starting with a letter or digit.")


def _applies_to(check: _Checker, value: Any, path: str) -> AppliesTo | None:
    raw = check.mapping(value, path, required=(), optional=("families", "kinds"))
    if raw is None:
        return None
    families = (
        check.codes(raw["families"], f"{path}.families", FAMILY_CODES, _("actor families")) if "families" in raw else ()
    )
    kinds = check.codes(raw["kinds"], f"{path}.kinds", KIND_CODES, _("actor kinds")) if "kinds" in raw else ()
    return AppliesTo(families, kinds)


def _question(check: _Checker, value: Any, path: str, seen: dict[str, str]) -> Question | None:
    raw = check.mapping(
        value,
        path,
        required=("code", "text"),
        optional=("guidance", "weight", "applies_to", "not_applicable", "rules"),
    )
    if raw is None:
        return None
    code = check.string(raw.get("code"), f"{path}.code", pattern=CODE, hint=_CODE_HINT()) if "code" in raw else None
    if code is not None:
        if code in seen:
            check.fault(
                f"{path}.code", _("“%(code)s” is already the code of %(where)s.") % {"code": code, "where": seen[code]}
            )
            code = None
        else:
            seen[code] = path
    text = check.text(raw.get("text"), f"{path}.text", required=True) if "text" in raw else None
    guidance = check.text(raw.get("guidance"), f"{path}.guidance", required=False)
    weight = check.number(raw["weight"], f"{path}.weight", minimum=0, maximum=1000) if "weight" in raw else 1
    applies_to = _applies_to(check, raw["applies_to"], f"{path}.applies_to") if "applies_to" in raw else None
    not_applicable = raw.get("not_applicable", False)
    if not isinstance(not_applicable, bool):
        check.fault(f"{path}.not_applicable", _("Expected true or false."))
    rules = (
        check.codes(raw["rules"], f"{path}.rules", frozenset(RULE_BY_CODE), _("governance rules"))
        if "rules" in raw
        else ()
    )
    if code is None or text is None or weight is None or ("applies_to" in raw and applies_to is None):
        return None
    return Question(code, text, guidance, weight, applies_to, bool(not_applicable), rules)


def _sections(check: _Checker, value: Any) -> tuple[Section, ...] | None:
    if not isinstance(value, list) or not value:
        check.fault("sections", _("Expected a list of at least one section."))
        return None
    sections = []
    section_codes: dict[str, str] = {}
    question_codes: dict[str, str] = {}
    for index, item in enumerate(value):
        path = f"sections[{index}]"
        raw = check.mapping(
            item, path, required=("code", "title", "questions"), optional=("description", "principle", "area", "weight")
        )
        if raw is None:
            continue
        code = check.string(raw.get("code"), f"{path}.code", pattern=CODE, hint=_CODE_HINT()) if "code" in raw else None
        if code is not None:
            if code in section_codes:
                check.fault(
                    f"{path}.code",
                    _("“%(code)s” is already the code of %(where)s.") % {"code": code, "where": section_codes[code]},
                )
                code = None
            else:
                section_codes[code] = path
        title = check.text(raw.get("title"), f"{path}.title", required=True) if "title" in raw else None
        description = check.text(raw.get("description"), f"{path}.description", required=False)
        principle = raw.get("principle", "")
        if "principle" in raw and not check.known(principle, f"{path}.principle", PRINCIPLE_CODES, _("principles")):
            principle = ""
        area = raw.get("area", "")
        if "area" in raw and not check.known(area, f"{path}.area", AREA_CODES, _("areas of action")):
            area = ""
        weight = check.number(raw["weight"], f"{path}.weight", minimum=0, maximum=1000) if "weight" in raw else 1
        questions_value = raw.get("questions")
        questions: list[Question | None] = []
        if "questions" in raw:
            if not isinstance(questions_value, list) or not questions_value:
                check.fault(f"{path}.questions", _("Expected a list of at least one question."))
            else:
                questions = [
                    _question(check, question, f"{path}.questions[{number}]", question_codes)
                    for number, question in enumerate(questions_value)
                ]
        kept = [question for question in questions if question is not None]
        if code is not None and title is not None and weight is not None and kept and len(kept) == len(questions):
            sections.append(Section(code, title, tuple(kept), description, principle, area, weight))
    return tuple(sections) if len(sections) == len(value) else None


TOP_KEYS_REQUIRED = ("identifier", "version", "title", "scale", "bands", "sections")
TOP_KEYS_OPTIONAL = ("description", "publisher", "aggregation", "$schema")


def framework_from_data(value: Any, lines: dict[str, int] | None = None) -> Framework:
    """The framework a plain document describes (as read from a file, or stored), or FrameworkFaults."""
    check = _Checker(lines or {})
    raw = check.mapping(value, "", required=TOP_KEYS_REQUIRED, optional=TOP_KEYS_OPTIONAL)
    if raw is None:
        raise FrameworkFaults(check.faults)
    identifier = (
        check.string(
            raw.get("identifier"),
            "identifier",
            pattern=IDENTIFIER,
            hint=_("Expected lower-case letters, digits and single dashes (ssr-governance-baseline)."),
        )
        if "identifier" in raw
        else None
    )
    if identifier is not None and len(identifier) > 100:
        check.fault("identifier", _("Longer than %(count)d characters.") % {"count": 100})
    version = check.string(raw.get("version"), "version") if "version" in raw else None
    if version is not None and len(version) > 50:
        check.fault("version", _("Longer than %(count)d characters.") % {"count": 50})
    title = check.text(raw.get("title"), "title", required=True) if "title" in raw else None
    description = check.text(raw.get("description"), "description", required=False)
    publisher = raw.get("publisher", "")
    if "publisher" in raw:
        publisher = check.string(publisher, "publisher") or ""
    if "$schema" in raw and not isinstance(raw["$schema"], str):
        check.fault("$schema", _("Expected a text that is not empty (quote numbers)."))
    aggregation = raw.get("aggregation", "weighted_mean")
    if aggregation not in AGGREGATIONS:
        check.fault("aggregation", _("The only aggregation is “weighted_mean”."))
    scale = _scale(check, raw["scale"]) if "scale" in raw else None
    bands = _bands(check, raw["bands"]) if "bands" in raw else None
    sections = _sections(check, raw["sections"]) if "sections" in raw else None
    if check.faults:
        raise FrameworkFaults(check.faults)
    assert identifier
    assert version
    assert title
    assert scale
    assert bands
    assert sections
    return Framework(
        identifier=identifier,
        version=version,
        title=title,
        scale=scale,
        bands=bands,
        sections=sections,
        description=description,
        publisher=publisher,
        aggregation=aggregation,
    )


def parse_framework(content: bytes | str) -> tuple[Framework, Any]:
    """Read and check a framework file: the framework and the plain document (to store), or FrameworkFaults with
    every fault found."""
    value, lines = read_document(content)
    framework = framework_from_data(_copy(value), lines)
    return framework, _plain(value)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _plain(value: Any) -> Any:
    """The document as JSON keeps it (YAML's duplicate-key markers dropped)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items() if key != "\0duplicates"}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
