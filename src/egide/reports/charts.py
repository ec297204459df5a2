"""The charts of a brief as vector drawings (SVG), the same on the page and in the PDF: a radar of an
assessment's section scores, the trend of its overall score, small line charts of context indicators, and bars of
money. Pure: plain numbers and labels in, SVG text out."""

import math
from collections.abc import Sequence

from egide.reports.svg import document, label_width, number, shortened, text

INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#cbd2d9"
ACCENT = "#1d4ed8"
REGION = "#b45309"


def radar(axes: Sequence[tuple[str, float | None]], *, label: str, maximum: float = 100) -> str:
    """Each axis a section's score from 0 to `maximum`; an axis without a score is drawn at the centre and marked
    "–" beside its name. With fewer than three axes a radar says nothing: bars instead."""
    if len(axes) < 3:
        return bars([(name, value or 0.0) for name, value in axes], label=label, unit="/ 100", largest=maximum)
    size, radius = 360.0, 110.0
    centre_x, centre_y = size / 2, 170.0
    count = max(len(axes), 1)
    body: list[str] = []

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return centre_x + radius * fraction * math.cos(angle), centre_y + radius * fraction * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{number(x)},{number(y)}" for x, y in (point(i, ring) for i in range(count)))
        body.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID}" stroke-width="0.8"/>')
    for index, (name, value) in enumerate(axes):
        x, y = point(index, 1.0)
        body.append(
            f'<line x1="{number(centre_x)}" y1="{number(centre_y)}" x2="{number(x)}" y2="{number(y)}" '
            f'stroke="{GRID}" stroke-width="0.8"/>'
        )
        lx, ly = point(index, 1.18)
        anchor = "middle" if abs(lx - centre_x) < 10 else ("start" if lx > centre_x else "end")
        shown = "–" if value is None else number(value)
        caption = shortened(name, 10, 120)
        body.append(
            f'<text x="{number(lx)}" y="{number(ly + 3)}" font-size="10" text-anchor="{anchor}" fill="{INK}">'
            f"{text(caption)} ({text(shown)})</text>"
        )
    shape = " ".join(
        f"{number(x)},{number(y)}"
        for x, y in (
            point(index, max(0.0, min(1.0, (value or 0) / maximum)) if maximum else 0)
            for index, (_n, value) in enumerate(axes)
        )
    )
    if axes:
        body.append(
            f'<polygon points="{shape}" fill="{ACCENT}" fill-opacity="0.25" stroke="{ACCENT}" stroke-width="1.5"/>'
        )
    for tick in (50, 100):
        body.append(
            f'<text x="{number(centre_x + 2)}" y="{number(centre_y - radius * tick / maximum + 10)}" font-size="7" '
            f'fill="{MUTED}">{tick}</text>'
        )
    return document(size, 320, body, label=label)


def line_chart(
    series: Sequence[tuple[str, float | None]],
    *,
    label: str,
    minimum: float,
    maximum: float,
    second: Sequence[tuple[str, float | None]] = (),
    width: float = 360,
    height: float = 140,
    font: float = 10,
) -> str:
    """A line over labelled points (years, dates), `second` (a comparison, such as the region's median) dashed
    over the same points; values outside [minimum, maximum] are drawn at the edge. A point without a value breaks
    the line."""
    left, right, top, bottom = 34.0, 10.0, 10.0, 22.0
    inner_width, inner_height = width - left - right, height - top - bottom
    span = (maximum - minimum) or 1.0
    names = list(dict.fromkeys([name for name, _value in series] + [name for name, _value in second]))
    positions = {name: index for index, name in enumerate(names)}
    step = inner_width / max(len(names) - 1, 1)

    def x_of(name: str) -> float:
        return left + (positions[name] * step if len(names) > 1 else inner_width / 2)

    def y_of(value: float) -> float:
        return top + inner_height * (1 - (min(max(value, minimum), maximum) - minimum) / span)

    body = [
        f'<line x1="{number(left)}" y1="{number(top + inner_height)}" x2="{number(width - right)}" '
        f'y2="{number(top + inner_height)}" stroke="{GRID}"/>',
        f'<text x="{number(left - 4)}" y="{number(top + 4)}" font-size="{number(font * 0.8)}" text-anchor="end" '
        f'fill="{MUTED}">{text(number(maximum))}</text>',
        f'<text x="{number(left - 4)}" y="{number(top + inner_height)}" font-size="{number(font * 0.8)}" '
        f'text-anchor="end" fill="{MUTED}">{text(number(minimum))}</text>',
    ]
    shown_every = max(1, math.ceil(len(names) * font * 2.6 / inner_width))
    for index, name in enumerate(names):
        if index % shown_every == 0 or index == len(names) - 1:
            body.append(
                f'<text x="{number(x_of(name))}" y="{number(height - 6)}" font-size="{number(font * 0.8)}" '
                f'text-anchor="middle" fill="{MUTED}">{text(name)}</text>'
            )

    def path(points: Sequence[tuple[str, float | None]], colour: str, dashed: bool) -> None:
        runs: list[list[tuple[float, float]]] = [[]]
        for name, value in points:
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_of(name), y_of(value)))
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        for run in runs:
            if len(run) > 1:
                coordinates = " ".join(f"{number(x)},{number(y)}" for x, y in run)
                body.append(
                    f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>'
                )
            for x, y in run:
                body.append(f'<circle cx="{number(x)}" cy="{number(y)}" r="2.2" fill="{colour}"/>')

    if second:
        path(second, REGION, True)
    path(series, ACCENT, False)
    return document(width, height, body, label=label)


def bars(
    rows: Sequence[tuple[str, float]], *, label: str, unit: str, width: float = 520, largest: float | None = None
) -> str:
    """Horizontal bars, one per row, `largest` (the largest value when not given) across the whole width; each with
    its amount written after it."""
    bar_height, gap, name_width = 14.0, 6.0, 170.0
    height = max(len(rows), 1) * (bar_height + gap) + gap
    largest = largest or max((value for _name, value in rows), default=0) or 1.0
    room = width - name_width - 90
    body: list[str] = []
    for index, (name, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = max(0.0, value) / largest * room
        amount = f"{value:,.0f} {unit}".replace(",", "\u202f")
        body.append(
            f'<text x="{number(name_width - 6)}" y="{number(y + bar_height - 3)}" font-size="10" text-anchor="end" '
            f'fill="{INK}">{text(shortened(name, 10, name_width - 8))}</text>'
            f'<rect x="{number(name_width)}" y="{number(y)}" width="{number(length)}" height="{number(bar_height)}" '
            f'fill="{ACCENT}"/>'
            f'<text x="{number(name_width + length + 4)}" y="{number(y + bar_height - 3)}" font-size="9" '
            f'fill="{INK}">{text(amount)}</text>'
        )
    return document(width, height, body, label=label)


__all__ = ["bars", "label_width", "line_chart", "radar"]
