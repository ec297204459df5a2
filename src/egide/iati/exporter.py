"""Publishing programmes as an IATI 2.03 activity file.

The programmes are those the user may see (egide.programmes.selectors) and chooses (organisation, country, status);
only public ones are written unless the user explicitly publishes the others too, and nothing the programme holds
that is not public leaves with it (the actors of the map it supports are never written). The file is written one
activity at a time; the export is audited.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from egide.accounts.models import Confidentiality, Organisation
from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core.users import Caller
from egide.iati.models import IatiExport
from egide.iati.records import (
    Activity,
    Budget,
    DocumentLink,
    Indicator,
    Location,
    Money,
    Narratives,
    Participant,
    Period,
    Result,
    Share,
    Transaction,
)
from egide.iati.records import (
    Organisation as IatiOrganisation,
)
from egide.iati.writer import write_activities
from egide.money.models import Budget as BudgetRow
from egide.money.models import Transaction as TransactionRow
from egide.programmes.models import Participation, Programme
from egide.programmes.selectors import programmes_visible
from egide.results import progress
from egide.results.models import Disaggregation, UpdateStatus
from egide.results.models import Indicator as IndicatorRow
from egide.results.models import Period as PeriodRow
from egide.results.models import Result as ResultRow
from egide.results.models import Update as UpdateRow

# The platform's organisation types, as IATI's (where the organisation has not recorded its own).
ORGANISATION_TYPES = {
    "ministry": "10",
    "agency": "10",
    "mission": "10",
    "secretariat": "10",
    "multilateral": "40",
    "civil_society": "22",
    "research": "80",
    "other": "90",
}
BATCH = 500


@dataclass(frozen=True, slots=True)
class ExportChoice:
    organisation: Organisation | None = None
    country: str = ""
    status: str = ""
    include_non_public: bool = False


def programmes_to_publish(*, user: Caller, choice: ExportChoice) -> QuerySet[Programme]:
    programmes = programmes_visible(user=user).exclude(iati_identifier="")
    if not choice.include_non_public:
        programmes = programmes.filter(confidentiality=Confidentiality.PUBLIC)
    if choice.organisation is not None:
        programmes = programmes.filter(owner=choice.organisation)
    if choice.country:
        programmes = programmes.filter(country=choice.country)
    if choice.status:
        programmes = programmes.filter(status=choice.status)
    return programmes.select_related("owner", "iati").order_by("iati_identifier")


def _texts(english: str, french: str) -> Narratives:
    texts: Narratives = {}
    if english:
        texts["en"] = english
    if french:
        texts["fr"] = french
    return texts


def _organisation(
    organisation: Organisation | None, *, name: str = "", ref: str = "", kind: str = ""
) -> IatiOrganisation:
    if organisation is None:
        return IatiOrganisation(ref=ref, type=kind, name={"en": name} if name else {})
    return IatiOrganisation(
        ref=organisation.iati_identifier or ref,
        type=organisation.iati_type or ORGANISATION_TYPES.get(organisation.type, "90"),
        name=_texts(organisation.name_en, organisation.name_fr),
    )


def _reporting(programme: Programme) -> IatiOrganisation:
    """The owner organisation; for an imported programme without one, the publisher it was imported from."""
    if programme.owner is not None:
        return _organisation(programme.owner)
    provenance = getattr(programme, "iati", None)
    if provenance is not None:
        return _organisation(None, name=provenance.reporting_org_name, ref=provenance.reporting_org_ref)
    return IatiOrganisation()


def _value(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _dimensions(parts: Iterable[Disaggregation], value: Decimal | None) -> tuple[tuple[str, str], ...]:
    """The disaggregations IATI can say of a target or an actual: its dimensions, each category holding the whole
    value (IATI gives one value to a target and its dimensions)."""
    return tuple((part.dimension, part.category) for part in parts if value is not None and part.value == value)


def _period(period: PeriodRow, measure: str) -> Period:
    """The period, its actual the approved values' (the sum of a unit indicator's, the latest percentage, the latest
    narrative of a qualitative indicator: egide.results.progress); values not approved are not published."""
    approved: list[UpdateRow] = list(period.updates.all())  # prefetched: approved only
    reported = [progress.Reported(update.value, update.value_date, update.text, update.pk) for update in approved]
    actual_value = progress.period_actual(measure, reported)
    actual = progress.narrative(reported) if measure == progress.QUALITATIVE else _value(actual_value)
    only = approved[0] if len(approved) == 1 else None
    return Period(
        start=period.start,
        end=period.end,
        target=_value(period.target_value) or period.target_comment,
        actual=actual,
        target_dimensions=_dimensions(period.target_disaggregations.all(), period.target_value),
        actual_dimensions=_dimensions(only.disaggregations.all(), actual_value) if only is not None else (),
    )


def _indicator(indicator: IndicatorRow) -> Indicator:
    return Indicator(
        measure=indicator.measure,
        ascending=indicator.ascending,
        title=_texts(indicator.title_en, indicator.title_fr),
        description=_texts(indicator.description_en, indicator.description_fr),
        baseline_year=indicator.baseline_date.year if indicator.baseline_date is not None else None,
        baseline_date=indicator.baseline_date,
        baseline_value=_value(indicator.baseline_value) or indicator.baseline_comment,
        periods=tuple(_period(period, indicator.measure) for period in indicator.periods.all()),
    )


def _results(programme: Programme) -> list[Result]:
    rows: list[ResultRow] = list(programme.results.all())
    return [
        Result(
            type=result.type,
            title=_texts(result.title_en, result.title_fr),
            description=_texts(result.description_en, result.description_fr),
            aggregation_status=result.aggregation_status,
            indicators=tuple(_indicator(indicator) for indicator in result.indicators.all()),
        )
        for result in rows
    ]


def activity_of(programme: Programme) -> Activity:
    """The programme as an IATI activity (its parts prefetched by `_activities`)."""
    dates = {
        kind: day
        for kind, day in (
            ("1", programme.planned_start),
            ("2", programme.actual_start),
            ("3", programme.planned_end),
            ("4", programme.actual_end),
        )
        if day is not None
    }
    participations: list[Participation] = list(programme.participations.all())
    budgets: list[BudgetRow] = list(programme.budgets.all())
    transactions: list[TransactionRow] = list(programme.transactions.all())
    description = _texts(programme.description_en, programme.description_fr)
    return Activity(
        identifier=programme.iati_identifier,
        version="2.03",
        default_language="en",
        default_currency=programme.default_currency,
        reporting_org=_reporting(programme),
        participants=[
            Participant(
                participation.role,
                _organisation(
                    participation.organisation,
                    name=participation.name,
                    ref=participation.iati_reference,
                    kind=participation.organisation_type,
                ),
            )
            for participation in participations
        ],
        titles=_texts(programme.title_en, programme.title_fr),
        descriptions=[("1", description)] if description else [],
        status=programme.status,
        dates=dates,
        recipient_countries=[Share(row.country, percentage=row.percentage) for row in programme.countries.all()],
        sectors=[Share(row.code, row.vocabulary, row.percentage) for row in programme.sectors.all()],
        locations=[
            Location(name={"en": place.name}, latitude=place.latitude, longitude=place.longitude)
            for place in programme.locations.all()
        ],
        documents=[
            DocumentLink(
                url=document.url,
                format="text/html",
                title=_texts(document.title_en, document.title_fr),
                categories=(document.category,),
                languages=(document.language,) if document.language else (),
                date=document.document_date,
            )
            for document in programme.documents.all()
            if document.url
        ],
        budgets=[
            Budget(
                budget.type,
                budget.status,
                budget.period_start,
                budget.period_end,
                Money(budget.value, budget.currency, budget.value_date),
            )
            for budget in budgets
        ],
        transactions=[
            Transaction(
                type=row.type,
                date=row.date,
                money=Money(row.value, row.currency, row.value_date),
                ref=row.reference,
                description={"en": row.description} if row.description else {},
                provider=_organisation(row.provider, name=row.provider_name, ref=row.provider_reference)
                if row.provider or row.provider_name or row.provider_reference
                else None,
                receiver=_organisation(row.receiver, name=row.receiver_name, ref=row.receiver_reference)
                if row.receiver or row.receiver_name or row.receiver_reference
                else None,
                sectors=(Share(row.sector_code, "1"),) if row.sector_code else (),
                recipient_country=row.recipient_country,
            )
            for row in transactions
        ],
        results=_results(programme),
    )


def _activities(programmes: QuerySet[Programme]) -> Iterator[Activity]:
    """The programmes' activities, their parts read BATCH programmes at a time."""
    parts = programmes.prefetch_related(
        "countries",
        "sectors",
        "locations",
        "documents",
        Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
        "budgets",
        Prefetch("transactions", queryset=TransactionRow.objects.select_related("provider", "receiver")),
        "results__indicators__periods__target_disaggregations",
        Prefetch(
            "results__indicators__periods__updates",
            queryset=UpdateRow.objects.filter(status=UpdateStatus.APPROVED).prefetch_related("disaggregations"),
        ),
    )
    yield from (activity_of(programme) for programme in parts.iterator(chunk_size=BATCH))


def activities_write(*, user: Caller, choice: ExportChoice, output: IO[bytes], comment: str = "") -> int:
    """Write the chosen programmes as one IATI 2.03 file to `output`, without a record of it (the public portal's
    open-data files, which anyone fetches at any time; `comment` carries their licences). Returns how many."""
    return write_activities(
        _activities(programmes_to_publish(user=user, choice=choice)), output, generated=timezone.now(), comment=comment
    )


def iati_export(*, user: Caller, choice: ExportChoice, output: IO[bytes]) -> int:
    """Write the chosen programmes as one IATI 2.03 file to `output`; audited. Returns how many."""
    count = activities_write(user=user, choice=choice, output=output)
    record = IatiExport.objects.create(
        organisation=choice.organisation,
        country=choice.country,
        status=choice.status,
        include_non_public=choice.include_non_public,
        activities=count,
    )
    audit_record(user=user, action=Action.EXPORT, instance=record, before=None, after={"activities": count})
    return count
