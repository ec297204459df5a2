"""Counts in import refusals are written as the reader's language writes them."""

from django.utils import translation

from egide.core.imports.limits import ReadLimits, too_many_rows


def test_a_row_cap_reads_as_french_writes_numbers() -> None:
    limits = ReadLimits(rows=50_000, columns=64, unpacked_bytes=1_000_000)
    with translation.override("en"):
        assert "more than 50,000 rows" in str(too_many_rows("map.csv", "actors", limits))
    with translation.override("fr"):
        message = str(too_many_rows("map.csv", "actors", limits))
    # A French reader takes "50,000" for fifty: thousands are grouped by a (non-breaking) space.
    assert "50\xa0000" in message
    assert "50,000" not in message
