"""The pure parts of a brief: the sections chosen and their order, the bibliography's numbers, the drawings."""

import pytest

from egide.reports import charts, sections, system_figure
from egide.reports.bibliography import Bibliography, markers


def test_sections_are_taken_in_the_order_of_their_positions() -> None:
    data = {"section-context": "1", "position-context": "1", "section-summary": "1", "position-summary": "5"}
    assert sections.chosen_sections(data) == ["context", "summary"]
    # Without a position, a section keeps its default place; unticked ones are left out.
    assert sections.chosen_sections({"section-system": "1", "section-summary": "1"}) == ["summary", "system"]
    assert sections.chosen_sections({}) == []


def test_a_position_that_is_not_a_number_names_its_section() -> None:
    with pytest.raises(ValueError, match="governance"):
        sections.chosen_sections({"section-governance": "1", "position-governance": "first"})


def test_unknown_and_repeated_sections_are_dropped() -> None:
    assert sections.normalised(["summary", "cover", "nonsense", "summary", "sources", "context"]) == [
        "summary",
        "context",
    ]


def test_the_bibliography_numbers_sources_by_first_citation() -> None:
    bibliography = Bibliography()
    assert bibliography.cite("a", "First") == 1
    assert bibliography.cite("b", "Second", "https://example.org") == 2
    assert bibliography.cite("a", "First again") == 1
    assert [entry.text for entry in bibliography.entries] == ["First", "Second"]
    assert markers([3, 1, 3]) == "[1, 3]"
    assert markers([7, 1, 2, 3, 4, 9, 10]) == "[1\u20134, 7, 9, 10]"
    assert markers([]) == ""


def test_the_system_figure_groups_actors_by_family_and_escapes_names() -> None:
    actors = [
        system_figure.Actor(1, "Police <script>", "security_providers"),
        system_figure.Actor(2, "Army", "security_providers"),
        system_figure.Actor(3, "Parliament", "supervisory"),
    ]
    links = [system_figure.Link(3, 2, "oversees"), system_figure.Link(9, 2, "commands")]
    figure = system_figure.layout(actors, links, [("security_providers", "Providers"), ("supervisory", "Bodies")])
    assert [(band.label, band.count) for band in figure.bands] == [("Providers", 2), ("Bodies", 1)]
    assert figure.links == (system_figure.Link(3, 2, "oversees"),)  # a link to an actor not drawn is left out
    assert figure.bands[1].y > figure.bands[0].y
    drawing = system_figure.render(figure, label="Map", legend=("chain", "oversight", "other"))
    assert "<script>" not in drawing
    assert "Police &lt;script&gt;" in drawing
    assert drawing.count("<rect") == 2 + 3  # two bands, three actors


def test_long_names_are_wrapped_on_two_lines_and_cut() -> None:
    lines = system_figure.wrapped("Direction générale de la surveillance du territoire et des frontières terrestres")
    assert len(lines) == 2
    assert lines[-1].endswith("…")


def test_charts_are_svg_with_their_values() -> None:
    radar = charts.radar([("Justice", 80.0), ("Oversight", None), ("Budget", 20.0)], label="Scores")
    assert radar.startswith("<svg")
    assert "Justice (80)" in radar
    assert "Oversight (–)" in radar
    # Two sections: bars, not a flat radar.
    assert "<polygon" not in charts.radar([("Justice", 80.0), ("Oversight", 40.0)], label="Scores")
    line = charts.line_chart([("2021", 1.0), ("2022", None), ("2023", 3.0)], label="x", minimum=0, maximum=4)
    assert line.count("<circle") == 2
    bars = charts.bars([("France", 1200.0), ("EU", 600.0)], label="Money", unit="USD")
    assert "1\u202f200 USD" in bars
