"""The country timeline: programmes, missions and key documents on one time axis, as the chart and its table
read them. Pure: no ORM. A selector (timeline_selectors) turns records into `TimelineItem`s; `timeline_build`
turns those into rows of bars (planned and actual, where both are known) and points (a document's date).

A bar whose end is not known yet is drawn up to today (or to its start, when that is later) and marked open, so
that an ongoing mission or programme reads as ongoing rather than as ending on the day the page was drawn.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from egide.core.labels import Term

PROGRAMME, MISSION, DOCUMENT = "programme", "mission", "document"
KINDS: tuple[Term, ...] = (
    Term(PROGRAMME, "Programme", "Programme"),
    Term(MISSION, "Mission", "Mission"),
    Term(DOCUMENT, "Key document", "Document de référence"),
)
KIND_BY_CODE = {kind.code: kind for kind in KINDS}
PLANNED, ACTUAL = "planned", "actual"
PHASES: tuple[Term, ...] = (Term(PLANNED, "Planned", "Prévu"), Term(ACTUAL, "Actual", "Réel"))
PHASE_BY_CODE = {phase.code: phase for phase in PHASES}


@dataclass(frozen=True, slots=True)
class Span:
    """A period whose start or end may be unknown."""

    start: datetime.date | None = None
    end: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One programme, mission or document as the timeline needs it, whatever the record it comes from."""

    kind: str
    key: str
    """Unique within one timeline (for example programme-12)."""
    label: str
    link: str = ""
    detail: str = ""
    """A short identifier shown beside the label: an IATI identifier, a mission's acronym, a document's symbol."""
    status: str = ""
    status_label: str = ""
    planned: Span | None = None
    actual: Span | None = None
    day: datetime.date | None = None
    """A document's date (documents are points, not bars)."""
    illustrative: bool = False


@dataclass(frozen=True, slots=True)
class Bar:
    phase: str
    start: datetime.date
    end: datetime.date
    open: bool
    """The end is not known: the bar runs to today."""

    @property
    def phase_label(self) -> str:
        return PHASE_BY_CODE[self.phase].label


@dataclass(frozen=True, slots=True)
class Row:
    item: TimelineItem
    bars: tuple[Bar, ...]

    @property
    def kind_label(self) -> str:
        return KIND_BY_CODE[self.item.kind].label

    @property
    def dated(self) -> bool:
        return bool(self.bars) or self.item.day is not None

    @property
    def first_day(self) -> datetime.date | None:
        days = [bar.start for bar in self.bars] + ([self.item.day] if self.item.day is not None else [])
        return min(days, default=None)

    @property
    def last_day(self) -> datetime.date | None:
        days = [bar.end for bar in self.bars] + ([self.item.day] if self.item.day is not None else [])
        return max(days, default=None)

    def bar(self, phase: str) -> Bar | None:
        return next((bar for bar in self.bars if bar.phase == phase), None)


@dataclass(frozen=True, slots=True)
class Timeline:
    rows: tuple[Row, ...]
    today: datetime.date
    start: datetime.date | None
    """The first of January of the earliest year shown (None when nothing is dated)."""
    end: datetime.date | None
    """The last of December of the latest year shown."""
    totals: dict[str, int] = field(default_factory=dict)
    """For each kind, how many items the filters kept, of which the rows show the first ones."""

    @property
    def dated_rows(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.dated)

    @property
    def undated_rows(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if not row.dated)

    def shown(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.item.kind == kind)

    def as_data(self) -> dict[str, Any]:
        """The chart's data, for JSON: dates as ISO strings, labels in the active language."""
        return {
            "start": _iso(self.start),
            "end": _iso(self.end),
            "today": self.today.isoformat(),
            "kinds": [{"code": kind.code, "label": kind.label} for kind in KINDS],
            "phases": [{"code": phase.code, "label": phase.label} for phase in PHASES],
            "totals": {kind.code: self.totals.get(kind.code, self.shown(kind.code)) for kind in KINDS},
            "rows": [_row_data(row) for row in self.rows],
        }


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _row_data(row: Row) -> dict[str, Any]:
    item = row.item
    return {
        "key": item.key,
        "kind": item.kind,
        "kind_label": row.kind_label,
        "label": item.label,
        "detail": item.detail,
        "link": item.link,
        "status": item.status,
        "status_label": item.status_label,
        "illustrative": item.illustrative,
        "day": _iso(item.day),
        "bars": [
            {
                "phase": bar.phase,
                "phase_label": bar.phase_label,
                "start": bar.start.isoformat(),
                "end": bar.end.isoformat(),
                "open": bar.open,
            }
            for bar in row.bars
        ],
    }


def bar_of(phase: str, span: Span | None, *, today: datetime.date) -> Bar | None:
    """The bar of a span, or None when it has no start (a period whose start is unknown cannot be placed). An end
    before the start (a typing slip in the source) is read as the start, so the bar still shows."""
    if span is None or span.start is None:
        return None
    if span.end is None:
        return Bar(phase, span.start, max(today, span.start), open=True)
    return Bar(phase, span.start, max(span.end, span.start), open=False)


def row_of(item: TimelineItem, *, today: datetime.date) -> Row:
    bars = [bar_of(PLANNED, item.planned, today=today), bar_of(ACTUAL, item.actual, today=today)]
    return Row(item, tuple(bar for bar in bars if bar is not None))


_KIND_ORDER = {kind.code: index for index, kind in enumerate(KINDS)}


def _order(row: Row) -> tuple[int, int, datetime.date, str]:
    """Programmes, then missions, then documents; in each, by their first date (undated last), then by label."""
    first = row.first_day
    return (_KIND_ORDER.get(row.item.kind, len(KINDS)), first is None, first or datetime.date.min, row.item.label)


def timeline_build(
    items: Iterable[TimelineItem], *, today: datetime.date, totals: dict[str, int] | None = None
) -> Timeline:
    """The rows of the chart and of its table, in order, and the whole years they span."""
    rows = tuple(sorted((row_of(item, today=today) for item in items), key=_order))
    firsts = [day for row in rows if (day := row.first_day) is not None]
    lasts = [day for row in rows if (day := row.last_day) is not None]
    start = datetime.date(min(firsts).year, 1, 1) if firsts else None
    end = datetime.date(max(lasts).year, 12, 31) if lasts else None
    return Timeline(rows=rows, today=today, start=start, end=end, totals=dict(totals or {}))
