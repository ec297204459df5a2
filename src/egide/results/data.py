"""What the services of the results framework take: plain values, filled by forms, the API and the import alike."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from egide.results.disaggregations import Part


@dataclass(frozen=True, slots=True)
class ResultData:
    title_en: str
    type: str = "1"
    title_fr: str = ""
    description_en: str = ""
    description_fr: str = ""
    order: int | None = None  # None: after the programme's last result


@dataclass(frozen=True, slots=True)
class IndicatorData:
    title_en: str
    measure: str = "1"
    ascending: bool = True
    title_fr: str = ""
    description_en: str = ""
    description_fr: str = ""
    baseline_value: Decimal | None = None
    baseline_date: datetime.date | None = None
    baseline_comment: str = ""
    actor_id: int | None = None
    order: int | None = None


@dataclass(frozen=True, slots=True)
class PeriodData:
    start: datetime.date
    end: datetime.date
    target_value: Decimal | None = None
    target_comment: str = ""
    target_disaggregations: tuple[Part, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class UpdateData:
    value_date: datetime.date
    value: Decimal | None = None
    text: str = ""
    comment: str = ""
    evidence_link: str = ""
    disaggregations: tuple[Part, ...] = field(default_factory=tuple)
