"""The dashboard's money read from the totals kept converted per layer (egide.money.layers) is, to the cent, what
converting the sums of every programme the reader sees gives (`money_direct`): on random programmes of three
organisations in three countries, for the owner's members, an outsider, an organisation a restricted programme is
shared with, a member whose membership covers one country, a signed-in user of no organisation and an anonymous
visitor; and it stays so after each kind of change (money, levels, owners, countries, areas, shares, rates, a
deletion), as a rebuild from scratch would write it."""

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Confidentiality, Organisation, Role, Share
from egide.accounts.selectors import PLATFORM
from egide.coordination.dashboard_money import Money, dashboard_money, money_direct
from egide.money import layers, services, sums
from egide.money.conversion import RateRow
from egide.money.data import RateData
from egide.money.models import ExchangeRate, MoneyLayerTotal, MoneyLevelSum, Transaction
from egide.programmes.models import Programme, ProgrammeArea
from tests.conftest import make_user

COUNTRIES = ["CF", "TD", "ML"]
AREAS = ["justice", "prisons", "police", "borders"]
LEVELS = [Confidentiality.PUBLIC, Confidentiality.PARTNERS, Confidentiality.ORGANISATION, Confidentiality.RESTRICTED]
CURRENCIES = ["USD", "EUR", "XOF", "GBP"]
RATES = [
    ("EUR", "year", datetime.date(2024, 1, 1), "0.8"),
    ("EUR", "year", datetime.date(2025, 1, 1), "0.9"),
    ("EUR", "month", datetime.date(2025, 3, 1), "0.95"),
    ("XOF", "year", datetime.date(2024, 1, 1), "600"),
    ("XOF", "year", datetime.date(2025, 1, 1), "3"),
    ("XOF", "day", datetime.date(2025, 3, 10), "7"),
    ("GBP", "year", datetime.date(2025, 1, 1), "0.75"),
]
READERS = ["owner", "member", "outsider", "sharer", "limited", "nobody", "anonymous"]


def _day(rng: random.Random) -> datetime.date:
    return datetime.date(2023, 6, 1) + datetime.timedelta(days=rng.randint(0, 900))


def _transactions(rng: random.Random, programme: Programme, count: int) -> None:
    for _ in range(count):
        day = rng.choice([_day(rng), datetime.date(2025, 3, 10)])
        Transaction.objects.create(
            programme=programme,
            type=rng.choice(["1", "2", "2", "3", "4"]),
            date=day,
            value_date=day,
            value=Decimal(rng.randint(-20_000, 900_000)) / 100,
            currency=rng.choice(CURRENCIES),
        )


def _world(rng: random.Random, organisations: list[Organisation]) -> list[Programme]:
    for currency, period, starts_on, rate in RATES:
        ExchangeRate.objects.create(currency=currency, period=period, starts_on=starts_on, rate=Decimal(rate))
    programmes = []
    for number in range(36):
        programme = Programme.objects.create(
            country=rng.choice(COUNTRIES),
            iati_identifier=f"XM-LAYER-{number}",
            title_en=f"Programme {number}",
            status="2",
            owner=rng.choice([*organisations, None]),
            confidentiality=rng.choice(LEVELS),
        )
        for area in rng.sample(AREAS, rng.randint(0, 3)):
            ProgrammeArea.objects.create(programme=programme, area=area)
        _transactions(rng, programme, rng.randint(0, 8))
        programmes.append(programme)
    sums.sums_of_programmes_rebuild([programme.pk for programme in programmes])
    return programmes


def _share(programme: Programme, organisation: Organisation) -> None:
    Share.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Programme),
        object_id=programme.pk,
        organisation=organisation,
        defaults={"country": programme.country},
    )


def _plain(money: Money) -> tuple[object, ...]:
    return (
        dict(money.total),
        dict(money.excluded),
        {country: dict(areas) for country, areas in money.by_area.items() if areas},
    )


def _kept() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    levels = sorted(
        MoneyLevelSum.objects.values_list(
            "level", "country", "flow", "area", "parts", "currency", "bucket", "grain", "amount", "count"
        )
    )
    totals = sorted(
        MoneyLayerTotal.objects.values_list(
            "layer", "country", "flow", "area", "parts", "target", "value", "converted", "excluded"
        )
    )
    return levels, totals


def _check(readers: dict[str, Any]) -> None:
    """Every reader's money in both currencies and both flows is the direct computation's, and the kept sums and
    totals are those a rebuild writes."""
    for name, user in readers.items():
        for currency in ("USD", "EUR"):
            for flow in ("committed", "spent"):
                arguments = {"user": user, "countries": COUNTRIES, "currency": currency, "flow": flow}
                assert _plain(dashboard_money(**arguments)) == _plain(money_direct(**arguments)), (name, currency, flow)
    kept = _kept()
    layers.rebuild()
    assert _kept() == kept


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_the_layers_give_every_reader_the_direct_cents_through_every_change(
    seed: int, organisation: Organisation, other_organisation: Organisation
) -> None:
    rng = random.Random(seed)
    third = Organisation.objects.create(name_en="Third", name_fr="Tiers", acronym="THIRD")
    organisations = [organisation, other_organisation, third]
    readers: dict[str, Any] = {
        "owner": make_user("owner", organisation, Role.ADMINISTRATOR),
        "member": make_user("member", organisation, Role.VIEWER),
        "outsider": make_user("outsider", other_organisation, Role.EDITOR),
        "sharer": make_user("sharer", third, Role.VIEWER),
        "limited": make_user("limited", other_organisation, Role.VIEWER, countries=["CF"]),
        "nobody": make_user("nobody"),
        "anonymous": AnonymousUser(),
    }
    assert set(readers) == set(READERS)
    programmes = _world(rng, organisations)
    for programme in programmes:
        if programme.confidentiality == Confidentiality.RESTRICTED and rng.random() < 0.6:
            _share(programme, third)
    _check(readers)
    assert MoneyLayerTotal.objects.filter(layer=layers.PARTNERS).exists()
    assert MoneyLayerTotal.objects.filter(layer=layers.PUBLIC).exists()

    # Money written again through the services' hook.
    for programme in rng.sample(programmes, 6):
        _transactions(rng, programme, 3)
        Transaction.objects.filter(pk__in=Transaction.objects.filter(programme=programme).values("pk")[:1]).delete()
        services.programme_sums_refresh(programme_ids=[programme.pk])
    _check(readers)

    # A programme's level, owner and country changed (the signal counts it again under its class).
    for programme in rng.sample(programmes, 8):
        programme.confidentiality = rng.choice(LEVELS)
        programme.owner = rng.choice([*organisations, None])
        programme.country = rng.choice(COUNTRIES)
        programme.save()
    _check(readers)

    # Areas added and removed one by one (the admin), and replaced in bulk then saved (the programme services).
    for programme in rng.sample(programmes, 6):
        first = ProgrammeArea.objects.filter(programme=programme).first()
        if first is not None:
            first.delete()
        ProgrammeArea.objects.get_or_create(programme=programme, area=rng.choice(AREAS))
    for programme in rng.sample(programmes, 4):
        ProgrammeArea.objects.filter(programme=programme).delete()
        ProgrammeArea.objects.bulk_create(
            [ProgrammeArea(programme=programme, area=area) for area in rng.sample(AREAS, rng.randint(1, 3))]
        )
        programme.title_en += " (areas changed)"
        programme.save()
    _check(readers)

    # Shares: the reader of the third organisation sees more restricted programmes.
    for programme in programmes:
        programme.refresh_from_db()
        if programme.confidentiality == Confidentiality.RESTRICTED:
            _share(programme, third)
    _check(readers)

    # Rates: one added, one changed, one deleted (signals), a daily rate through the service, a file's load.
    ExchangeRate.objects.create(currency="GBP", period="year", starts_on=datetime.date(2024, 1, 1), rate=Decimal("0.7"))
    euro = ExchangeRate.objects.get(currency="EUR", period="year", starts_on=datetime.date(2025, 1, 1))
    euro.rate = Decimal("0.93")
    euro.save()
    ExchangeRate.objects.get(currency="XOF", period="day").delete()
    _check(readers)
    services.rate_create(
        user=PLATFORM,
        data=RateData(currency="XOF", period="day", starts_on=datetime.date(2024, 8, 8), rate=Decimal("650")),
    )
    services.rates_load(
        user=PLATFORM,
        rows=[
            RateRow("XOF", "year", datetime.date(2023, 1, 1), Decimal("610")),
            RateRow("EUR", "year", datetime.date(2024, 1, 1), Decimal("0.81")),
        ],
    )
    _check(readers)

    # A programme deleted.
    for programme in rng.sample(programmes, 4):
        programme.delete()
    _check(readers)


@pytest.mark.django_db
def test_superusers_and_readers_of_nothing_get_what_the_direct_computation_gives(
    organisation: Organisation, verified_superuser: User
) -> None:
    rng = random.Random(7)
    _world(rng, [organisation])
    for user in (verified_superuser, make_user("lonely")):
        arguments = {"user": user, "countries": COUNTRIES, "currency": "EUR", "flow": "spent"}
        assert _plain(dashboard_money(**arguments)) == _plain(money_direct(**arguments))
    empty = dashboard_money(user=verified_superuser, countries=[], currency="USD", flow="committed")
    assert _plain(empty) == ({}, {}, {})


@pytest.mark.django_db(transaction=True)  # each write commits: the lock is released at the end of each
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer at a time")
def test_the_layers_are_changed_one_transaction_at_a_time(organisation: Organisation) -> None:
    """Writing a programme's sums holds the layers' lock until the transaction ends: another writer waits."""
    programme = _world(random.Random(3), [organisation])[0]

    def held() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                "AND objid = %s AND granted",
                [layers.LOCK % 2**32],
            )
            return bool(cursor.fetchone()[0])

    with transaction.atomic():
        assert not held()
        services.programme_sums_refresh(programme_ids=[programme.pk])
        assert held()
    assert not held()


@pytest.mark.django_db
def test_sums_written_again_unchanged_leave_the_layers_untouched(organisation: Organisation) -> None:
    """The level sums and totals are changed by the net difference only: a programme's sums written again as they
    were (an unchanged re-import) write neither, and a changed one still gives the rebuild's values."""
    programmes = _world(random.Random(5), [organisation])
    kept = _kept()
    with CaptureQueriesContext(connection) as queries:
        sums.sums_of_programmes_rebuild([programme.pk for programme in programmes])
    written = [
        query["sql"]
        for query in queries.captured_queries
        if any(table in query["sql"] for table in ("money_moneylevelsum", "money_moneylayertotal"))
    ]
    assert written == []
    assert _kept() == kept
    counted = next(
        programme
        for programme in programmes
        if programme.confidentiality in (Confidentiality.PUBLIC, Confidentiality.PARTNERS)
        and Transaction.objects.filter(programme=programme, type__in=["2", "3", "4"]).exists()
    )
    Transaction.objects.filter(programme=counted, type__in=["2", "3", "4"]).update(value=Decimal("12345.67"))
    sums.sums_of_programmes_rebuild([counted.pk])
    changed = _kept()
    assert changed != kept
    layers.rebuild()
    assert _kept() == changed
