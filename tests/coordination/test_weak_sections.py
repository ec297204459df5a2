"""Weak assessment sections as needs: worked cases and properties."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide.coordination.analytics import (
    AREA,
    SECTION,
    Need,
    SectionResult,
    Support,
    below,
    gaps,
    section_key,
    weak_sections,
)

D = datetime.date
BANDS = ("A", "B", "C", "D", "E", "F")
ON = D(2024, 6, 1)


def _support(programme: int, *, areas=(), actors=(), active=True) -> Support:
    return Support(programme, frozenset({f"P{programme}"}), frozenset(areas), frozenset(actors), None, None, active)


def test_below_compares_ranks_within_the_framework() -> None:
    assert below("D", BANDS, "C")
    assert not below("C", BANDS, "C")
    assert not below("A", BANDS, "C")
    assert not below(None, BANDS, "C")  # no score: nothing to compare
    assert not below("D", ("A", "B", "D"), "C")  # no band C to compare with
    assert below("D", ("A", "B", "D"), "B")


def test_a_weak_section_is_a_need_of_its_area_and_scope() -> None:
    weak = SectionResult(7, "justice", "justice", frozenset({3}), "E", BANDS)
    fair = SectionResult(7, "prisons", "prisons", frozenset({3}), "B", BANDS)
    [need] = weak_sections([weak, fair], threshold="C")
    assert need == Need(section_key(7, "justice"), "justice", frozenset({3}), SECTION)
    found = gaps([need], [_support(1, actors={3})], on=ON)
    assert [(gap.kind, gap.target) for gap in found] == [(AREA, "justice")]
    assert gaps([need], [_support(1, actors={3}, areas={"justice"})], on=ON) == []
    # A programme not in implementation covers nothing.
    assert len(gaps([need], [_support(1, actors={3}, areas={"justice"}, active=False)], on=ON)) == 2


results = st.lists(
    st.builds(
        SectionResult,
        assessment=st.integers(1, 4),
        section=st.sampled_from(["s1", "s2", "s3", "s4"]),
        area=st.one_of(st.none(), st.sampled_from(["justice", "prisons", "borders", "intelligence"])),
        actors=st.frozensets(st.integers(1, 6), max_size=3),
        band=st.one_of(st.none(), st.sampled_from(BANDS)),
        bands=st.just(BANDS),
    ),
    max_size=8,
)
supports = st.lists(
    st.builds(
        _support,
        programme=st.integers(1, 1000),
        areas=st.sets(st.sampled_from(["justice", "prisons", "borders"]), max_size=2),
        actors=st.sets(st.integers(1, 6), max_size=3),
        active=st.booleans(),
    ),
    max_size=5,
    unique_by=lambda support: support.programme,
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(results, supports, st.sampled_from(BANDS), st.sampled_from(["justice", "prisons", "borders", "intelligence"]))
def test_supporting_an_area_removes_exactly_its_gaps(
    sections: list[SectionResult], found: list[Support], threshold: str, area: str
) -> None:
    needs = weak_sections(sections, threshold=threshold)
    before = gaps(needs, found, on=ON)
    after = gaps(needs, [*found, _support(99_999, areas={area})], on=ON)
    assert [gap for gap in before if not (gap.kind == AREA and gap.target == area)] == after
    # Every gap of that area was there before and is gone now, and the test saw at least the case it asks about.
    if any(need.area == area for need in needs) and area not in {a for s in found if s.active for a in s.areas}:
        assert any(gap.kind == AREA and gap.target == area for gap in before)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(results, supports, st.integers(0, 5), st.integers(0, 5))
def test_raising_the_threshold_never_removes_a_gap(
    sections: list[SectionResult], found: list[Support], first: int, second: int
) -> None:
    lower, higher = BANDS[max(first, second)], BANDS[min(first, second)]  # a higher band is a higher threshold
    at_lower = gaps(weak_sections(sections, threshold=lower), found, on=ON)
    at_higher = gaps(weak_sections(sections, threshold=higher), found, on=ON)
    assert set(at_lower) <= set(at_higher)
