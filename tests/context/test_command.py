"""`egide context load SOURCE FOLDER` and `egide context sources`."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from egide.context.models import Observation
from egide.context.sources.readers import GPI_FILE
from tests.context.conftest import FOLDERS


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("context", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_load_reports_counts_and_unmapped_codes(tmp_path: Path) -> None:
    (tmp_path / GPI_FILE).write_text("Country,iso3c,2021,2022\nChad,TCD,2.5,0.000\nAtlantis,ATL,1.2,1.3\n")
    out, _err = _run("load", "gpi", str(tmp_path))
    assert "Global Peace Index: 1 values added, 0 changed, 0 removed, 0 unchanged; 1 values missing" in out
    assert "ATL (Atlantis): 1 row(s)" in out
    out, _err = _run("load", "gpi", str(tmp_path))
    assert "0 values added, 0 changed, 0 removed, 1 unchanged" in out


@pytest.mark.django_db
def test_a_faulty_file_names_each_cell_and_loads_nothing(tmp_path: Path) -> None:
    (tmp_path / GPI_FILE).write_text("Country,iso3c,2021,2022\nChad,TCD,2.5,high\nMali,MLI,x,2.0\n")
    with pytest.raises(CommandError, match=r"2 problem\(s\); nothing was loaded"):
        _run("load", "gpi", str(tmp_path))
    assert not Observation.objects.exists()


def test_the_command_names_problems_on_stderr(tmp_path: Path) -> None:
    (tmp_path / GPI_FILE).write_text("Country,iso3c,2021\nChad,TCD,high\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("context", "load", "gpi", str(tmp_path), stderr=err)
    assert "gpi_data_overall_scores.csv, line 2, 2021: not a number: 'high'" in err.getvalue()


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a folder"):
        _run("load", "gpi", str(tmp_path / "nowhere"))


def test_sources_lists_terms_of_use() -> None:
    out, _err = _run("sources")
    for code in FOLDERS:
        assert f"{code:5}  " in out
    assert "Gleditsch-Ward numbers" in out
    assert "non-commercial" in out


@pytest.mark.django_db
def test_a_real_source_loads(context_folder: Path) -> None:
    out, _err = _run("load", "gpi", str(context_folder / FOLDERS["gpi"]))
    assert "2434 values added" in out
    assert Observation.objects.get(indicator__code="gpi.overall", country="CF", year=2022).value == 3.021
