"""How much of a file an import accepts, the refusal of a file that cannot be read, and writing in batches."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

BATCH = 500
"""Records written per query: large enough to be fast, small enough for every database's parameter limits."""


class FileRefused(ValueError):
    """The file cannot be read, or passes a cap; the message says which file and where. Nothing was written."""


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much of a file the readers accept: rows per table, columns per sheet, bytes unpacked from a ZIP."""

    rows: int = 50_000
    columns: int = 64
    unpacked_bytes: int = 200 * 2**20

    @classmethod
    def from_settings(cls) -> "ReadLimits":
        from django.conf import settings

        return cls(
            rows=settings.EGIDE_IMPORT_MAX_ROWS,
            columns=settings.EGIDE_IMPORT_MAX_COLUMNS,
            unpacked_bytes=settings.EGIDE_IMPORT_MAX_UNPACKED_BYTES,
        )


def grouped(number: int) -> str:
    """A count as the reader's language writes it: 50,000 in English, 50 000 in French."""
    return number_format(number, force_grouping=True)


def too_many_rows(where: str, table: str, limits: ReadLimits) -> FileRefused:
    return FileRefused(
        _("%(where)s: the %(table)s table has more than %(rows)s rows, the most an import may hold.")
        % {"where": where, "table": table, "rows": grouped(limits.rows)}
    )


def batched[T](items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
