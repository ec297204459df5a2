"""The country timeline's builder: plain items in, rows of bars and points out (no database)."""

import datetime

from egide.programmes.timeline import (
    ACTUAL,
    DOCUMENT,
    MISSION,
    PLANNED,
    PROGRAMME,
    Span,
    TimelineItem,
    timeline_build,
)

TODAY = datetime.date(2026, 12, 1)


def day(year: int, month: int = 1, date: int = 1) -> datetime.date:
    return datetime.date(year, month, date)


def programme(key: str, planned: Span | None = None, actual: Span | None = None, **fields: object) -> TimelineItem:
    return TimelineItem(kind=PROGRAMME, key=key, label=f"Programme {key}", planned=planned, actual=actual, **fields)  # type: ignore[arg-type]


def test_a_programme_with_planned_and_actual_dates_has_both_bars() -> None:
    item = programme("1", planned=Span(day(2005), day(2009, 12, 31)), actual=Span(day(2005, 6), day(2010, 3, 31)))

    [row] = timeline_build([item], today=TODAY).rows

    planned, actual = row.bar(PLANNED), row.bar(ACTUAL)
    assert planned is not None
    assert (planned.start, planned.end, planned.open) == (day(2005), day(2009, 12, 31), False)
    assert actual is not None
    assert (actual.start, actual.end, actual.open) == (day(2005, 6), day(2010, 3, 31), False)
    assert [bar.phase for bar in row.bars] == [PLANNED, ACTUAL]


def test_a_bar_without_an_end_runs_to_today_and_is_open() -> None:
    [row] = timeline_build([programme("1", actual=Span(day(2008, 4), None))], today=TODAY).rows

    assert row.bars[0].end == TODAY
    assert row.bars[0].open is True


def test_an_open_bar_that_starts_after_today_ends_where_it_starts() -> None:
    [row] = timeline_build([programme("1", planned=Span(day(2030), None))], today=TODAY).rows

    assert (row.bars[0].start, row.bars[0].end) == (day(2030), day(2030))


def test_an_end_before_the_start_is_read_as_the_start() -> None:
    [row] = timeline_build([programme("1", planned=Span(day(2010), day(2009)))], today=TODAY).rows

    assert (row.bars[0].start, row.bars[0].end, row.bars[0].open) == (day(2010), day(2010), False)


def test_a_span_without_a_start_has_no_bar_and_the_item_stays_in_the_table_as_undated() -> None:
    timeline = timeline_build([programme("1", planned=Span(None, day(2010)))], today=TODAY)

    [row] = timeline.rows
    assert row.bars == ()
    assert timeline.undated_rows == (row,)
    assert timeline.dated_rows == ()
    assert (timeline.start, timeline.end) == (None, None)


def test_a_document_is_a_point_at_its_date() -> None:
    item = TimelineItem(kind=DOCUMENT, key="document-1", label="Resolution 2151", day=day(2014, 4, 28))

    timeline = timeline_build([item], today=TODAY)

    [row] = timeline.rows
    assert row.bars == ()
    assert row.dated
    assert (timeline.start, timeline.end) == (day(2014), day(2014, 12, 31))
    assert timeline.as_data()["rows"][0]["day"] == "2014-04-28"


def test_rows_come_by_kind_then_by_first_date_then_by_label_with_the_undated_last() -> None:
    items = [
        TimelineItem(kind=DOCUMENT, key="d", label="Statement", day=day(2011, 10, 12)),
        TimelineItem(kind=MISSION, key="m", label="EULEX", actual=Span(day(2008, 4), None)),
        programme("late", planned=Span(day(2009), day(2012))),
        programme("undated"),
        programme("early", actual=Span(day(1999), None)),
        programme("early-b", planned=Span(day(1999), day(2001))),
    ]

    keys = [row.item.key for row in timeline_build(items, today=TODAY).rows]

    assert keys == ["early", "early-b", "late", "undated", "m", "d"]


def test_the_timeline_spans_whole_years_from_the_first_date_to_the_last_open_end() -> None:
    items = [
        programme("1", planned=Span(day(2005, 3, 4), day(2009, 6, 30))),
        TimelineItem(kind=MISSION, key="m", label="UNMIK", actual=Span(day(1999, 6, 10), None)),
    ]

    timeline = timeline_build(items, today=TODAY)

    assert (timeline.start, timeline.end) == (day(1999), day(2026, 12, 31))


def test_the_data_for_the_chart_names_kinds_phases_totals_and_bars_in_iso_dates() -> None:
    item = programme(
        "7",
        planned=Span(day(2007), day(2009)),
        actual=Span(day(2007, 5), None),
        status="2",
        status_label="Implementation",
    )

    data = timeline_build([item], today=TODAY, totals={PROGRAMME: 12}).as_data()

    assert data["start"] == "2007-01-01"
    assert data["end"] == "2026-12-31"
    assert data["today"] == "2026-12-01"
    assert data["totals"] == {PROGRAMME: 12, MISSION: 0, DOCUMENT: 0}
    assert [kind["code"] for kind in data["kinds"]] == [PROGRAMME, MISSION, DOCUMENT]
    [row] = data["rows"]
    assert row["key"] == "7"
    assert row["status_label"] == "Implementation"
    assert row["bars"] == [
        {"phase": PLANNED, "phase_label": "Planned", "start": "2007-01-01", "end": "2009-01-01", "open": False},
        {"phase": ACTUAL, "phase_label": "Actual", "start": "2007-05-01", "end": "2026-12-01", "open": True},
    ]


def test_labels_follow_the_active_language() -> None:
    from django.utils import translation

    item = programme("1", planned=Span(day(2007), day(2009)))
    with translation.override("fr"):
        data = timeline_build([item], today=TODAY).as_data()

    assert data["rows"][0]["kind_label"] == "Programme"
    assert data["rows"][0]["bars"][0]["phase_label"] == "Prévu"
    assert [kind["label"] for kind in data["kinds"]][2] == "Document de référence"
