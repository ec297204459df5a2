"""Faulty source files: refused with the file, line and column, nothing read."""

from pathlib import Path

import pytest

from egide.context.sources import SOURCE_BY_CODE
from egide.context.sources.base import MAX_FILE_BYTES
from egide.context.sources.readers import FSI_FILE, GPI_FILE, UCDP_FILE
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected

FSI_HEADER = "geo,t,rank,total,C1,C2,C3,E1,E2,E3,P1,P2,P3,S1,S2,X1\n"


def _write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_value_that_is_not_a_number_is_named(tmp_path: Path) -> None:
    row = "CAF,2023,8.0,105.7,8.0,9.4,8.1,8.2,9.6,6.2,8.9,10.0,9.1,9.3,9.5,9.4\n"
    bad = "TCD,2023,7.0,106.1,lots,9.4,8.1,8.2,9.6,6.2,8.9,10.0,9.1,9.3,9.5,9.4\n"
    folder = _write(tmp_path, FSI_FILE, FSI_HEADER + row + bad)
    with pytest.raises(ImportRejected) as raised:
        SOURCE_BY_CODE["fsi"].read(folder)
    [problem] = raised.value.problems
    assert (problem.table, problem.row, problem.column) == (FSI_FILE, 3, "C1")
    assert "lots" in problem.message


def test_a_value_outside_the_scale_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, GPI_FILE, "Country,iso3c,2021,2022\nChad,TCD,2.5,9.75\n")
    with pytest.raises(ImportRejected) as raised:
        SOURCE_BY_CODE["gpi"].read(folder)
    [problem] = raised.value.problems
    assert (problem.row, problem.column) == (2, "2022")
    assert "outside the scale 1 to 5" in problem.message


def test_the_same_country_and_year_twice_with_different_values(tmp_path: Path) -> None:
    text = "gwcode,year,internal_confl,war,any_conflict\n482,2021,1,0,1\n482,2021,0,0,1\n"
    folder = _write(tmp_path, UCDP_FILE, text)
    with pytest.raises(ImportRejected) as raised:
        SOURCE_BY_CODE["ucdp"].read(folder)
    assert [(p.row, p.column) for p in raised.value.problems] == [(3, "internal_confl")]
    assert "line 2" in raised.value.problems[0].message


def test_a_missing_column_names_the_file(tmp_path: Path) -> None:
    folder = _write(tmp_path, UCDP_FILE, "gwcode,year,war\n482,2021,0\n")
    with pytest.raises(FileRefused, match=r"acd_country_year.csv, line 1: the header lacks the column\(s\) "):
        SOURCE_BY_CODE["ucdp"].read(folder)


def test_a_missing_file_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match=r"gpi_data_overall_scores\.csv is not in this folder"):
        SOURCE_BY_CODE["gpi"].read(tmp_path)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / GPI_FILE
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(FileRefused, match="larger than"):
        SOURCE_BY_CODE["gpi"].read(tmp_path)


def test_a_file_that_is_not_text(tmp_path: Path) -> None:
    (tmp_path / GPI_FILE).write_bytes(b"Country,iso3c,2021\n\xff\xfe\x00,TCD,2\n")
    with pytest.raises(FileRefused, match="not readable as utf-8-sig text"):
        SOURCE_BY_CODE["gpi"].read(tmp_path)
