"""Importing a map: every row checked first, all problems reported with their place, nothing half-written."""

import io
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from egide.actors import exporter
from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.tabular import TableError, Tables, write_csv, write_zip
from tests.conftest import SmallMap

HEADER = (
    "reference,kind,name_en,name_fr,acronym_en,parent,statutory,legitimacy_disputed,confidence,"
    "source_title,source_date,source_locator\n"
)
ACTORS = (
    HEADER
    + """PR,head_of_state,Presidency,Présidence,,,yes,no,high,Constitution 2016,2016-03-30,Art. 33
MOD,ministry_of_defence,Ministry of Defence,Ministère de la Défense,,PR,yes,no,high,,,
FACA,armed_forces,Armed Forces,Forces armées,FACA,MOD,yes,no,medium,,,
AN,parliament,National Assembly,Assemblée nationale,,,oui,non,high,,,
"""
)
RELATIONSHIPS = """from,type,to,start,end,ongoing,strength,source_title,source_locator
PR,commands,FACA,2016,,yes,strong,Constitution 2016,Art. 33
MOD,administers,FACA,2016-05,,,,,
AN,oversees,MOD,2016-03-30,2021,no,weak,,
"""


def _tables(actors: str = ACTORS, relationships: str = RELATIONSHIPS) -> Tables:
    archive = write_zip({"actors.csv": actors.encode(), "relationships.csv": relationships.encode()})
    return read_map_file(archive, filename="map.zip")


def _import(tables: Tables, country: str = "CF") -> object:
    return country_map_import(user=None, country=country, tables=tables)


def test_import_creates_actors_relationships_and_sources(db: None) -> None:
    report = country_map_import(user=None, country="CF", tables=_tables())
    assert (report.actors_created, report.relationships_created) == (4, 3)
    assert (report.sources_created, report.citations_created) == (1, 2)
    army = Actor.objects.get(country="CF", reference="FACA")
    assert army.parent is not None
    assert army.parent.reference == "MOD"
    assert army.family == "security_providers"
    assert Actor.objects.get(reference="AN").statutory is True
    oversight = Relationship.objects.get(type="oversees")
    assert (oversight.start, oversight.end, oversight.ongoing, oversight.strength) == (
        "2016-03-30",
        "2021",
        False,
        "weak",
    )
    assert Source.objects.get().published == "2016-03-30"


def test_reimporting_the_same_file_changes_nothing(db: None) -> None:
    country_map_import(user=None, country="CF", tables=_tables())
    before = list(Actor.objects.values_list("id", "updated_at").order_by("id"))
    report = country_map_import(user=None, country="CF", tables=_tables())
    assert not report.changed
    assert (report.actors_unchanged, report.relationships_unchanged) == (4, 3)
    assert list(Actor.objects.values_list("id", "updated_at").order_by("id")) == before
    assert (Relationship.objects.count(), Citation.objects.count(), Source.objects.count()) == (3, 2, 1)


def test_import_updates_changed_rows_only(db: None) -> None:
    country_map_import(user=None, country="CF", tables=_tables())
    changed = ACTORS.replace("Armed Forces,Forces armées", "Central African Armed Forces,Forces armées centrafricaines")
    changed = changed.replace(
        "AN,parliament,National Assembly,Assemblée nationale,,,",
        "AN,parliament,National Assembly,Assemblée nationale,,PR,",
    )
    report = country_map_import(user=None, country="CF", tables=_tables(actors=changed))
    assert (report.actors_created, report.actors_updated, report.actors_unchanged) == (0, 2, 2)
    assert Actor.objects.get(reference="FACA").name_en == "Central African Armed Forces"


def test_bad_file_reports_every_problem_with_its_row_and_writes_nothing(small_map: SmallMap) -> None:
    actors = ACTORS + "\n".join(
        [
            "BAD,spaceship,Ship,Vaisseau,,,yes,no,high,,,",  # row 6: unknown kind
            "PR,police,Police,Police,,,yes,no,high,,,",  # row 7: reference used twice
            "LOOP1,police,Police A,Police A,,LOOP2,yes,no,high,,,",  # rows 8, 9: a loop of parents
            "LOOP2,police,Police B,Police B,,LOOP1,maybe,no,certain,,,",  # row 9: bad yes/no and confidence
            "GHOST,police,Police C,Police C,,NOBODY,yes,no,high,,1 March,",  # row 10: unknown parent, untitled source
        ]
    )
    relationships = RELATIONSHIPS + "\n".join(
        [
            "FACA,commands,FACA,,,,,,",  # row 5: self
            "AN,commands,FACA,,,,,,",  # row 6: parliament cannot command
            "PR,funds,NOBODY,,,,,,",  # row 7: unknown actor
            "PR,appoints,MOD,2020,2019,no,,,",  # row 8: end before start
            "PR,commands,FACA,2016,,yes,strong,,",  # row 9: same as row 2
        ]
    )
    counts = (Actor.objects.count(), Relationship.objects.count(), Source.objects.count())
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=None, country="CF", tables=_tables(actors, relationships))
    places = {(problem.table, problem.row, problem.column) for problem in rejected.value.problems}
    assert places >= {
        ("actors", 6, "kind"),
        ("actors", 7, "reference"),
        ("actors", 8, "parent"),
        ("actors", 9, "statutory"),
        ("actors", 9, "confidence"),
        ("actors", 10, "parent"),
        ("actors", 10, "source_title"),
        ("relationships", 5, "to"),
        ("relationships", 6, "type"),
        ("relationships", 7, "to"),
        ("relationships", 8, "end"),
        ("relationships", 9, "from"),
    }
    assert all(str(problem.row) in str(problem) for problem in rejected.value.problems)
    assert (Actor.objects.count(), Relationship.objects.count(), Source.objects.count()) == counts


def test_relationships_may_refer_to_actors_already_on_the_map(small_map: SmallMap) -> None:
    tables = read_map_file(b"from,type,to\nAN,oversees,FACA\nCIT,scrutinises,FACA\n", filename="links.csv")
    report = country_map_import(user=None, country="CF", tables=tables)
    assert report.relationships_created == 2
    assert Relationship.objects.filter(source=small_map.newspaper, target=small_map.army).exists()


def test_actors_of_another_country_are_not_reachable(small_map: SmallMap) -> None:
    tables = read_map_file(b"from,type,to\nAN,oversees,FACA\n", filename="links.csv")
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=None, country="CD", tables=tables)
    assert {problem.column for problem in rejected.value.problems} == {"from", "to"}


def test_citations_table_adds_more_sources(db: None) -> None:
    citations = (
        "record,actor,from,type,to,start,title,author,date,url,locator\n"
        "actor,FACA,,,,,Loi 17.013,Assemblée nationale,2017,https://example.org/loi,Art. 2\n"
        "relationship,,PR,commands,FACA,2016,Décret 2017,,2017-05,,Art. 1\n"
        "relationship,,PR,commands,FACA,2019,Décret 2017,,2017-05,,Art. 1\n"
        "witness,,,,,,Nothing,,,,\n"
    )
    archive = write_zip(
        {
            "actors.csv": ACTORS.encode(),
            "relationships.csv": RELATIONSHIPS.encode(),
            "citations.csv": citations.encode(),
        }
    )
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=None, country="CF", tables=read_map_file(archive, filename="map.zip"))
    assert {(problem.row, problem.column) for problem in rejected.value.problems} == {(4, "from"), (5, "record")}
    citations = "\n".join(citations.splitlines()[:3]) + "\n"
    archive = write_zip(
        {
            "actors.csv": ACTORS.encode(),
            "relationships.csv": RELATIONSHIPS.encode(),
            "citations.csv": citations.encode(),
        }
    )
    report = country_map_import(user=None, country="CF", tables=read_map_file(archive, filename="map.zip"))
    assert report.citations_created == 4
    assert Source.objects.get(title="Loi 17.013").url == "https://example.org/loi"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_then_import_elsewhere_round_trips(small_map: SmallMap, member: object, fmt: str) -> None:
    country_map_import(user=None, country="CF", tables=_tables())
    content = exporter.export_map(user=member, country="CF", fmt=fmt)  # type: ignore[arg-type]
    filename = f"map.{exporter.EXTENSIONS[fmt]}"
    elsewhere = content
    if fmt == "json":  # a document names its country: moved elsewhere, it says so
        elsewhere = json.dumps(json.loads(content) | {"country": "CD"}).encode()
    report = country_map_import(user=None, country="CD", tables=read_map_file(elsewhere, filename=filename))
    assert report.actors_created == Actor.objects.filter(country="CF").count()
    assert report.relationships_created == Relationship.objects.filter(country="CF").count()
    again = country_map_import(user=None, country="CF", tables=read_map_file(content, filename=filename))
    assert not again.changed


def test_export_formats_hold_the_map(small_map: SmallMap, member: object) -> None:
    xlsx = exporter.export_map(user=member, country="CF", fmt="xlsx")  # type: ignore[arg-type]
    workbook = load_workbook(io.BytesIO(xlsx))
    assert workbook.sheetnames == ["actors", "relationships", "citations"]
    assert workbook["actors"].max_row == 1 + 7
    document = json.loads(exporter.export_map(user=member, country="CF", fmt="json"))  # type: ignore[arg-type]
    assert {actor["reference"] for actor in document["actors"]} >= {"PR", "MOD", "FACA"}
    archive = zipfile.ZipFile(io.BytesIO(exporter.export_map(user=member, country="CF", fmt="csv")))  # type: ignore[arg-type]
    assert sorted(archive.namelist()) == ["actors.csv", "citations.csv", "relationships.csv"]
    graphml = exporter.export_map(user=member, country="CF", fmt="graphml")  # type: ignore[arg-type]
    assert b'<node id="FACA">' in graphml
    assert b"commands" in graphml


@pytest.mark.parametrize(("fmt", "filename"), [("xlsx", "template.xlsx"), ("csv", "template.zip")])
def test_templates_import_cleanly(db: None, fmt: str, filename: str) -> None:
    tables = read_map_file(exporter.export_template(fmt), filename=filename)
    report = country_map_import(user=None, country="ML", tables=tables)
    assert (report.actors_created, report.relationships_created, report.sources_created, report.citations_created) == (
        2,
        1,
        1,
        1,
    )
    army = Actor.objects.get(country="ML", reference="ARMY")
    assert (army.name_en, army.parent.reference if army.parent else None) == ("Armed Forces", "MOD")
    (administers,) = Relationship.objects.filter(source__country="ML")
    assert (administers.source.reference, administers.type, administers.target) == ("MOD", "administers", army)
    assert Citation.objects.get(actor__reference="MOD", actor__country="ML").source.title == "Constitution"


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"reference,kind\n", "map.pdf", "unsupported file type"),
        (b"\xff\xfe\x00bad", "map.csv", "line 1: the file is not UTF-8"),
        (b"", "map.csv", "empty"),
        (b"name,colour\nx,y\n", "map.csv", "matches no table"),
        (b"reference,kind,colour\nx,police,red\n", "map.csv", "unknown column(s) colour"),
        (b"not a zip", "map.zip", "not a valid ZIP"),
        (b"not a workbook", "map.xlsx", "not a readable XLSX"),
        (b'{"actors": [1]}', "map.json", "actors[1] must be an object, not a number."),
        (b'{"actors": [', "map.json", "line 1, column 13"),
    ],
)
def test_unreadable_files_say_what_and_where(content: bytes, filename: str, message: str) -> None:
    with pytest.raises(TableError, match=re.escape(message)):
        read_map_file(content, filename=filename)


def test_zip_without_tables_is_refused() -> None:
    with pytest.raises(TableError, match="holds none of"):
        read_map_file(write_zip({"readme.txt": b"hello"}), filename="map.zip")


def test_semicolon_separated_csv_from_a_french_spreadsheet_is_read() -> None:
    content = write_csv(("reference", "kind", "name_en"), [("POL", "police", "Police")]).replace(b",", b";")
    tables = read_map_file(content, filename="acteurs.csv")
    assert tables.actors[0].values == {"reference": "POL", "kind": "police", "name_en": "Police"}
    assert tables.actors[0].number == 2
