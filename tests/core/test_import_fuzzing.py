"""Every file importer against random, truncated and corrupted files (Hypothesis): each file is either imported
cleanly or refused with a clear error, never an unhandled exception (which a page or the background worker would
show as a server error), and a refused file leaves every row of the importer's tables as it was.

The files are drawn from valid ones (the demo's, or an export): cut at any byte, bytes changed or inserted, a
ZIP's CSV with cells replaced by awkward values (control characters, huge numbers, impossible dates, formulas),
or bytes at random. A clear error is FileRefused naming the file, ImportRejected whose every problem names its
table and row, or the importer's own refusal (IATI's MalformedFile report, a framework's faults, a PDF refused).

The number of examples per importer is EGIDE_FUZZ_EXAMPLES (a few here, drawn the same at every run, so that the
whole module runs in well under a minute; `make fuzz` draws many more, new ones at every run: EGIDE_FUZZ_RANDOM=1).
"""

import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide.accounts.models import Organisation
from egide.accounts.selectors import PLATFORM
from egide.actors import exporter
from egide.actors.importer import map_file_import
from egide.assessments.frameworks import FrameworkFaults
from egide.assessments.services import framework_load
from egide.context import series_file
from egide.context.services import SeriesData, series_upload, source_load
from egide.context.sources import SOURCE_BY_CODE
from egide.context.sources.readers import FSI_FILE, GPI_FILE, UCDP_FILE
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.core.imports.tables import write_zip
from egide.iati.importer import iati_file_import
from egide.money import rates_file
from egide.money.services import rates_load
from egide.money.transfer import money_file_import
from egide.programmes.importer import programmes_import
from egide.programmes.models import Programme
from egide.references.pdf_text import Limits, PdfRefused, read_pdf
from egide.results.importer import results_import
from tests.conftest import SmallMap
from tests.iati.test_importer import activity
from tests.references.pdfs import pdf_with_text

EXAMPLES = int(os.environ.get("EGIDE_FUZZ_EXAMPLES", "12"))
DEMO = Path(__file__).resolve().parents[2] / "src" / "egide" / "demo" / "data"
FRAMEWORK = Path(__file__).resolve().parents[1] / "assessments" / "small-framework.yaml"

fuzzed = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("EGIDE_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Cell values that readers get wrong: empty, blank, control characters, signs, exponents, overflowing numbers,
# impossible dates, formulas, very long text, other scripts.
AWKWARD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x1b[31m",
        "-1",
        "0",
        "1e309",
        "-1e309",
        "NaN",
        "inf",
        "9" * 40,
        "0.000000000000000000001",
        "1,5",
        "2024-02-30",
        "0000-00-00",
        "9999-12-31",
        "10000-01-01",
        "2024-13",
        "=1+1",
        "@SUM(A1)",
        "x" * 5000,
        "‮evil",
        "日本語",
        "\ud7ff",
        "true",
        "yes",
        "public",
        "CF",
        "XX",
    ]
)
CELL = st.one_of(AWKWARD, st.text(max_size=40))


# --------------------------------------------------------------------------------------------- the files drawn


def _cut(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


def _changed(data: bytes, changes: list[tuple[float, int]]) -> bytes:
    mutable = bytearray(data)
    for fraction, value in changes:
        if mutable:
            mutable[min(int(len(mutable) * fraction), len(mutable) - 1)] = value
    return bytes(mutable)


def _inserted(data: bytes, fraction: float, extra: bytes) -> bytes:
    at = int(len(data) * fraction)
    return data[:at] + extra + data[at:]


def damaged(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """Bytes at random, or one of the seeds cut short, with bytes changed, or with bytes inserted."""
    seed = st.sampled_from(seeds)
    fraction = st.floats(0, 1)
    return st.one_of(
        st.binary(max_size=600),
        st.builds(_cut, seed, fraction),
        st.builds(_changed, seed, st.lists(st.tuples(fraction, st.integers(0, 255)), min_size=1, max_size=8)),
        st.builds(_inserted, seed, fraction, st.binary(min_size=1, max_size=64)),
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


@st.composite
def edited_tables(draw: st.DrawFn, tables: dict[str, bytes]) -> dict[str, bytes]:
    """The CSV tables with a few cells replaced (header cells included), a row cut short or repeated, or a table
    left out."""
    edited = dict(tables)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(edited)))
        rows = _csv_rows(edited[name])
        if not rows:
            continue
        what = draw(st.sampled_from(["cell", "cell", "cell", "short row", "repeated row", "no table"]))
        row = draw(st.integers(0, len(rows) - 1))
        if what == "cell" and rows[row]:
            rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(CELL)
        elif what == "short row":
            rows[row] = rows[row][: draw(st.integers(0, len(rows[row])))]
        elif what == "repeated row":
            rows.append(list(rows[row]))
        elif what == "no table" and len(edited) > 1:
            del edited[name]
            continue
        edited[name] = _csv_bytes(rows)
    return edited


def hostile_zip(tables: dict[str, bytes]) -> st.SearchStrategy[bytes]:
    """A ZIP of the tables with edited cells, or the ZIP itself damaged."""
    return st.one_of(edited_tables(tables).map(write_zip), damaged([write_zip(tables)]))


def hostile_csv(table: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(edited_tables({"table.csv": table}).map(lambda tables: tables["table.csv"]), damaged([table]))


# ------------------------------------------------------------------------------------------------- the check


def _counts(app_labels: tuple[str, ...]) -> dict[str, int]:
    models: Iterator[type[Model]] = (model for label in app_labels for model in apps.get_app_config(label).get_models())
    return {model._meta.label: model._default_manager.count() for model in models}


def imported_or_refused(call: Callable[[], Any], *, apps_written: tuple[str, ...], filename: str = "") -> str:
    """Run the import: "imported", or "refused" with a clear error and every row of apps_written as it was.
    Any other exception fails the test (it is not caught)."""
    before = _counts(apps_written)
    refusal: Exception | None = None
    try:
        call()
    except (FileRefused, ImportRejected, FrameworkFaults, PdfRefused) as error:
        refusal = error
    if refusal is None:
        return "imported"
    assert_clear(refusal, filename)
    assert _counts(apps_written) == before, "a refused file wrote rows"
    return "refused"


def assert_clear(refusal: Exception, filename: str) -> None:
    """A refusal says why, and where: the file (FileRefused), each problem's table and row (ImportRejected)."""
    assert str(refusal).strip(), "a refusal without a message"
    if isinstance(refusal, ImportRejected):
        assert refusal.problems, "rejected without a problem"
        for problem in refusal.problems:
            assert problem.table, problem
            assert problem.message.strip(), problem
            assert problem.row >= 0, problem
    elif isinstance(refusal, FileRefused) and filename:
        assert filename in str(refusal), f"the refusal does not name the file: {refusal}"


# ----------------------------------------------------------------------------------------------- the map


MAP_APPS = ("actors",)


@pytest.fixture
def map_files(member: User, small_map: SmallMap) -> dict[str, bytes]:
    return {fmt: exporter.export_map(user=member, country="CF", fmt=fmt) for fmt in ("csv", "xlsx", "json")}


def _zip_tables(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def fuzz(files: st.SearchStrategy[bytes], attempt: Callable[[bytes], str], *, seed: bytes) -> None:
    """attempt(data) for each file drawn, once the valid file they are drawn from is seen to import (so that the
    fuzzing reaches past the reading, into the checks of every field)."""
    assert attempt(seed) == "imported", "the valid file must import"

    @fuzzed
    @given(data=files)
    def run(data: bytes) -> None:
        attempt(data)

    run()


def _map_import(organisation: Organisation, filename: str) -> Callable[[bytes], str]:
    def attempt(data: bytes) -> str:
        return imported_or_refused(
            lambda: map_file_import(user=PLATFORM, country="CF", filename=filename, data=data, owner=organisation),
            apps_written=MAP_APPS,
            filename=filename,
        )

    return attempt


@pytest.mark.django_db
def test_the_map_import_of_a_damaged_zip_of_csv(map_files: dict[str, bytes], organisation: Organisation) -> None:
    fuzz(hostile_zip(_zip_tables(map_files["csv"])), _map_import(organisation, "map.zip"), seed=map_files["csv"])


@pytest.mark.django_db
def test_the_map_import_of_a_damaged_csv(map_files: dict[str, bytes], organisation: Organisation) -> None:
    actors = _zip_tables(map_files["csv"])["actors.csv"]
    fuzz(hostile_csv(actors), _map_import(organisation, "actors.csv"), seed=actors)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_the_map_import_of_a_damaged_workbook_or_document(
    map_files: dict[str, bytes], organisation: Organisation, fmt: str
) -> None:
    fuzz(damaged([map_files[fmt]]), _map_import(organisation, f"map.{fmt}"), seed=map_files[fmt])


# ------------------------------------------------------------------------------- programmes, money, results


def _demo_tables(folder: Path, leave_out: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv")) if path.name not in leave_out}


def _blanked(table: bytes, column: str) -> bytes:
    """The table with a column's cells emptied."""
    rows = _csv_rows(table)
    at = rows[0].index(column)
    return _csv_bytes([rows[0], *[[*row[:at], "", *row[at + 1 :]] for row in rows[1:]]])


def _programmes_tables() -> dict[str, bytes]:
    """The demo's programmes of CF without what names the demo's organisations and actors (not loaded here)."""
    tables = _demo_tables(DEMO / "programmes" / "CF", ("participations.csv", "supported_actors.csv"))
    tables["programmes.csv"] = _blanked(tables["programmes.csv"], "requested_by")
    return tables


@pytest.fixture
def demo_programmes(organisation: Organisation) -> list[str]:
    """The demo's programmes of CF, imported as the platform; their identifiers."""
    programmes_import(
        user=PLATFORM,
        country="CF",
        filename="programmes.zip",
        data=write_zip(_programmes_tables()),
        owner=organisation,
    )
    return list(Programme.objects.filter(country="CF").values_list("iati_identifier", flat=True))


@pytest.mark.django_db
def test_the_programmes_import(organisation: Organisation) -> None:
    tables = _programmes_tables()

    def attempt(data: bytes) -> str:
        return imported_or_refused(
            lambda: programmes_import(
                user=PLATFORM, country="CF", filename="programmes.zip", data=data, owner=organisation
            ),
            apps_written=("programmes", "money"),
            filename="programmes.zip",
        )

    fuzz(hostile_zip(tables), attempt, seed=write_zip(tables))


def _rows_of(table: bytes, identifiers: list[str], acronym: str, limit: int = 12) -> bytes:
    """The first rows of the programmes named, the demo's organisations replaced by the one of the tests."""
    rows = _csv_rows(table)
    kept = [row for row in rows[1:] if row and row[0] in identifiers][:limit]
    return _csv_bytes([rows[0], *[[acronym if cell in ("EF", "MEAE") else cell for cell in row] for row in kept]])


@pytest.mark.django_db
def test_the_money_import(demo_programmes: list[str], organisation: Organisation) -> None:
    tables = {
        name: _rows_of((DEMO / "money" / name).read_bytes(), demo_programmes, organisation.acronym)
        for name in ("budgets.csv", "transactions.csv")
    }

    def attempt(data: bytes) -> str:
        return imported_or_refused(
            lambda: money_file_import(user=PLATFORM, country="CF", data=data, filename="money.zip"),
            apps_written=("money", "programmes"),
            filename="money.zip",
        )

    fuzz(hostile_zip(tables), attempt, seed=write_zip(tables))


@pytest.mark.django_db
def test_the_results_import(demo_programmes: list[str]) -> None:
    tables = _demo_tables(DEMO / "results" / "CF")
    tables["indicators.csv"] = _blanked(tables["indicators.csv"], "actor")  # the demo's map is not loaded here

    def attempt(data: bytes) -> str:
        return imported_or_refused(
            lambda: results_import(user=PLATFORM, country="CF", data=data, filename="results.zip"),
            apps_written=("results", "programmes"),
            filename="results.zip",
        )

    fuzz(hostile_zip(tables), attempt, seed=write_zip(tables))


# ---------------------------------------------------------------------------------------------------- IATI


@pytest.mark.django_db
def test_the_iati_import(tmp_path: Path) -> None:
    seed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<iati-activities version="2.03">\n'
        + activity("XM-DAC-7-1")
        + activity("XM-DAC-7-2", country="ML")
        + "\n</iati-activities>\n"
    ).encode()

    def attempt(data: bytes) -> str:
        path = tmp_path / "activities.xml"
        path.write_bytes(data)
        before = _counts(("programmes", "money", "iati"))
        report = iati_file_import(user=PLATFORM, path=path)
        if not report.refused:
            return "imported"
        assert "activities.xml" in report.refused, report.refused
        assert _counts(("programmes", "money", "iati")) == before, "a refused file wrote rows"
        return "refused"

    fuzz(damaged([seed]), attempt, seed=seed)


# ------------------------------------------------------------------------------------ exchange rates, context


@pytest.mark.django_db
def test_the_exchange_rates_file() -> None:
    seed = b"\n".join((DEMO / "money" / "rates.csv").read_bytes().splitlines()[:30]) + b"\n"

    def load(data: bytes) -> None:
        read = rates_file.rates_read(data, filename="rates.csv")
        rates_load(user=PLATFORM, rows=read.rows)

    fuzz(
        hostile_csv(seed),
        lambda data: imported_or_refused(lambda: load(data), apps_written=("money",), filename="rates.csv"),
        seed=seed,
    )


@pytest.mark.django_db
def test_an_organisations_series(organisation: Organisation) -> None:
    seed = b"country,year,value\nCF,2020,1.5\nCD,2021,-3\nML,2022,10\n"
    series = SeriesData(
        name_en="Fuzzed", name_fr="Aléatoire", higher_is_better=True, minimum=None, maximum=None,
        confidentiality="public",
    )  # fmt: skip

    def load(data: bytes) -> None:
        rows = series_file.series_read(data, filename="series.csv")
        series_upload(user=PLATFORM, organisation=organisation, data=series, rows=rows)

    fuzz(
        hostile_csv(seed),
        lambda data: imported_or_refused(lambda: load(data), apps_written=("context",), filename="series.csv"),
        seed=seed,
    )


SOURCE_FILES = {
    "fsi": (
        FSI_FILE,
        b"geo,t,rank,total,C1,C2,C3,E1,E2,E3,P1,P2,P3,S1,S2,X1\n"
        b"CAF,2023,8.0,105.7,8.0,9.4,8.1,8.2,9.6,6.2,8.9,10.0,9.1,9.3,9.5,9.4\n"
        b"TCD,2022,7.0,106.1,8.5,9.4,8.1,8.2,9.6,6.2,8.9,10.0,9.1,9.3,9.5,9.4\n",
    ),
    "gpi": (GPI_FILE, b"Country,iso3c,2021,2022\nChad,TCD,2.5,2.75\nMali,MLI,3.1,3.2\n"),
    "ucdp": (UCDP_FILE, b"gwcode,year,internal_confl,war,any_conflict\n482,2021,1,0,1\n432,2020,0,1,1\n"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(SOURCE_FILES))
def test_a_public_sources_file(tmp_path: Path, code: str) -> None:
    name, seed = SOURCE_FILES[code]
    source = SOURCE_BY_CODE[code]

    def load(data: bytes) -> None:
        (tmp_path / name).write_bytes(data)
        source_load(user=PLATFORM, source=source, reading=source.read(tmp_path))

    fuzz(
        hostile_csv(seed),
        lambda data: imported_or_refused(lambda: load(data), apps_written=("context",), filename=name),
        seed=seed,
    )


# ------------------------------------------------------------------------------ assessment frameworks, PDFs


@pytest.mark.django_db
def test_an_assessment_framework_file() -> None:
    seed = FRAMEWORK.read_bytes()

    fuzz(
        damaged([seed]),
        lambda data: imported_or_refused(
            lambda: framework_load(user=PLATFORM, content=data), apps_written=("assessments",)
        ),
        seed=seed,
    )


def test_a_reference_documents_pdf() -> None:
    seed = pdf_with_text("Security sector reform", "Police and gendarmerie")
    limits = Limits(max_bytes=2**20, max_pages=10, max_characters=10_000, max_seconds=5)

    @fuzzed
    @given(data=damaged([seed]))
    def run(data: bytes) -> None:
        refusal: PdfRefused | None = None
        try:
            read_pdf(data, limits)
        except PdfRefused as error:
            refusal = error
        if refusal is not None:
            assert_clear(refusal, "")

    run()


def test_the_cells_drawn_include_the_awkward_ones() -> None:
    """The strategies themselves: a cell edit changes the table, and the damaged files differ from the seed."""
    tables = {"t.csv": b"a,b\n1,2\n"}

    @settings(max_examples=20, derandomize=True, database=None)
    @given(edited=edited_tables(tables))
    def run(edited: dict[str, bytes]) -> None:
        assert set(edited) <= set(tables)

    run()
    assert _changed(b"abc", [(0.5, ord("X"))]) == b"aXc"
    assert _cut(b"abcd", 0.5) == b"ab"
    assert _inserted(b"ab", 0.5, b"--") == b"a--b"
