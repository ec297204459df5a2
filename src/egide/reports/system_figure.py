"""The security system as a printed figure: the map's actors grouped by family, one band per family, and the
relationships between them drawn behind, their line telling a chain of command from oversight and from the
rest. A layout computed here, with no browser: legible on paper, the same on the page and in the PDF. Pure."""

from collections.abc import Sequence
from dataclasses import dataclass

from egide.reports.svg import document, label_width, number, text

WIDTH = 680.0
COLUMNS = 4
BOX_WIDTH, BOX_HEIGHT = 152.0, 30.0
GAP_X, GAP_Y = 12.0, 10.0
BAND_TITLE = 18.0
BAND_GAP = 10.0
FONT = 8.5
LEGEND = 26.0

CHAIN = frozenset({"commands", "administers", "reports_to", "appoints"})
OVERSIGHT = frozenset({"oversees", "audits", "scrutinises", "adjudicates"})
FAMILY_COLOURS = {
    "security_providers": "#1d4ed8",
    "justice": "#047857",
    "supervisory": "#7c3aed",
    "management": "#b45309",
    "public_information": "#be123c",
}


@dataclass(frozen=True, slots=True)
class Actor:
    id: int
    name: str
    family: str


@dataclass(frozen=True, slots=True)
class Link:
    source: int
    target: int
    type: str


@dataclass(frozen=True, slots=True)
class Box:
    actor: Actor
    x: float
    y: float
    lines: tuple[str, ...]

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + BOX_WIDTH / 2, self.y + BOX_HEIGHT / 2


@dataclass(frozen=True, slots=True)
class Band:
    family: str
    label: str
    y: float
    height: float
    count: int


@dataclass(frozen=True, slots=True)
class Figure:
    bands: tuple[Band, ...]
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    height: float


def wrapped(name: str, *, width: float = BOX_WIDTH - 8, size: float = FONT, lines: int = 2) -> tuple[str, ...]:
    """The name on at most `lines` lines of the box, cut with an ellipsis on the last when it is longer."""
    words = name.split()
    result: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if label_width(candidate, size) <= width or not current:
            current = candidate
        else:
            result.append(current)
            current = word
    if current:
        result.append(current)
    if len(result) > lines:
        result = [*result[: lines - 1], " ".join(result[lines - 1 :])]
    last = result[-1] if result else ""
    if label_width(last, size) > width:
        keep = max(1, int(width / (size * 0.55)) - 1)
        result[-1] = last[:keep].rstrip() + "…"
    return tuple(result)


def layout(actors: Sequence[Actor], links: Sequence[Link], families: Sequence[tuple[str, str]]) -> Figure:
    """One band per family that has actors, in the order of `families` ((code, label) pairs), the actors by name
    in rows of COLUMNS; the links between two drawn actors only."""
    by_family: dict[str, list[Actor]] = {}
    for actor in actors:
        by_family.setdefault(actor.family, []).append(actor)
    bands: list[Band] = []
    boxes: list[Box] = []
    y = 0.0
    for code, label in families:
        members = sorted(by_family.get(code, []), key=lambda actor: (actor.name.casefold(), actor.id))
        if not members:
            continue
        rows = (len(members) + COLUMNS - 1) // COLUMNS
        height = BAND_TITLE + rows * (BOX_HEIGHT + GAP_Y)
        bands.append(Band(family=code, label=label, y=y, height=height, count=len(members)))
        for index, actor in enumerate(members):
            row, column = divmod(index, COLUMNS)
            x = GAP_X + column * (BOX_WIDTH + GAP_X) + 8
            top = y + BAND_TITLE + row * (BOX_HEIGHT + GAP_Y)
            boxes.append(Box(actor=actor, x=x, y=top, lines=wrapped(actor.name)))
        y += height + BAND_GAP
    drawn = {box.actor.id for box in boxes}
    kept = tuple(link for link in links if link.source in drawn and link.target in drawn and link.source != link.target)
    return Figure(bands=tuple(bands), boxes=tuple(boxes), links=kept, height=y + LEGEND)


def _style(kind: str) -> str:
    if kind in CHAIN:
        return 'stroke="#1f2933" stroke-width="1.1" stroke-opacity="0.7"'
    if kind in OVERSIGHT:
        return 'stroke="#7c3aed" stroke-width="1.1" stroke-dasharray="5 3" stroke-opacity="0.8"'
    return 'stroke="#9aa5b1" stroke-width="0.8" stroke-dasharray="1.5 2.5"'


def render(figure: Figure, *, label: str, legend: tuple[str, str, str]) -> str:
    """The figure as SVG. `legend`: the words for chains of command, oversight and other relationships."""
    centres = {box.actor.id: box.centre for box in figure.boxes}
    body: list[str] = []
    for band in figure.bands:
        colour = FAMILY_COLOURS.get(band.family, "#52606d")
        body.append(
            f'<rect x="2" y="{number(band.y)}" width="{number(WIDTH - 4)}" height="{number(band.height)}" '
            f'fill="{colour}" fill-opacity="0.06" stroke="{colour}" stroke-width="0.8" rx="4"/>'
            f'<text x="10" y="{number(band.y + 13)}" font-size="10" font-weight="bold" fill="{colour}">'
            f"{text(band.label)} ({band.count})</text>"
        )
    for link in figure.links:
        x1, y1 = centres[link.source]
        x2, y2 = centres[link.target]
        body.append(
            f'<line x1="{number(x1)}" y1="{number(y1)}" x2="{number(x2)}" y2="{number(y2)}" {_style(link.type)}/>'
        )
    for box in figure.boxes:
        colour = FAMILY_COLOURS.get(box.actor.family, "#52606d")
        body.append(
            f'<g><title>{text(box.actor.name)}</title><rect x="{number(box.x)}" y="{number(box.y)}" '
            f'width="{number(BOX_WIDTH)}" height="{number(BOX_HEIGHT)}" rx="3" fill="#ffffff" stroke="{colour}" '
            f'stroke-width="1"/>'
        )
        first = box.y + (BOX_HEIGHT / 2 + FONT / 3 if len(box.lines) == 1 else BOX_HEIGHT / 2 - 1.5)
        for index, line in enumerate(box.lines):
            body.append(
                f'<text x="{number(box.x + BOX_WIDTH / 2)}" y="{number(first + index * (FONT + 2))}" '
                f'font-size="{FONT}" text-anchor="middle" fill="#1f2933">{text(line)}</text>'
            )
        body.append("</g>")
    y = figure.height - LEGEND + 14
    samples = (("commands", legend[0]), ("oversees", legend[1]), ("coordinates_with", legend[2]))
    x = 10.0
    for kind, words in samples:
        body.append(
            f'<line x1="{number(x)}" y1="{number(y - 3)}" x2="{number(x + 24)}" y2="{number(y - 3)}" {_style(kind)}/>'
            f'<text x="{number(x + 30)}" y="{number(y)}" font-size="9" fill="#52606d">{text(words)}</text>'
        )
        x += 40 + label_width(words, 9)
    return document(WIDTH, figure.height, body, label=label)
