"""What makes an actor or a relationship make sense: pure checks shared by forms, the API and imports.

Each check returns problems naming the field at fault, so that a form, an API answer or an import report can
say exactly where the trouble is.
"""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egide.core import taxonomy
from egide.core.fuzzy_dates import FuzzyDate
from egide.core.reference import countries

REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
FRENCH_ARTICLES = frozenset({"unknown", "le", "la", "l", "les", "none"})


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class ActorFacts:
    country: str
    reference: str
    kind: str
    name_en: str
    name_fr: str
    confidence: str
    article_fr: str = "unknown"
    parent_reference: str = ""
    parent_country: str | None = None
    parent_ancestry: tuple[str, ...] = ()


def check_actor(facts: ActorFacts) -> list[Problem]:
    problems: list[Problem] = []
    if facts.country not in countries():
        problems.append(Problem("country", _("“%(code)s” is not a known country code.") % {"code": facts.country}))
    if not REFERENCE_PATTERN.match(facts.reference or ""):
        problems.append(
            Problem(
                "reference",
                _("The reference must be 1 to 64 letters, digits, dots, dashes or underscores."),
            )
        )
    if facts.kind not in taxonomy.KIND_BY_CODE:
        problems.append(Problem("kind", _("“%(kind)s” is not a known kind of actor.") % {"kind": facts.kind}))
    if not facts.name_en.strip() and not facts.name_fr.strip():
        problems.append(Problem("name_en", _("Give the actor a name in English or French.")))
    if facts.confidence not in taxonomy.CONFIDENCE_BY_CODE:
        problems.append(Problem("confidence", _("Confidence must be low, medium or high.")))
    if facts.article_fr not in FRENCH_ARTICLES:
        problems.append(
            Problem(
                "article_fr",
                _("“%(value)s” is not a French article: write le, la, l, les, none or unknown.")
                % {"value": facts.article_fr},
            )
        )
    if facts.parent_reference:
        if facts.parent_reference == facts.reference:
            problems.append(Problem("parent", _("An actor cannot be its own parent.")))
        elif facts.parent_country is not None and facts.parent_country != facts.country:
            problems.append(Problem("parent", _("The parent actor belongs to another country.")))
        elif facts.reference in facts.parent_ancestry:
            problems.append(
                Problem("parent", _("This parent would make a loop: the actor is already one of its ancestors."))
            )
    return problems


@dataclass(frozen=True, slots=True)
class RelationshipFacts:
    type: str
    source_reference: str
    target_reference: str
    source_country: str
    target_country: str
    source_family: str
    target_family: str
    start: FuzzyDate | None
    end: FuzzyDate | None
    ongoing: bool
    strength: str
    confidence: str


def check_relationship(facts: RelationshipFacts) -> list[Problem]:
    problems: list[Problem] = []
    if facts.source_reference == facts.target_reference:
        problems.append(Problem("target", _("An actor cannot be related to itself.")))
    if facts.source_country != facts.target_country:
        problems.append(Problem("target", _("Both actors must belong to the same country.")))
    relationship_type = taxonomy.RELATIONSHIP_TYPE_BY_CODE.get(facts.type)
    if relationship_type is None:
        problems.append(Problem("type", _("“%(type)s” is not a known relationship type.") % {"type": facts.type}))
    else:
        if facts.source_family not in relationship_type.sources:
            problems.append(
                Problem(
                    "type",
                    _("An actor of the family “%(family)s” cannot be the source of “%(type)s”.")
                    % {
                        "family": taxonomy.FAMILY_BY_CODE[facts.source_family].label,
                        "type": relationship_type.label,
                    },
                )
            )
        if facts.target_family not in relationship_type.targets:
            problems.append(
                Problem(
                    "type",
                    _("An actor of the family “%(family)s” cannot be the target of “%(type)s”.")
                    % {
                        "family": taxonomy.FAMILY_BY_CODE[facts.target_family].label,
                        "type": relationship_type.label,
                    },
                )
            )
    if facts.start and facts.end and facts.end.last_day < facts.start.first_day:
        problems.append(Problem("end", _("The end date comes before the start date.")))
    if facts.ongoing and facts.end:
        problems.append(Problem("end", _("An ongoing relationship has no end date.")))
    if facts.strength not in taxonomy.STRENGTH_BY_CODE:
        problems.append(Problem("strength", _("Strength must be weak, moderate or strong.")))
    if facts.confidence not in taxonomy.CONFIDENCE_BY_CODE:
        problems.append(Problem("confidence", _("Confidence must be low, medium or high.")))
    return problems


# --- Text ------------------------------------------------------------------------------------------------------------

LINE_BREAKS = frozenset("\n\r\t")
"""Allowed in multi-line text (notes, mandates, comments), and nowhere else."""

MULTILINE_FIELDS = frozenset(
    {"mandate_text", "mandate_text_fr", "notes", "notes_fr", "legal_basis", "legal_basis_fr", "comment"}
)
"""The free-text fields of the map (as actors.fields declares them) and of findings' comments."""


_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""The control characters (Unicode's category Cc) and the surrogates (Cs)."""
_NOT_TEXT_BUT_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""The same, less the LINE_BREAKS."""


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of the value that has no place in text, or None.

    Control characters (NUL among them, which PostgreSQL cannot store at all) and lone surrogates (which cannot be
    written as UTF-8) are refused rather than dropped, so that what is stored is what was sent.
    """
    found = (_NOT_TEXT_BUT_BREAKS if multiline else _NOT_TEXT).search(value)
    return found.group() if found else None


def text_message(character: str) -> str:
    return _("Remove the control character %(code)s: it has no place in text.") % {"code": f"U+{ord(character):04X}"}


def check_texts(values: Mapping[str, str], *, multiline: Collection[str] = MULTILINE_FIELDS) -> list[Problem]:
    """A problem for each field whose text holds a control character; line breaks are allowed in `multiline`
    fields only."""
    # Most rows of an import hold no such character: one search over all their texts at once tells so.
    try:
        joined = "".join(values.values())
    except TypeError:  # an empty value given as None
        joined = None
    if joined is not None and _NOT_TEXT.search(joined) is None:
        return []
    problems = []
    for name, value in values.items():
        character = control_character(value or "", multiline=name in multiline)
        if character is not None:
            problems.append(Problem(name, text_message(character)))
    return problems
