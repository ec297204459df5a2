"""A brief's content as plain data, in the language it was built in: what the template shows and the summary is
written from. Pure."""

import datetime
from dataclasses import dataclass, field

from egide.reports.bibliography import Entry, markers


@dataclass(frozen=True, slots=True)
class Statement:
    text: str
    refs: tuple[int, ...] = ()

    @property
    def marker(self) -> str:
        return markers(self.refs)


@dataclass(frozen=True, slots=True)
class SystemPart:
    figure: str
    actors: int
    relationships: int
    families: tuple[tuple[str, int], ...]
    note: Statement


@dataclass(frozen=True, slots=True)
class FindingPart:
    title: str
    severity: str
    severity_label: str
    actors: tuple[str, ...]
    evidence: tuple[Statement, ...]
    status_label: str = ""


@dataclass(frozen=True, slots=True)
class PrincipleGroup:
    label: str
    findings: tuple[FindingPart, ...]


@dataclass(frozen=True, slots=True)
class SectionScorePart:
    title: str
    score: float | None
    band: str


@dataclass(frozen=True, slots=True)
class AssessmentPart:
    title: str
    framework: str
    as_of: datetime.date
    score: float | None
    band: str
    sections: tuple[SectionScorePart, ...]
    radar: str
    trend: str
    trend_points: int
    refs: tuple[int, ...]

    @property
    def marker(self) -> str:
        return markers(self.refs)


@dataclass(frozen=True, slots=True)
class PartnerRow:
    name: str
    programmes: int
    committed: str
    spent: str
    areas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProgrammesPart:
    year: int
    programmes: int
    partners: tuple[PartnerRow, ...]
    chart: str
    excluded: int
    refs: tuple[int, ...]

    @property
    def marker(self) -> str:
        return markers(self.refs)


@dataclass(frozen=True, slots=True)
class IndicatorPart:
    name: str
    unit: str
    latest_year: int | None
    latest: float | None
    region: float | None
    chart: str
    refs: tuple[int, ...]

    @property
    def marker(self) -> str:
        return markers(self.refs)


@dataclass(frozen=True, slots=True)
class OverlapPart:
    target: str
    partners: tuple[str, ...]
    programmes: int


@dataclass(frozen=True, slots=True)
class GapPart:
    title: str
    area: str
    actors: tuple[str, ...]
    area_uncovered: bool


@dataclass(frozen=True, slots=True)
class CoordinationPart:
    year: int
    overlaps: tuple[OverlapPart, ...]
    gaps: tuple[GapPart, ...]
    refs: tuple[int, ...]

    @property
    def marker(self) -> str:
        return markers(self.refs)


@dataclass(frozen=True, slots=True)
class DiligenceRowPart:
    programme: str
    unit: str
    decision: str
    risk: str
    next_review: datetime.date | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class DiligencePart:
    rows: tuple[DiligenceRowPart, ...]
    refs: tuple[int, ...]

    @property
    def marker(self) -> str:
        return markers(self.refs)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)


@dataclass
class BriefContent:
    country: str
    country_name: str
    as_of: datetime.date
    language: str
    level: str
    level_label: str
    sections: list[str]
    organisation: str = ""
    footer: str = ""
    logo: str = ""
    """The organisation's logo as a data: address, so that the HTML file and the PDF hold it."""
    summary: list[Statement] = field(default_factory=list)
    system: SystemPart | None = None
    governance: list[PrincipleGroup] = field(default_factory=list)
    findings_total: int = 0
    assessment: AssessmentPart | None = None
    programmes: ProgrammesPart | None = None
    context: list[IndicatorPart] = field(default_factory=list)
    coordination: CoordinationPart | None = None
    diligence: DiligencePart | None = None
    bibliography: list[Entry] = field(default_factory=list)
