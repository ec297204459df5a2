"""The Sankey diagram's flows, the timeline and the area shares as pure functions: money is conserved at every
implementer, nothing flows backwards, an organisation that funds and implements is two nodes, splits add up to the
cent, and the timeline agrees with the diagram."""

import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide.coordination.analytics import shares
from egide.coordination.flows import (
    COLUMN,
    COMMITMENT,
    DISBURSEMENT,
    EXPENDITURE,
    FUNDER,
    IMPLEMENTER,
    LAYERS,
    NOT_GIVEN,
    FlowRecord,
    Parties,
    build_flows,
    grouped,
)
from egide.coordination.shares import EQUAL, SECTORS, area_shares, split, transaction_area
from egide.coordination.timeline import QUARTER, YEAR, periods, timeline

PARTNERS = st.sampled_from(["org:1", "org:2", "name:ngo", "name:ministry"])
COLUMNS = st.sampled_from(["justice", "prisons", "borders"])
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""No deadline: the tests check behaviour, and the machine they run on may be loaded."""
AMOUNTS = st.integers(min_value=0, max_value=10**9).map(lambda cents: Decimal(cents) / 100)


@st.composite
def programme_parties(draw: st.DrawFn) -> Parties:
    columns = tuple(sorted(draw(st.sets(COLUMNS, max_size=3))))
    weights = tuple(Decimal(draw(st.integers(min_value=1, max_value=100))) for _column in columns)
    return Parties(
        funders=frozenset(draw(st.sets(PARTNERS, max_size=3))),
        implementers=frozenset(draw(st.sets(PARTNERS, max_size=3))),
        columns=columns,
        weights=weights,
    )


@st.composite
def cases(
    draw: st.DrawFn, amounts: st.SearchStrategy[Decimal] = AMOUNTS
) -> tuple[list[FlowRecord], dict[int, Parties]]:
    parties = draw(st.dictionaries(st.integers(min_value=1, max_value=5), programme_parties(), min_size=1, max_size=5))
    records = draw(
        st.lists(
            st.builds(
                FlowRecord,
                programme=st.sampled_from([*sorted(parties), 99]),  # 99: a programme without parties
                kind=st.sampled_from([COMMITMENT, DISBURSEMENT, EXPENDITURE]),
                amount=amounts,
                provider=st.none() | PARTNERS,
                receiver=st.none() | PARTNERS,
                column=st.none() | COLUMNS,
            ),
            max_size=25,
        )
    )
    return records, parties


@PROPERTY
@given(cases())
def test_money_is_conserved_at_every_implementer(case: tuple[list[FlowRecord], dict[int, Parties]]) -> None:
    records, parties = case
    flows = build_flows(records, parties)
    implementers = [node for node in flows.nodes() if node[0] == IMPLEMENTER]
    for node in implementers:
        assert flows.inflow(node) == flows.outflow(node) > 0
    total = sum((record.amount for record in records), Decimal(0))
    assert flows.total() == total
    columns_in = sum((value for (_source, target), value in flows.links.items() if target[0] == COLUMN), Decimal(0))
    assert columns_in == total
    assert flows.left_out == 0


@PROPERTY
@given(cases())
def test_links_go_forward_one_layer_so_there_is_no_cycle(case: tuple[list[FlowRecord], dict[int, Parties]]) -> None:
    records, parties = case
    flows = build_flows(records, parties)
    for (source, target), value in flows.links.items():
        assert LAYERS.index(target[0]) == LAYERS.index(source[0]) + 1
        assert value > 0


@PROPERTY
@given(cases(amounts=st.integers(min_value=-(10**6), max_value=10**6).map(lambda cents: Decimal(cents) / 100)))
def test_negative_amounts_never_draw_a_negative_link(case: tuple[list[FlowRecord], dict[int, Parties]]) -> None:
    records, parties = case
    flows = build_flows(records, parties)
    assert all(value > 0 for value in flows.links.values())


def test_a_partner_that_funds_and_implements_is_two_nodes() -> None:
    parties = {1: Parties(frozenset({"org:1"}), frozenset({"org:1"}), ("justice",), (Decimal(1),))}
    flows = build_flows([FlowRecord(1, DISBURSEMENT, Decimal("100.00"))], parties)
    assert flows.links == {
        ((FUNDER, "org:1"), (IMPLEMENTER, "org:1")): Decimal("100.00"),
        ((IMPLEMENTER, "org:1"), (COLUMN, "justice")): Decimal("100.00"),
    }


def test_parties_from_the_transaction_then_from_the_programme() -> None:
    parties = {
        1: Parties(
            frozenset({"org:donor"}),
            frozenset({"org:ngo", "org:agency"}),
            ("justice", "prisons"),
            (Decimal(75), Decimal(25)),
        )
    }
    flows = build_flows(
        [
            # A disbursement naming its provider and receiver: they are the funder and the implementer.
            FlowRecord(1, DISBURSEMENT, Decimal("100.00"), provider="org:other", receiver="org:ngo"),
            # An expenditure is spent by its provider; its receiver (a supplier) is no partner.
            FlowRecord(1, EXPENDITURE, Decimal("10.00"), provider="org:ngo", receiver="name:garage"),
            # Nothing named: the programme's funder and its two implementers, equally.
            FlowRecord(1, DISBURSEMENT, Decimal("1.01")),
            # The transaction's own sector names one area: all of it goes there.
            FlowRecord(1, DISBURSEMENT, Decimal("8.00"), provider="org:donor", receiver="org:agency", column="prisons"),
        ],
        parties,
    )
    assert flows.links[((FUNDER, "org:other"), (IMPLEMENTER, "org:ngo"))] == Decimal("100.00")
    assert flows.links[((FUNDER, "org:donor"), (IMPLEMENTER, "org:ngo"))] == Decimal("10.00") + Decimal("0.50")
    assert flows.links[((FUNDER, "org:donor"), (IMPLEMENTER, "org:agency"))] == Decimal("0.51") + Decimal("8.00")
    assert flows.links[((IMPLEMENTER, "org:agency"), (COLUMN, "prisons"))] == Decimal("0.13") + Decimal("8.00")
    assert flows.links[((IMPLEMENTER, "org:ngo"), (COLUMN, "justice"))] == Decimal("75.00") + Decimal("7.50") + Decimal(
        "0.38"
    )
    assert (IMPLEMENTER, "name:garage") not in flows.nodes()


def test_nothing_named_anywhere_goes_to_not_given_nodes() -> None:
    flows = build_flows([FlowRecord(7, COMMITMENT, Decimal("5.00"))], {})
    assert flows.links == {
        ((FUNDER, NOT_GIVEN), (IMPLEMENTER, NOT_GIVEN)): Decimal("5.00"),
        ((IMPLEMENTER, NOT_GIVEN), (COLUMN, NOT_GIVEN)): Decimal("5.00"),
    }


def test_links_that_net_to_nothing_are_left_out_and_counted() -> None:
    parties = {1: Parties(frozenset({"org:1"}), frozenset({"org:2"}), ("justice",), (Decimal(1),))}
    flows = build_flows(
        [FlowRecord(1, COMMITMENT, Decimal("50.00")), FlowRecord(1, COMMITMENT, Decimal("-50.00"))], parties
    )
    assert flows.links == {}
    assert flows.left_out == 2


@PROPERTY
@given(
    st.integers(min_value=-(10**9), max_value=10**9).map(lambda cents: Decimal(cents) / 100),
    st.lists(st.integers(min_value=0, max_value=1000).map(Decimal), min_size=1, max_size=8).filter(any),
)
def test_split_adds_up_to_the_cent_and_follows_the_weights(amount: Decimal, weights: list[Decimal]) -> None:
    parts = split(amount, weights)
    assert sum(parts) == amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - amount * weight / total) < Decimal("0.01")
        if weight == 0:
            assert part == 0


@PROPERTY
@given(st.integers(min_value=0, max_value=10**9).map(lambda cents: Decimal(cents) / 100), st.integers(1, 9))
def test_equal_weights_split_as_the_matrix_always_did(amount: Decimal, parts: int) -> None:
    assert split(amount, [Decimal(1)] * parts) == shares(amount, parts)


def test_area_shares_from_sector_percentages_only_when_every_area_has_one() -> None:
    by_sectors = area_shares(
        ["prisons", "justice"], [("1", "15130", Decimal(60)), ("1", "15137", Decimal(30)), ("1", "15210", Decimal(10))]
    )
    assert by_sectors.rule == SECTORS
    assert by_sectors.divide(Decimal("90.00")) == [("justice", Decimal("60.00")), ("prisons", Decimal("30.00"))]
    # Borders has no sector naming it: equal shares, said as such.
    partial = area_shares(["justice", "borders"], [("1", "15130", Decimal(100))])
    assert partial.rule == EQUAL
    assert partial.divide(Decimal("10.00")) == [("borders", Decimal("5.00")), ("justice", Decimal("5.00"))]
    # Another vocabulary's code, or no percentage, gives nothing.
    assert area_shares(["justice"], [("2", "15130", Decimal(100))]).rule == EQUAL
    assert area_shares(["justice"], [("1", "15130", None)]).rule == EQUAL
    assert area_shares([], [("1", "15130", Decimal(100))]).divide(Decimal(5)) == []
    assert transaction_area("15137", ["prisons", "justice"]) == "prisons"
    assert transaction_area("15137", ["justice"]) is None


def test_periods_by_year_and_quarter() -> None:
    assert periods(2024, 2025, YEAR) == ["2024", "2025"]
    assert periods(2025, 2025, QUARTER) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


@PROPERTY
@given(cases(), st.lists(st.dates(datetime.date(2023, 1, 1), datetime.date(2026, 12, 31)), min_size=25, max_size=25))
def test_the_timeline_agrees_with_the_diagram(
    case: tuple[list[FlowRecord], dict[int, Parties]], days: list[datetime.date]
) -> None:
    records, parties = case
    dated = list(zip(days, records, strict=False))
    line = timeline(dated, parties, first_year=2024, last_year=2025, step=QUARTER)
    inside = [record for day, record in dated if 2024 <= day.year <= 2025]
    flows = build_flows(inside, parties)
    by_funder = {item.partner: item.total_committed + item.total_spent for item in line.series}
    for node in flows.nodes():
        if node[0] == FUNDER:
            assert by_funder[node[1]] == flows.outflow(node)
    assert sum(by_funder.values(), Decimal(0)) == sum((record.amount for record in inside), Decimal(0))
    committed = sum((item.total_committed for item in line.series), Decimal(0))
    assert committed == sum((record.amount for record in inside if record.kind == COMMITMENT), Decimal(0))
    assert [item.total_committed + item.total_spent for item in line.series] == sorted(
        (item.total_committed + item.total_spent for item in line.series), reverse=True
    )


@PROPERTY
@given(cases(), st.integers(min_value=0, max_value=4))
def test_grouping_small_partners_keeps_the_money_where_it_goes(
    case: tuple[list[FlowRecord], dict[int, Parties]], keep: int
) -> None:
    records, parties = case
    flows = build_flows(records, parties)
    fewer = grouped(flows, keep=keep)
    assert fewer.total() == flows.total()
    for layer in (FUNDER, IMPLEMENTER):
        nodes = [node for node in fewer.nodes() if node[0] == layer]
        assert len(nodes) <= keep + 1
        for node in nodes:
            assert fewer.outflow(node) > 0
    for node in fewer.nodes():
        if node[0] == IMPLEMENTER:
            assert fewer.inflow(node) == fewer.outflow(node)
        if node[0] == COLUMN:
            assert fewer.inflow(node) == flows.inflow(node)
    per_layer = [len([node for node in flows.nodes() if node[0] == layer]) for layer in (FUNDER, IMPLEMENTER)]
    if max(per_layer) <= keep + 1:
        assert fewer.links == flows.links
    else:
        assert len(fewer.nodes()) < len(flows.nodes())
