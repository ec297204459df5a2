"""The risk listing (egide.duediligence.risk): each path by which an incident reaches a supported unit, without a
database."""

import datetime

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from egide.core.fuzzy_dates import DAY, MONTH, YEAR, FuzzyDate
from egide.duediligence.risk import Allegation, CommandPost, Link, Path, Period, risk_listing

UNIT, PARENT, GRANDPARENT, ELSEWHERE = 1, 2, 3, 9
LATE = Period(datetime.date(2020, 1, 1))
COMMANDER = 50


def fuzzy(text: str) -> FuzzyDate:
    return FuzzyDate.parse(text)


def post(
    actor_id: int = UNIT, start: str | None = "2012", end: str | None = "2015", *, ongoing: bool = False
) -> CommandPost:
    return CommandPost(
        id=100 + actor_id,
        person_id=COMMANDER,
        actor_id=actor_id,
        role="commander",
        start=fuzzy(start) if start else None,
        end=fuzzy(end) if end else None,
        ongoing=ongoing,
    )


def listing(
    allegations: list[Allegation],
    posts: list[CommandPost] = (),  # type: ignore[assignment]
    *,
    include_parents: bool = True,
    period: Period = LATE,
) -> dict[int, tuple[Link, ...]]:
    found = risk_listing(
        unit_id=UNIT,
        ancestors=[PARENT, GRANDPARENT],
        posts=posts,
        allegations=allegations,
        period=period,
        include_parents=include_parents,
    )
    return {item.incident_id: item.links for item in found}


def against_unit(incident: int, actor: int, occurred: str | None = "2014") -> Allegation:
    return Allegation(
        id=incident * 10, incident_id=incident, occurred=fuzzy(occurred) if occurred else None, actor_id=actor
    )


def against_commander(incident: int, occurred: str | None) -> Allegation:
    return Allegation(
        id=incident * 10 + 1, incident_id=incident, occurred=fuzzy(occurred) if occurred else None, person_id=COMMANDER
    )


def test_an_incident_alleged_against_the_unit_is_listed_whatever_its_date() -> None:
    found = listing([against_unit(1, UNIT, "1998"), against_unit(2, UNIT, None)])
    assert found == {
        1: (Link(Path.UNIT, 10, UNIT),),
        2: (Link(Path.UNIT, 20, UNIT),),
    }


def test_an_incident_alleged_against_another_unit_is_not_listed() -> None:
    assert listing([against_unit(1, ELSEWHERE)]) == {}


def test_through_a_parent_only_with_the_rule_on() -> None:
    allegations = [against_unit(1, PARENT), against_unit(2, GRANDPARENT)]
    assert listing(allegations, include_parents=True) == {
        1: (Link(Path.PARENT, 10, PARENT),),
        2: (Link(Path.PARENT, 20, GRANDPARENT),),
    }
    assert listing(allegations, include_parents=False) == {}


def test_through_a_commander_only_for_the_years_held() -> None:
    held = post(UNIT, "2012-06", "2015-03")
    allegations = [
        against_commander(1, "2011"),  # before
        against_commander(2, "2012"),  # the year they took command: counts for the whole year
        against_commander(3, "2012-05"),  # the month before they took command
        against_commander(4, "2014-07-14"),
        against_commander(5, "2015-03-31"),  # the last day of the month they left
        against_commander(6, "2015-04-01"),  # after
        against_commander(7, None),  # undated: cannot be placed within the post
    ]
    found = listing(allegations, [held])
    assert sorted(found) == [2, 4, 5]
    assert found[4] == (Link(Path.COMMANDER, 41, UNIT, held),)


def test_an_ongoing_post_covers_every_later_date_and_an_ended_post_without_end_covers_nothing() -> None:
    assert sorted(listing([against_commander(1, "2030")], [post(UNIT, "2012", None, ongoing=True)])) == [1]
    assert listing([against_commander(1, "2013")], [post(UNIT, "2012", None, ongoing=False)]) == {}


def test_a_post_without_start_covers_every_earlier_date() -> None:
    assert sorted(listing([against_commander(1, "1990")], [post(UNIT, None, "2015")])) == [1]


def test_a_commander_of_a_parent_counts_only_with_the_rule_on() -> None:
    posts = [post(PARENT, "2010", "2016")]
    allegations = [against_commander(1, "2013")]
    assert listing(allegations, posts, include_parents=True) == {1: (Link(Path.COMMANDER, 11, PARENT, posts[0]),)}
    assert listing(allegations, posts, include_parents=False) == {}


def test_a_command_elsewhere_brings_nothing() -> None:
    assert listing([against_commander(1, "2013")], [post(ELSEWHERE, "2010", "2016")]) == {}


def test_incidents_after_the_period_are_left_out() -> None:
    period = Period(datetime.date(2010, 1, 1), datetime.date(2014, 12, 31))
    found = listing(
        [against_unit(1, UNIT, "2014"), against_unit(2, UNIT, "2015"), against_unit(3, UNIT, None)], period=period
    )
    assert sorted(found) == [1, 3]


def test_every_link_of_an_incident_is_kept_unit_first_and_latest_incident_first() -> None:
    held = post(UNIT, "2012", "2016")
    found = risk_listing(
        unit_id=UNIT,
        ancestors=[PARENT],
        posts=[held],
        allegations=[
            against_commander(1, "2013"),
            against_unit(1, PARENT, "2013"),
            against_unit(1, UNIT, "2013"),
            against_unit(2, UNIT, "2016"),
        ],
        period=Period(datetime.date(2020, 1, 1)),
        include_parents=True,
    )
    assert [item.incident_id for item in found] == [2, 1]
    assert [link.path for link in found[1].links] == [Path.UNIT, Path.PARENT, Path.COMMANDER]


DATES = st.builds(
    lambda year, month, day, precision: (
        FuzzyDate(datetime.date(year, month, day), precision)
        if precision == DAY
        else FuzzyDate(datetime.date(year, month, 1), MONTH)
        if precision == MONTH
        else FuzzyDate(datetime.date(year, 1, 1), YEAR)
    ),
    st.integers(2000, 2010),
    st.integers(1, 12),
    st.integers(1, 28),
    st.sampled_from([DAY, MONTH, YEAR]),
)


@settings(max_examples=300, deadline=None)
@given(
    start=st.none() | DATES,
    end=st.none() | DATES,
    ongoing=st.booleans(),
    occurred=st.none() | DATES,
    actor=st.sampled_from([UNIT, PARENT, ELSEWHERE]),
    include_parents=st.booleans(),
)
def test_a_commanders_incident_is_listed_exactly_when_some_day_of_it_falls_within_the_post(
    start: FuzzyDate | None,
    end: FuzzyDate | None,
    ongoing: bool,
    occurred: FuzzyDate | None,
    actor: int,
    include_parents: bool,
) -> None:
    # people_services refuses a post that ends before it starts: not a post the rule ever meets.
    assume(start is None or end is None or end.last_day >= start.first_day)
    held = CommandPost(
        id=1, person_id=COMMANDER, actor_id=actor, role="commander", start=start, end=end, ongoing=ongoing
    )
    allegation = Allegation(id=1, incident_id=1, occurred=occurred, person_id=COMMANDER)
    found = risk_listing(
        unit_id=UNIT,
        ancestors=[PARENT],
        posts=[held],
        allegations=[allegation],
        period=Period(datetime.date(2000, 1, 1)),
        include_parents=include_parents,
    )
    # An independent reading: walk the incident's days and ask whether the post was held on one of them.
    reaches = actor == UNIT or (actor == PARENT and include_parents)
    placed = end is not None or ongoing
    within = False
    if occurred is not None and placed:
        day = occurred.first_day
        while day <= occurred.last_day and not within:
            after_start = start is None or day >= start.first_day
            before_end = end is None or day <= end.last_day
            within = after_start and before_end
            day += datetime.timedelta(days=1)
    assert (found != []) == (reaches and within)
