"""Refusals the importer's checks make before writing, each at its table, row and column."""

import pytest

from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Source
from egide.actors.tabular import write_zip
from egide.core.imports.limits import grouped

LONGEST = 1000  # the longest link a source may have


def _problems(content: bytes, filename: str) -> list[tuple[str, int, str, str]]:
    tables = read_map_file(content, filename=filename)
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=None, country="CF", tables=tables)
    return [(p.table, p.row, p.column, str(p.message)) for p in rejected.value.problems]


def test_links_of_either_scheme_and_of_the_longest_length_are_kept_whole(db: None) -> None:
    longest = "https://example.org/" + "a" * (LONGEST - len("https://example.org/"))
    rows = (
        "reference,kind,name_en,name_fr,source_title,source_url\n"
        "PR,head_of_state,Presidency,Présidence,Constitution,http://example.org/constitution\n"
        "MOD,ministry_of_defence,Ministry of Defence,Ministère de la Défense,Decree,HTTP://EXAMPLE.ORG/DECREE\n"
        f"AN,parliament,National Assembly,Assemblée nationale,Law,{longest}\n"
    )
    country_map_import(user=None, country="CF", tables=read_map_file(rows.encode(), filename="actors.csv"))
    assert dict(Source.objects.values_list("title", "url")) == {
        "Constitution": "http://example.org/constitution",
        "Decree": "HTTP://EXAMPLE.ORG/DECREE",
        "Law": longest,
    }


def test_a_link_too_long_or_without_a_title_is_refused_at_its_cell(db: None) -> None:
    too_long = "https://example.org/" + "a" * (LONGEST + 1 - len("https://example.org/"))
    rows = (
        "reference,kind,name_en,name_fr,source_title,source_url\n"
        f"PR,head_of_state,Presidency,Présidence,Constitution,{too_long}\n"
        "MOD,ministry_of_defence,Ministry of Defence,Ministère de la Défense,,https://example.org/decree\n"
    )
    problems = _problems(rows.encode(), "actors.csv")
    assert [problem[:3] for problem in problems] == [("actors", 2, "source_url"), ("actors", 3, "source_title")]
    message = problems[0][3]
    assert grouped(LONGEST + 1) in message
    assert grouped(LONGEST) in message.replace(grouped(LONGEST + 1), "")


@pytest.mark.parametrize(
    ("row", "column"), [("SHIP,spaceship,Ship,Vaisseau", "kind"), ("B@D,police,Police,Police", "reference")]
)
def test_a_relationship_naming_an_actor_whose_row_is_refused_points_at_that_row(
    db: None, row: str, column: str
) -> None:
    reference = row.split(",")[0]
    actors = f"reference,kind,name_en,name_fr\nPR,head_of_state,Presidency,Présidence\n{row}\n"
    relationships = f"from,type,to\nPR,commands,{reference}\n{reference},commands,PR\n"
    archive = write_zip({"actors.csv": actors.encode(), "relationships.csv": relationships.encode()})
    problems = _problems(archive, "map.zip")
    assert [problem[:3] for problem in problems] == [
        ("actors", 3, column),
        ("relationships", 2, "to"),
        ("relationships", 3, "from"),
    ]
    for _table, _row, _column, message in problems[1:]:
        assert f"“{reference}”" in message
        assert "actors row 3" in message.replace("actors.csv", "actors")


def test_a_french_article_not_in_the_list_is_refused_at_its_cell(db: None) -> None:
    rows = "reference,kind,name_en,name_fr,article_fr\nPR,head_of_state,Presidency,Présidence,el\n"
    problems = _problems(rows.encode(), "actors.csv")
    assert [problem[:3] for problem in problems] == [("actors", 2, "article_fr")]
    assert "“el”" in problems[0][3]
