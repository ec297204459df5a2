"""The money of a country's programmes as flows and as a timeline, read through the access rules: the visible
programmes (egide.programmes.selectors), their participating organisations, areas, sectors and supported actors,
and their commitments, disbursements and expenditure with their providers and receivers (egide.money), converted
to the page's currency at each value date. A programme the reader may not see gives no record, so no amount of it
reaches a link, a bar or a sum. The diagram and the timeline themselves are pure (flows.py, timeline.py)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Sum

from egide.accounts.models import Organisation
from egide.actors.selectors import actors_visible
from egide.coordination.flows import COMMITMENT, DISBURSEMENT, EXPENDITURE, FlowRecord, Parties
from egide.coordination.shares import EQUAL, SECTORS, TRANSACTION, area_shares, transaction_area
from egide.core import taxonomy
from egide.core.labels import active_language
from egide.core.serial_plans import serial_plans
from egide.core.users import Caller
from egide.iati.models import ImportedActivity
from egide.money import conversion
from egide.money.models import Transaction
from egide.money.selectors import rate_table
from egide.programmes.models import Participation, ProgrammeArea, ProgrammeSector, SupportedActor
from egide.programmes.selectors import programmes_visible

KINDS = {"2": COMMITMENT, "3": DISBURSEMENT, "4": EXPENDITURE}
"""The IATI transaction types the flows read: commitments; disbursements and expenditure, as the matrix does."""
FUNDING, EXTENDING, IMPLEMENTING = "1", "3", "4"
BY_AREA, BY_ACTOR = "area", "actor"
OWN, IATI, BOTH = "own", "iati", "both"


def _row_order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """By programme, value date, type, currency, provider and receiver (no key last, as PostgreSQL orders them),
    then the names and the sector: a stable order, whatever the database returned."""
    return tuple((row[index] is None, row[index]) for index in (0, 3, 1, 2, 4, 6, 5, 7, 8))


def partner_key(organisation_id: int | None, name: str) -> str:
    """The key the matrix gives a partner: its organisation's id, else its name as written, case aside."""
    if organisation_id is not None:
        return f"org:{organisation_id}"
    return f"name:{name.strip().casefold()}" if name.strip() else ""


@dataclass(slots=True)
class CountryFlows:
    records: dict[str, list[tuple[datetime.date, FlowRecord]]]
    """"USD" and "EUR" → each day's amounts of a programme with its parties, in that currency."""
    parties: dict[int, Parties]
    partner_names: dict[str, str]
    column_names: dict[str, str]
    """A column's key (an area's code, or an actor's id as text) → its label, for the visible columns only."""
    rules: dict[str, int] = field(default_factory=dict)
    """How the programmes with money divide it among areas: EQUAL, SECTORS (and TRANSACTION records) → how many."""
    excluded: int = 0
    """Transactions of the period left out for want of an exchange rate."""


def country_flows(
    *,
    user: Caller,
    country: str,
    first_year: int,
    last_year: int,
    origin: str = BOTH,
    by: str = BY_AREA,
) -> CountryFlows:
    """The records of the visible programmes of `country` (of `origin`) with a value date in the years, their
    parties with columns by area of action or by supported actor (`by`), in dollars and in euros. The same number of
    queries whatever the number of programmes and transactions (the transactions summed in the database)."""
    visible = programmes_visible(user=user, country=country)
    provenance = ImportedActivity.objects.filter(programme=OuterRef("pk"))
    if origin == OWN:
        visible = visible.exclude(Exists(provenance))
    elif origin == IATI:
        visible = visible.filter(Exists(provenance))
    first, last = datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
    with serial_plans():
        rows = list(
            Transaction.objects.filter(
                programme__in=visible.values("pk"), type__in=sorted(KINDS), value_date__gte=first, value_date__lte=last
            )
            .values_list(
                "programme_id",
                "type",
                "currency",
                "value_date",
                "provider_id",
                "provider_name",
                "receiver_id",
                "receiver_name",
                "sector_code",
            )
            .annotate(total=Sum("value"))
            # Grouped without an order: ordered, PostgreSQL read the programmes in the order of their keys, all the
            # countries' (parallel workers and all) to find those of one; sorted here instead, a few hundred rows.
            .order_by()
        )
    rows.sort(key=_row_order)
    with_money = {row[0] for row in rows}
    # What the programmes with money hold, read as plain values (no model instances), by the programmes' ids: a
    # large country's period holds hundreds of them (benchmarks/coordination.py).
    ids = sorted(with_money)
    french = active_language() == "fr"
    actor_names = {
        str(pk): (name_fr if french and name_fr else name_en)
        for pk, name_en, name_fr in actors_visible(user=user, country=country).values_list("id", "name_en", "name_fr")
    }
    by_role_of: dict[int, dict[str, set[str]]] = {
        pk: {FUNDING: set(), EXTENDING: set(), IMPLEMENTING: set()} for pk in ids
    }
    partner_names: dict[str, str] = {}
    for programme_id, role, organisation_id, name_en, name_fr, name in (
        Participation.objects.filter(programme_id__any_of=ids, role__in=(FUNDING, EXTENDING, IMPLEMENTING))
        .order_by("programme_id", "role", "id")
        .values_list(
            "programme_id", "role", "organisation_id", "organisation__name_en", "organisation__name_fr", "name"
        )
    ):
        key = partner_key(organisation_id, name)
        if not key:
            continue
        shown = (name_fr if french and name_fr else name_en) if organisation_id is not None else name
        partner_names.setdefault(key, shown.strip())
        by_role_of[programme_id][role].add(key)
    areas_of: dict[int, list[str]] = {pk: [] for pk in ids}
    for programme_id, area in (
        ProgrammeArea.objects.filter(programme_id__any_of=ids)
        .order_by("programme_id", "area")
        .values_list("programme_id", "area")
    ):
        areas_of[programme_id].append(area)
    sectors_of: dict[int, list[tuple[str, str, Decimal | None]]] = {pk: [] for pk in ids}
    actors_of: dict[int, list[str]] = {pk: [] for pk in ids}
    if by == BY_ACTOR:
        for programme_id, actor_id in (
            SupportedActor.objects.filter(programme_id__any_of=ids).order_by().values_list("programme_id", "actor_id")
        ):
            actors_of[programme_id].append(str(actor_id))
    else:
        for programme_id, vocabulary, code, percentage in (
            ProgrammeSector.objects.filter(programme_id__any_of=ids)
            .order_by()
            .values_list("programme_id", "vocabulary", "code", "percentage")
        ):
            sectors_of[programme_id].append((vocabulary, code, percentage))
    parties: dict[int, Parties] = {}
    rules: dict[str, int] = {EQUAL: 0, SECTORS: 0}
    for pk in ids:
        by_role = by_role_of[pk]
        if by == BY_ACTOR:
            actors = sorted(actor for actor in actors_of[pk] if actor in actor_names)
            columns, weights = tuple(actors), tuple(Decimal(1) for _actor in actors)
        else:
            shares = area_shares(areas_of[pk], sectors_of[pk])
            columns, weights = shares.areas, shares.weights
            if shares.areas:
                rules[shares.rule] += 1
        parties[pk] = Parties(
            funders=frozenset(by_role[FUNDING]),
            implementers=frozenset(by_role[IMPLEMENTING] or by_role[EXTENDING]),
            columns=columns,
            weights=weights,
        )
    unnamed = {
        organisation
        for row in rows
        for organisation in (row[4], row[6])
        if organisation is not None and f"org:{organisation}" not in partner_names
    }
    for organisation in Organisation.objects.filter(pk__in=unnamed).only("name_en", "name_fr"):
        partner_names[f"org:{organisation.pk}"] = organisation.name
    table = rate_table(currencies={row[2] for row in rows}, years=range(first_year, last_year + 1))
    records: dict[str, list[tuple[datetime.date, FlowRecord]]] = {target: [] for target in conversion.TARGETS}
    excluded = 0
    transaction_rule = 0
    for programme_id, kind, code, value_date, provider_id, provider, receiver_id, receiver, sector, total in rows:
        if programme_id not in parties:
            continue
        converted = conversion.convert(total, code, value_date, table)
        if not converted.complete:
            excluded += 1
            continue
        provider_key = partner_key(provider_id, provider)
        receiver_key = partner_key(receiver_id, receiver)
        for key, name in ((provider_key, provider), (receiver_key, receiver)):
            if key:
                partner_names.setdefault(key, name.strip())
        column = transaction_area(sector, areas_of[programme_id]) if by == BY_AREA and sector else None
        transaction_rule += column is not None
        for target in conversion.TARGETS:
            amount = converted.in_currency(target)
            assert amount is not None
            record = FlowRecord(programme_id, KINDS[kind], amount, provider_key or None, receiver_key or None, column)
            records[target].append((value_date, record))
    column_names = actor_names if by == BY_ACTOR else {term.code: term.label for term in taxonomy.AREAS_OF_ACTION}
    return CountryFlows(
        records=records,
        parties=parties,
        partner_names=partner_names,
        column_names=column_names,
        rules=rules | {TRANSACTION: transaction_rule},
        excluded=excluded,
    )
