"""What makes a programme make sense: pure checks shared by the services (and so by forms, the API and imports).

`check_programme` returns problems naming the field at fault (a part's field as `countries`, `sectors`, ...);
`lifecycle_warnings` returns what looks odd without being wrong (a closed programme still in design), shown on the
programme's page rather than refused.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from egide.actors.rules import Problem, check_texts
from egide.core import iati_codes, taxonomy
from egide.core.reference import countries, dac_sectors
from egide.programmes import codes

HUNDRED = Decimal(100)
SUM_TOLERANCE = Decimal("0.01")
IDENTIFIER_PATTERN = re.compile(r"^[^\s/?#]{1,150}$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
MAX_YEARS_COMMITTED = 100
MULTILINE = frozenset({"description_en", "description_fr"})


@dataclass(frozen=True, slots=True)
class Share:
    code: str
    percentage: Decimal | None


@dataclass(frozen=True, slots=True)
class ProgrammeFacts:
    country: str
    title_en: str
    title_fr: str = ""
    iati_identifier: str = ""
    status: str = "1"
    lifecycle_stage: str = "request"
    planned_start: date | None = None
    actual_start: date | None = None
    planned_end: date | None = None
    actual_end: date | None = None
    requested_on: date | None = None
    default_currency: str = "EUR"
    years_committed: int | None = None
    texts: dict[str, str] = field(default_factory=dict)
    countries: tuple[Share, ...] = ()
    sectors: tuple[Share, ...] = ()
    sector_vocabularies: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    organisation_types: tuple[str, ...] = ()
    participants_named: tuple[bool, ...] = ()
    """For each participation, whether it names an organisation (an account or a name)."""
    location_coordinates: tuple[tuple[Decimal | None, Decimal | None], ...] = ()
    location_countries: tuple[str, ...] = ()

    @property
    def start_date(self) -> date | None:
        return self.actual_start or self.planned_start


def check_percentages(shares: Sequence[Share], *, field: str) -> list[Problem]:
    """Each percentage between 0 and 100; when any is given, all are, and they add up to 100."""
    problems = []
    given = [share.percentage for share in shares if share.percentage is not None]
    for share in shares:
        if share.percentage is not None and not 0 <= share.percentage <= HUNDRED:
            problems.append(
                Problem(
                    field,
                    _("The percentage of %(code)s must be between 0 and 100, not %(value)s.")
                    % {"code": share.code, "value": share.percentage},
                )
            )
    if problems or not given:
        return problems
    if len(given) != len(shares):
        return [Problem(field, _("Give a percentage for every line, or for none."))]
    total = sum(given, Decimal(0))
    if abs(total - HUNDRED) > SUM_TOLERANCE:
        problems.append(Problem(field, _("The percentages add up to %(total)s, not 100.") % {"total": total}))
    return problems


def _duplicates(values: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    twice = []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return twice


def _check_dates(facts: ProgrammeFacts) -> list[Problem]:
    problems = []
    for _start_name, end_name, start, end in (
        ("planned_start", "planned_end", facts.planned_start, facts.planned_end),
        ("actual_start", "actual_end", facts.actual_start, facts.actual_end),
    ):
        if start and end and end < start:
            problems.append(Problem(end_name, _("The end comes before the start.")))
    today = date.today()
    if facts.actual_start and facts.actual_start > today:
        problems.append(Problem("actual_start", _("An actual start cannot be in the future.")))
    if facts.actual_end and facts.actual_end > today:
        problems.append(Problem("actual_end", _("An actual end cannot be in the future.")))
    return problems


def _check_codes(facts: ProgrammeFacts) -> list[Problem]:
    problems = []
    known_countries = countries()
    if facts.country not in known_countries:
        problems.append(Problem("country", _("“%(code)s” is not a known country code.") % {"code": facts.country}))
    if facts.status not in iati_codes.STATUS_BY_CODE:
        problems.append(Problem("status", _("“%(code)s” is not an IATI activity status.") % {"code": facts.status}))
    if facts.lifecycle_stage not in codes.LIFECYCLE_BY_CODE:
        problems.append(
            Problem("lifecycle_stage", _("“%(code)s” is not a lifecycle stage.") % {"code": facts.lifecycle_stage})
        )
    for share in facts.countries:
        if share.code not in known_countries:
            problems.append(Problem("countries", _("“%(code)s” is not a known country code.") % {"code": share.code}))
    for code in facts.location_countries:
        if code and code not in known_countries:
            problems.append(Problem("locations", _("“%(code)s” is not a known country code.") % {"code": code}))
    sectors = dac_sectors()
    for share, vocabulary in zip(facts.sectors, facts.sector_vocabularies, strict=True):
        if vocabulary == iati_codes.DAC_VOCABULARY and share.code not in sectors:
            problems.append(
                Problem("sectors", _("“%(code)s” is not a DAC purpose code of the list.") % {"code": share.code})
            )
    for area in facts.areas:
        if area not in taxonomy.AREA_BY_CODE:
            problems.append(Problem("areas", _("“%(code)s” is not an area of action.") % {"code": area}))
    for role in facts.roles:
        if role not in iati_codes.ROLE_BY_CODE:
            problems.append(Problem("participations", _("“%(code)s” is not an IATI role.") % {"code": role}))
    for kind in facts.organisation_types:
        if kind and kind not in iati_codes.ORGANISATION_TYPE_BY_CODE:
            problems.append(
                Problem("participations", _("“%(code)s” is not an IATI organisation type.") % {"code": kind})
            )
    return problems


def check_programme(facts: ProgrammeFacts) -> list[Problem]:
    problems: list[Problem] = []
    if not facts.title_en.strip() and not facts.title_fr.strip():
        problems.append(Problem("title_en", _("Give the programme a title in English or French.")))
    if facts.iati_identifier and not IDENTIFIER_PATTERN.match(facts.iati_identifier):
        problems.append(
            Problem("iati_identifier", _("An IATI identifier has no spaces, slashes, question marks or hashes."))
        )
    if not CURRENCY_PATTERN.match(facts.default_currency):
        problems.append(Problem("default_currency", _("A currency is three capital letters (EUR, USD, XAF).")))
    if facts.years_committed is not None and not 0 <= facts.years_committed <= MAX_YEARS_COMMITTED:
        problems.append(Problem("years_committed", _("Years committed must be between 0 and 100.")))
    problems += _check_codes(facts)
    problems += _check_dates(facts)
    problems += check_percentages(facts.countries, field="countries")
    problems += check_percentages(facts.sectors, field="sectors")
    for name, values in (
        ("countries", [share.code for share in facts.countries]),
        ("sectors", [share.code for share in facts.sectors]),
        ("areas", list(facts.areas)),
    ):
        for value in _duplicates(values):
            problems.append(Problem(name, _("“%(code)s” is given twice.") % {"code": value}))
    if not all(facts.participants_named):
        problems.append(Problem("participations", _("Each participating organisation needs an account or a name.")))
    for latitude, longitude in facts.location_coordinates:
        if latitude is not None and not -90 <= latitude <= 90:
            problems.append(Problem("locations", _("A latitude is between -90 and 90.")))
        if longitude is not None and not -180 <= longitude <= 180:
            problems.append(Problem("locations", _("A longitude is between -180 and 180.")))
    problems += check_texts(facts.texts, multiline=MULTILINE)
    return problems


STAGE_ORDER = {term.code: position for position, term in enumerate(codes.LIFECYCLE_STAGES)}
PIPELINE, IMPLEMENTATION, FINALISATION, CLOSED = "1", "2", "3", "4"


def lifecycle_warnings(facts: ProgrammeFacts) -> list[str]:
    """What looks incoherent between the status, the lifecycle stage and the dates, without being refused: the
    team may know better (a closed programme whose evaluation is still being written)."""
    warnings = []
    stage = STAGE_ORDER.get(facts.lifecycle_stage, 0)
    if facts.status == PIPELINE and stage >= STAGE_ORDER["implementation"]:
        warnings.append(_("The programme is in the pipeline, yet its lifecycle stage is implementation or later."))
    if facts.status == IMPLEMENTATION and stage < STAGE_ORDER["implementation"]:
        warnings.append(_("The programme is being implemented, yet its lifecycle stage comes before implementation."))
    if facts.status in (FINALISATION, CLOSED) and stage < STAGE_ORDER["monitoring_evaluation"]:
        warnings.append(
            _(
                "The programme is finalised or closed, yet its lifecycle stage is not yet monitoring and evaluation "
                "or closure."
            )
        )
    if facts.status in (PIPELINE, IMPLEMENTATION) and facts.actual_end is not None:
        warnings.append(_("The programme has an actual end, yet its status says it has not ended."))
    if facts.status == PIPELINE and facts.actual_start is not None:
        warnings.append(_("The programme has an actual start, yet its status is pipeline."))
    if facts.requested_on and facts.start_date and facts.requested_on > facts.start_date:
        warnings.append(_("The request is dated after the programme's start."))
    return warnings
