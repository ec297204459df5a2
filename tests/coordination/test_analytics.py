"""Overlaps and gaps: worked cases and properties."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide.coordination.analytics import ACTOR, AREA, Gap, Need, Support, covers, gaps, overlaps, periods_meet

D = datetime.date


def _support(programme: int, partners: set[str], *, areas=(), actors=(), start=None, end=None, active=True) -> Support:
    return Support(programme, frozenset(partners), frozenset(areas), frozenset(actors), start, end, active)


def test_two_partners_on_one_actor_at_once_overlap() -> None:
    france = _support(1, {"FR"}, actors={10}, areas={"justice"}, start=D(2020, 1, 1), end=D(2022, 12, 31))
    eu = _support(2, {"EU"}, actors={10}, start=D(2022, 6, 1), end=D(2024, 12, 31))
    later = _support(3, {"UN"}, actors={10}, start=D(2030, 1, 1), end=D(2031, 1, 1))
    [overlap] = overlaps([france, eu, later])
    assert (overlap.kind, overlap.target, overlap.programmes) == (ACTOR, "10", (1, 2))
    assert overlap.partners == frozenset({"FR", "EU"})


def test_a_joint_programme_or_the_same_partner_twice_is_no_overlap() -> None:
    joint = _support(1, {"FR", "EU"}, areas={"justice"})
    again = _support(2, {"FR", "EU"}, areas={"justice"})
    assert overlaps([joint, again]) == []
    assert overlaps([_support(3, {"FR"}, areas={"prisons"}), _support(4, {"FR"}, areas={"prisons"})]) == []


def test_unknown_dates_are_open() -> None:
    assert periods_meet(_support(1, {"A"}), _support(2, {"B"}, start=D(2020, 1, 1), end=D(2020, 1, 2)))
    assert not periods_meet(
        _support(1, {"A"}, end=D(2019, 12, 31)), _support(2, {"B"}, start=D(2020, 1, 1), end=D(2020, 1, 2))
    )
    assert covers(_support(1, {"A"}, start=D(2020, 1, 1)), D(2040, 1, 1))


def test_gaps_are_the_actors_and_areas_nobody_supports() -> None:
    finding = Need("finding:budget-control:CF", "security_budgets", frozenset({10, 11}))
    support = _support(1, {"FR"}, actors={10}, start=D(2020, 1, 1), end=D(2025, 1, 1))
    found = gaps([finding], [support], on=D(2024, 1, 1))
    assert [(gap.kind, gap.target) for gap in found] == [(ACTOR, "11"), (AREA, "security_budgets")]
    # Ended, or not active: it covers nothing.
    assert len(gaps([finding], [support], on=D(2026, 1, 1))) == 3
    inactive = _support(2, {"EU"}, actors={10, 11}, areas={"security_budgets"}, active=False)
    assert len(gaps([finding], [inactive], on=D(2024, 1, 1))) == 3


dates = st.one_of(st.none(), st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31)))
# A few dates only, so that periods often end on the day another starts.
close_dates = st.one_of(st.none(), st.sampled_from([D(2020, 1, 1), D(2020, 6, 30), D(2021, 1, 1)]))


def _supports(dates: st.SearchStrategy[datetime.date | None]) -> st.SearchStrategy[list[Support]]:
    return st.lists(
        st.builds(
            _support,
            programme=st.integers(1, 10_000),
            partners=st.sets(st.sampled_from(["FR", "EU", "UN", "DE"]), min_size=1, max_size=2),
            areas=st.sets(st.sampled_from(["justice", "prisons", "borders"]), max_size=2),
            actors=st.sets(st.integers(1, 6), max_size=3),
            start=dates,
            end=dates,
            active=st.booleans(),
        ),
        max_size=6,
        unique_by=lambda support: support.programme,
    )


supports = _supports(dates)
close_supports = _supports(close_dates)
needs = st.lists(
    st.builds(
        Need,
        key=st.text("abc", min_size=1, max_size=4),
        area=st.one_of(st.none(), st.sampled_from(["justice", "prisons", "borders", "intelligence"])),
        actors=st.frozensets(st.integers(1, 8), max_size=3),
    ),
    max_size=5,
)


def _pairs(found: list[Support]) -> dict[tuple[str, str], set[tuple[int, int]]]:
    """The definition, read pair by pair: on each target, every two supports of different partners whose periods
    meet."""
    expected: dict[tuple[str, str], set[tuple[int, int]]] = {}
    for index, first in enumerate(found):
        for second in found[index + 1 :]:
            if first.partners == second.partners or not periods_meet(first, second):
                continue
            pair = (min(first.programme, second.programme), max(first.programme, second.programme))
            for actor in first.actors & second.actors:
                expected.setdefault((ACTOR, str(actor)), set()).add(pair)
            for area in first.areas & second.areas:
                expected.setdefault((AREA, area), set()).add(pair)
    return expected


many_supports = st.lists(
    st.builds(
        _support,
        programme=st.integers(1, 10_000),
        partners=st.sets(st.sampled_from(["FR", "EU", "UN"]), min_size=1, max_size=2),
        areas=st.sets(st.sampled_from(["justice", "prisons"]), max_size=1),
        start=close_dates,
        end=close_dates,
    ),
    max_size=40,
    unique_by=lambda support: support.programme,
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(supports, close_supports, many_supports))
def test_overlaps_are_the_programmes_of_every_pair_of_different_partners_whose_periods_meet(
    found: list[Support],
) -> None:
    """Each target's programmes are exactly those of the pairs the definition finds, and its partners theirs."""
    expected = _pairs(found)
    got = {(overlap.kind, overlap.target): overlap for overlap in overlaps(found)}
    assert set(got) == set(expected)
    for target, overlap in got.items():
        assert overlap.programmes == tuple(sorted({programme for pair in expected[target] for programme in pair}))
        involved = [support for support in found if support.programme in overlap.programmes]
        assert overlap.partners == frozenset().union(*(support.partners for support in involved))


def test_a_programme_meeting_only_its_own_partners_is_left_out() -> None:
    """Of three programmes on one area, the one whose period meets only that of its own partner's is not listed:
    the latest-ending programme before it is its own partner's, the other partner's ends before it starts."""
    early_eu = _support(1, {"EU"}, areas={"justice"}, start=D(2020, 1, 1), end=D(2020, 3, 31))
    france = _support(2, {"FR"}, areas={"justice"}, start=D(2020, 3, 1), end=D(2022, 12, 31))
    late_france = _support(3, {"FR"}, areas={"justice"}, start=D(2021, 1, 1), end=D(2021, 6, 30))
    [overlap] = overlaps([early_eu, france, late_france])
    assert overlap.programmes == (1, 2)
    assert overlap.partners == frozenset({"EU", "FR"})


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(supports, st.randoms())
def test_overlaps_do_not_depend_on_the_order_and_are_symmetric(found: list[Support], random) -> None:
    shuffled = list(found)
    random.shuffle(shuffled)
    assert overlaps(found) == overlaps(shuffled)
    by_id = {support.programme: support for support in found}
    for overlap in overlaps(found):
        # Every programme listed meets another listed one of other partners, whichever is read first.
        for programme in overlap.programmes:
            first = by_id[programme]
            assert any(
                by_id[other].partners != first.partners
                and periods_meet(first, by_id[other])
                and periods_meet(by_id[other], first)
                for other in overlap.programmes
                if other != programme
            )


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(needs, supports, st.integers(1, 8))
def test_supporting_an_uncovered_actor_removes_exactly_its_gaps(
    found_needs: list[Need], found: list[Support], actor: int
) -> None:
    on = D(2024, 6, 1)
    before = gaps(found_needs, found, on=on)
    helper = _support(99_999, {"NEW"}, actors={actor}, start=None, end=None)
    after = gaps(found_needs, [*found, helper], on=on)
    removed = [gap for gap in before if gap not in after]
    assert all(gap.kind == ACTOR and gap.target == str(actor) for gap in removed)
    assert [gap for gap in before if not (gap.kind == ACTOR and gap.target == str(actor))] == after


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(needs, supports)
def test_every_gap_is_uncovered(found_needs: list[Need], found: list[Support]) -> None:
    on = D(2024, 6, 1)
    active = [s for s in found if s.active and covers(s, on)]
    for gap in gaps(found_needs, found, on=on):
        assert isinstance(gap, Gap)
        if gap.kind == ACTOR:
            assert all(int(gap.target) not in s.actors for s in active)
        else:
            assert all(gap.target not in s.areas for s in active)
