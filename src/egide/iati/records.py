"""An IATI activity as plain records: what the parser returns and the writer reads, whatever the file's version.

Codes are those of IATI 2.03 (a 1.0x file's "C", "Funding" or "start-planned" arrive as "2", "1" and "1"), dates are
`datetime.date`, amounts `decimal.Decimal`, and every text is kept in each language it was written in. No ORM.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

type Narratives = dict[str, str]
"""A text in each language it was written in: {"en": "...", "fr": "..."}; "" for a narrative without a language."""


@dataclass(slots=True)
class Warning:
    """A fault of the publisher that does not stop the activity from being read: a missing date, an empty narrative,
    an unknown code, percentages that do not add up, a value without currency. `code` names the kind of fault;
    `element` the element it was found in; `detail` the value at fault."""

    code: str
    element: str
    line: int | None
    detail: str = ""


@dataclass(slots=True)
class Organisation:
    ref: str = ""
    type: str = ""
    name: Narratives = field(default_factory=dict)
    activity_id: str = ""


@dataclass(slots=True)
class Participant:
    role: str
    organisation: Organisation


@dataclass(slots=True)
class Share:
    """A recipient country or region, or a sector, and its percentage where given."""

    code: str
    vocabulary: str = ""
    percentage: Decimal | None = None


@dataclass(slots=True)
class Money:
    value: Decimal | None
    currency: str
    value_date: dt.date | None


@dataclass(slots=True)
class Budget:
    type: str
    status: str
    period_start: dt.date | None
    period_end: dt.date | None
    money: Money


@dataclass(slots=True)
class Transaction:
    type: str
    date: dt.date | None
    money: Money
    ref: str = ""
    description: Narratives = field(default_factory=dict)
    provider: Organisation | None = None
    receiver: Organisation | None = None
    sectors: tuple[Share, ...] = ()
    recipient_country: str = ""
    recipient_region: str = ""


@dataclass(slots=True)
class Location:
    ref: str = ""
    name: Narratives = field(default_factory=dict)
    description: Narratives = field(default_factory=dict)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    administrative: tuple[tuple[str, str, str], ...] = ()
    """(vocabulary, level, code) of each administrative division named."""


@dataclass(slots=True)
class Period:
    start: dt.date | None
    end: dt.date | None
    target: str = ""
    actual: str = ""
    target_dimensions: tuple[tuple[str, str], ...] = ()
    """(name, value) of each dimension of the target: the target's value is that category's (sex: female)."""
    actual_dimensions: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Indicator:
    measure: str
    ascending: bool
    title: Narratives
    description: Narratives = field(default_factory=dict)
    baseline_year: int | None = None
    baseline_date: dt.date | None = None
    baseline_value: str = ""
    periods: tuple[Period, ...] = ()


@dataclass(slots=True)
class Result:
    type: str
    title: Narratives
    description: Narratives = field(default_factory=dict)
    aggregation_status: bool = False
    indicators: tuple[Indicator, ...] = ()


@dataclass(slots=True)
class PolicyMarker:
    vocabulary: str
    code: str
    significance: str = ""


@dataclass(slots=True)
class RelatedActivity:
    type: str
    ref: str


@dataclass(slots=True)
class DocumentLink:
    url: str
    format: str = ""
    title: Narratives = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    date: dt.date | None = None


@dataclass(slots=True)
class Activity:
    """One `iati-activity` element. `line` is where it starts in its file; `version` the file's IATI version."""

    identifier: str
    version: str
    line: int | None = None
    default_language: str = ""
    default_currency: str = ""
    hierarchy: str = ""
    reporting_org: Organisation = field(default_factory=Organisation)
    participants: list[Participant] = field(default_factory=list)
    titles: Narratives = field(default_factory=dict)
    descriptions: list[tuple[str, Narratives]] = field(default_factory=list)
    status: str = ""
    dates: dict[str, dt.date] = field(default_factory=dict)
    """By IATI ActivityDateType: 1 planned start, 2 actual start, 3 planned end, 4 actual end."""
    recipient_countries: list[Share] = field(default_factory=list)
    recipient_regions: list[Share] = field(default_factory=list)
    sectors: list[Share] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    policy_markers: list[PolicyMarker] = field(default_factory=list)
    related_activities: list[RelatedActivity] = field(default_factory=list)
    documents: list[DocumentLink] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    digest: str = ""
    """The parser's digest of the activity as written (egide.iati.parser.digest_of); "" for one built otherwise."""

    def sector_codes(self, vocabulary: str = "1") -> set[str]:
        """The activity's sector codes of one vocabulary, at activity and at transaction level."""
        codes = {share.code for share in self.sectors if share.vocabulary == vocabulary}
        for transaction in self.transactions:
            codes.update(share.code for share in transaction.sectors if share.vocabulary == vocabulary)
        return codes

    def country_codes(self) -> set[str]:
        """The recipient countries, at activity and at transaction level."""
        codes = {share.code for share in self.recipient_countries}
        codes.update(
            transaction.recipient_country for transaction in self.transactions if transaction.recipient_country
        )
        return codes
