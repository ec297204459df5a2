"""The sections of a country brief, their names, and the reader's choice of which to show in which order. Pure:
no ORM, no request."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COVER = "cover"
SUMMARY = "summary"
SYSTEM = "system"
GOVERNANCE = "governance"
ASSESSMENT = "assessment"
PROGRAMMES = "programmes"
CONTEXT = "context"
COORDINATION = "coordination"
DILIGENCE = "diligence"
SOURCES = "sources"


@dataclass(frozen=True, slots=True)
class SectionKind:
    code: str
    title: Promise


MOVABLE: tuple[SectionKind, ...] = (
    SectionKind(SUMMARY, _("Summary")),
    SectionKind(SYSTEM, _("The security system")),
    SectionKind(GOVERNANCE, _("Governance findings")),
    SectionKind(ASSESSMENT, _("Latest assessment")),
    SectionKind(PROGRAMMES, _("Programmes and money")),
    SectionKind(CONTEXT, _("Context indicators")),
    SectionKind(COORDINATION, _("Coordination: overlaps and gaps")),
    SectionKind(DILIGENCE, _("Due diligence")),
)
"""The sections a reader may switch off and put in another order. The cover always opens the brief and the sources
always close it: every statement refers to them."""

TITLES: dict[str, Promise] = {kind.code: kind.title for kind in MOVABLE} | {
    COVER: _("Cover"),
    SOURCES: _("Sources"),
}
DEFAULT_ORDER: tuple[str, ...] = tuple(kind.code for kind in MOVABLE)


def chosen_sections(data: Mapping[str, str], *, prefix: str = "") -> list[str]:
    """The sections ticked in a form, in the order of their positions (`position-<code>`, whole numbers; a missing
    or unreadable one keeps the default place). Raises ValueError naming the section whose position is not a
    number."""
    picked: list[tuple[int, int, str]] = []
    for default_place, code in enumerate(DEFAULT_ORDER):
        if not data.get(f"{prefix}section-{code}"):
            continue
        raw = str(data.get(f"{prefix}position-{code}", "") or "").strip()
        if raw:
            try:
                position = int(raw)
            except ValueError:
                raise ValueError(code) from None
        else:
            position = default_place + 1
        picked.append((position, default_place, code))
    return [code for _position, _place, code in sorted(picked)]


def normalised(codes: list[str]) -> list[str]:
    """Known movable sections only, each once, in the given order."""
    known = set(DEFAULT_ORDER)
    return list(dict.fromkeys(code for code in codes if code in known))
