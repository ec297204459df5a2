"""Hostile import files: each is refused quickly, with a message that says what and where, never a 500."""

import contextlib
import io
import json
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, country_map_import, map_file_import
from egide.actors.models import Actor
from egide.actors.tabular import TableError
from egide.imports.models import MapTransfer, TransferOutcome
from tests.actors import hostile_files

MB = 2**20


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail the test, rather than hang it, when the block takes longer than seconds."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.perf_counter()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - started < seconds


def refused(data: bytes, filename: str, *, seconds: float = 10) -> str:
    """The message of the TableError that reading data raises, within seconds."""
    with within(seconds), pytest.raises(TableError) as error:
        read_map_file(data, filename=filename)
    return str(error.value)


# --- ZIP of CSV files -------------------------------------------------------------------------------------------


def test_a_zip_bomb_of_one_repeated_row_is_refused_at_the_row_cap(settings: LazySettings) -> None:
    settings.EGIDE_IMPORT_MAX_ROWS = 10_000
    bomb = hostile_files.zip_bomb(40 * MB)
    assert len(bomb) < MB
    message = refused(bomb, "bomb.zip", seconds=5)
    assert message == "bomb.zip:actors.csv: the actors table has more than 10,000 rows, the most an import may hold."


def test_a_zip_that_unpacks_past_the_size_cap_is_refused_whatever_it_declares(settings: LazySettings) -> None:
    settings.EGIDE_IMPORT_MAX_UNPACKED_BYTES = 2 * MB
    settings.EGIDE_IMPORT_MAX_ROWS = 10**9
    bomb = hostile_files._patch_sizes(hostile_files.zip_bomb(8 * MB), 1000)
    message = refused(bomb, "bomb.zip", seconds=5)
    assert "bomb.zip:actors.csv" in message
    assert "size" in message


@pytest.mark.parametrize("declared", [10, 10**6])
def test_a_zip_whose_declared_size_lies_is_refused(declared: int) -> None:
    message = refused(hostile_files.zip_with_false_size(declared=declared), "lies.zip")
    assert message == (
        "lies.zip:actors.csv: the archive is damaged: this file's content does not match the size or checksum "
        "the archive declares."
    )


def test_a_zip_whose_directory_places_its_members_before_its_start_is_refused() -> None:
    message = refused(hostile_files.zip_with_members_before_its_start(), "forged.zip")
    assert message == (
        "forged.zip:actors.csv: the archive is damaged: this file's content does not match the size or checksum "
        "the archive declares."
    )


def test_a_workbook_whose_directory_places_its_parts_before_its_start_is_refused() -> None:
    workbook = hostile_files.zip_with_members_before_its_start(b"<workbook/>", name="xl/workbook.xml")
    assert "forged.xlsx:xl/workbook.xml: the archive is damaged" in refused(workbook, "forged.xlsx")


@pytest.mark.django_db
def test_a_header_with_a_nul_character_is_refused_and_the_refusal_recorded() -> None:
    """PostgreSQL stores no NUL character: the record of the refusal, which repeats its message, writes it \\x00."""
    with pytest.raises(TableError, match="unknown column"):
        map_file_import(user=None, country="CF", filename="actors.csv", data=b"reference,kind,\x00\nPOL,police,x\n")
    transfer = MapTransfer.objects.get()
    assert transfer.outcome == TransferOutcome.UNREADABLE
    assert "unknown column(s) \\x00;" in transfer.details["error"]


def test_a_csv_with_too_many_columns_is_refused(settings: LazySettings) -> None:
    settings.EGIDE_IMPORT_MAX_COLUMNS = 40
    header = b"reference,kind" + b"," * 100 + b"\n"
    message = refused(header + b"POL,police\n", "wide.csv")
    assert message == "wide.csv, line 1: the header has 102 columns; a table may have at most 40."


def test_a_csv_at_the_row_cap_is_read_and_one_more_row_is_refused(settings: LazySettings) -> None:
    settings.EGIDE_IMPORT_MAX_ROWS = 5
    rows = b"".join(b"A%d,police,Police %d\n" % (number, number) for number in range(5))
    tables = read_map_file(b"reference,kind,name_en\n" + rows, filename="actors.csv")
    assert [row.get("reference") for row in tables.actors] == ["A0", "A1", "A2", "A3", "A4"]
    message = refused(b"reference,kind,name_en\n" + rows + b"A5,police,Police 5\n", "actors.csv")
    assert message == "actors.csv: the actors table has more than 5 rows, the most an import may hold."


def test_a_line_too_long_for_a_field_is_refused() -> None:
    message = refused(b"reference,kind,notes\nPOL,police," + b"x" * (2 * MB) + b"\n", "long.csv")
    assert message.startswith("long.csv, line 2: ")


# --- XLSX --------------------------------------------------------------------------------------------------------


def test_a_workbook_with_cells_at_the_last_row_and_column_is_refused_quickly() -> None:
    data = hostile_files.xlsx_far_cells()
    assert len(data) < 10_000
    message = refused(data, "far.xlsx", seconds=5)
    assert message == "far.xlsx, sheet actors, row 2: column XFD holds a value; a sheet may have at most 64 columns."


def test_a_workbook_with_a_value_at_the_last_row_is_refused_quickly(settings: LazySettings) -> None:
    settings.EGIDE_IMPORT_MAX_ROWS = 1_000
    message = refused(hostile_files.xlsx_far_down(), "down.xlsx", seconds=5)
    assert message == "down.xlsx, sheet actors: the actors table has more than 1,000 rows, the most an import may hold."


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_workbook_with_a_dtd_is_refused(part: str, encoding: str) -> None:
    message = refused(hostile_files.xlsx_with_dtd(part, encoding=encoding), "dtd.xlsx")
    assert message == f"dtd.xlsx: the part {part} declares a DTD or entities, which imports refuse."


# --- JSON --------------------------------------------------------------------------------------------------------


def test_deeply_nested_json_is_refused_with_its_place() -> None:
    message = refused(hostile_files.deeply_nested_json(), "deep.json")
    assert message == "deep.json, line 1, column 65: arrays and objects nest more than 64 levels deep."


def test_deeply_nested_json_inside_a_field_is_refused_with_its_place() -> None:
    message = refused(hostile_files.deeply_nested_field(), "deep.json")
    assert re.fullmatch(r"deep\.json, line 1, column \d+: arrays and objects nest more than 64 levels deep\.", message)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "the document must be a JSON object with actors and relationships, not a list."),
        ({"actors": 5}, "actors must be a list, not a number."),
        ({"actors": {"reference": "POL"}}, "actors must be a list, not an object."),
        ({"actors": ["POL"]}, "actors[1] must be an object, not text."),
        ({"actors": [{"reference": 5, "kind": "police"}]}, "actors[1].reference must be text, not a number."),
        ({"actors": [{"reference": "POL", "kind": ["police"]}]}, "actors[1].kind must be text, not a list."),
        ({"actors": [{"reference": "POL", "statutory": {"yes": 1}}]}, "actors[1].statutory must be yes or no."),
        ({"actors": [{"reference": "POL", "citations": {"source": "S1"}}]}, "actors[1].citations must be a list"),
        ({"actors": [{"reference": "POL", "citations": [5]}]}, "actors[1].citations[1] must be an object"),
        ({"sources": 3}, "sources must be a list, not a number."),
        ({"sources": [{"key": ["S1"]}]}, "sources[1].key must be text, not a list."),
        ({"sources": [{"key": "S1", "title": 7}]}, "sources[1].title must be text, not a number."),
        (
            {"sources": [{"key": "S1", "title": "T"}], "actors": [{"citations": [{"source": "S1", "locator": 12}]}]},
            "actors[1].citations[1].locator must be text, not a number.",
        ),
        ({"relationships": [{"source": {"a": 1}}]}, "relationships[1].source must be text, not an object."),
        ({"relationships": [{"source": "A", "ongoing": 1.5}]}, "relationships[1].ongoing must be yes or no."),
    ],
)
def test_json_of_the_wrong_types_says_where(document: object, message: str) -> None:
    assert refused(json.dumps(document).encode(), "map.json").startswith(f"map.json: {message}")


# --- Problems ----------------------------------------------------------------------------------------------------


def test_problems_are_collected_up_to_the_cap_and_all_counted(db: None, settings: LazySettings) -> None:
    settings.EGIDE_IMPORT_MAX_PROBLEMS = 100
    rows = b"".join(b"A%d,spaceship,Ship,confident\n" % number for number in range(300))
    tables = read_map_file(b"reference,kind,name_en,confidence\n" + rows, filename="ships.csv")
    with pytest.raises(ImportRejected) as rejected:
        country_map_import(user=None, country="CF", tables=tables)
    assert len(rejected.value.problems) == 100
    assert rejected.value.total == 600
    assert rejected.value.problems[0].row == 2
    assert not Actor.objects.exists()


# --- Through the import page: a clear refusal, never a 500 ---------------------------------------------------------


def upload(client: Client, name: str, content: bytes) -> str:
    response = client.post(
        reverse("country-import", kwargs={"code": "CD"}), {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("far.xlsx", hostile_files.xlsx_far_cells(), "column XFD holds a value"),
        ("dtd.xlsx", hostile_files.xlsx_with_dtd(), "declares a DTD or entities"),
        ("deep.json", hostile_files.deeply_nested_json(), "nest more than 64 levels deep"),
        ("types.json", b'{"actors": [{"reference": 5}]}', "actors[1].reference must be text, not a number."),
        ("lies.zip", hostile_files.zip_with_false_size(declared=10), "the archive is damaged"),
    ],
)
def test_the_import_page_refuses_hostile_files_clearly(
    member_client: Client, db: None, name: str, content: bytes, message: str
) -> None:
    html = upload(member_client, name, content)
    assert message in html
    assert not Actor.objects.exists()


def test_the_import_page_shows_the_first_problems_and_counts_them_all(
    member_client: Client, db: None, settings: LazySettings
) -> None:
    settings.EGIDE_IMPORT_MAX_PROBLEMS = 50
    rows = b"".join(b"A%d,spaceship,Ship\n" % number for number in range(120))
    html = upload(member_client, "ships.csv", b"reference,kind,name_en\n" + rows)
    assert "50 of 120 problems shown: nothing was imported" in html
    assert html.count("is not a known kind of actor") == 50


# --- On the command line: the same service, the same refusals ------------------------------------------------------


def test_the_command_line_refuses_a_hostile_file_with_its_reason(db: None, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(hostile_files.deeply_nested_json())
    with within(10), pytest.raises(CommandError, match=r"deep\.json, line 1, column 65: arrays and objects nest"):
        call_command("actors", "import", str(path), "--country", "CF", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_command_line_lists_the_first_problems_and_counts_them_all(
    db: None, tmp_path: Path, settings: LazySettings
) -> None:
    settings.EGIDE_IMPORT_MAX_PROBLEMS = 5
    path = tmp_path / "ships.csv"
    path.write_bytes(b"reference,kind\n" + b"".join(b"S%d,spaceship\n" % number for number in range(2000)))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="5 of 4,000 problems shown; nothing was imported"):
        call_command("actors", "import", str(path), "--country", "CF", stdout=io.StringIO(), stderr=errors)
    assert len(errors.getvalue().splitlines()) == 5
