"""Reading a registry's files: a file in which no code of the sector filter is written is only parsed and counted,
refused as the parser refuses it, and the same import results either way."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from egide.iati.importer import Filters
from egide.iati.parser import MalformedFile, read_activities
from egide.iati.reading import count_activities, may_hold, read_file
from egide.programmes.models import Programme
from tests.iati.test_importer import activity, write

OTHER = '<sector vocabulary="1" code="11110" percentage="100"/>'


def test_a_file_without_the_codes_cannot_hold_what_the_filter_keeps(tmp_path: Path) -> None:
    irrelevant = write(tmp_path, activity("XM-1", sector=OTHER), name="other.xml")
    relevant = write(tmp_path, activity("XM-2"), name="ssr.xml")
    assert not may_hold(irrelevant, Filters())
    assert may_hold(relevant, Filters())
    assert may_hold(irrelevant, Filters(sectors=None))  # every sector kept
    assert may_hold(irrelevant, Filters(sectors=frozenset({"11110"})))
    # A code at transaction level only, or behind a character reference for a digit, may be kept.
    in_transaction = write(
        tmp_path,
        activity("XM-3", sector=OTHER, transaction_sector='<sector vocabulary="1" code="15130"/>'),
        name="flow.xml",
    )
    assert may_hold(in_transaction, Filters())
    hidden = write(tmp_path, activity("XM-4", sector='<sector vocabulary="1" code="&#49;5210"/>'), name="ref.xml")
    assert may_hold(hidden, Filters())
    assert next(read_activities(hidden)).sectors[0].code == "15210"
    wide = tmp_path / "wide.xml"
    wide.write_bytes(irrelevant.read_text(encoding="utf-8").replace("utf-8", "utf-16").encode("utf-16"))
    assert may_hold(wide, Filters())


def test_counting_refuses_what_the_parser_refuses_and_counts_what_it_reads(iati_fixtures: Path) -> None:
    compared = 0
    for path in sorted(iati_fixtures.glob("*.xml")):
        try:
            expected: int | str = sum(1 for _ in read_activities(path, filename=path.name))
        except MalformedFile as error:
            expected = str(error)
        try:
            counted: int | str = count_activities(path, path.name)
        except MalformedFile as error:
            counted = str(error)
        assert counted == expected, path.name
        compared += 1
    assert compared == 30


def test_an_irrelevant_file_is_counted_and_left_out(iati_fixtures: Path, tmp_path: Path) -> None:
    read = read_file(iati_fixtures / "many_activities.xml", Filters(), None, {})
    assert not may_hold(iati_fixtures / "many_activities.xml", Filters())
    assert (read.read, read.skipped, read.activities, read.refused) == (2, 2, [], "")
    broken = write(tmp_path, activity("XM-1", sector=OTHER), tail="<oops>")
    refused = read_file(broken, Filters(), None, {})
    assert refused.refused.startswith("file.xml, line ")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_reports_a_registry_folder_alike(tmp_path: Path, db: None, jobs: str) -> None:
    folder = tmp_path / "registry"
    folder.mkdir()
    write(folder, activity("XM-1"), activity("XM-2", sector=OTHER), name="a.xml")
    write(folder, activity("XM-3", sector=OTHER), activity("XM-4", sector=OTHER), name="b.xml")
    write(folder, activity("XM-5", sector=OTHER), tail="<oops>", name="c.xml")
    output = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("iati", "import", str(folder), "--jobs", jobs, stdout=output, stderr=io.StringIO())
    assert output.getvalue().strip() == (
        "3 files (1 refused): 4 activities read, 1 created, 0 updated, 0 unchanged, 3 skipped by the filters, "
        "0 warnings, 0 errors"
    )
    assert list(Programme.objects.values_list("iati_identifier", flat=True)) == ["XM-1"]
