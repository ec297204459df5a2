"""What the API operations of every app share: a country from the path, and bounded, lazy pagination."""

from collections.abc import Callable, Sequence
from typing import Annotated

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from pydantic import Field

from egide.core.reference import countries

MAX_PAGE = 1000
MAX_ID = 2**63 - 1
"""The largest id a record can have (a 64-bit column): a larger one is refused naming its parameter, rather than
overflowing the database driver."""

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A record's id in a query parameter: a whole number from 1 to MAX_ID."""

Year = Annotated[int, Field(ge=1900, le=2100)]
"""A year in a query parameter, within the range of the pages' year filters."""


def country_or_404(code: str) -> str:
    """The country code of the path, in capitals; 404 naming it when no country has it."""
    code = code.upper()
    if code not in countries():
        raise HttpError(404, _("No country has the code “%(code)s”.") % {"code": code})
    return code


class Pagination(LimitOffsetPagination):
    """Bounded, so that an absurd limit or offset is refused naming it rather than reaching the database."""

    class Input(LimitOffsetPagination.Input):
        limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"How many items, from 1 to {MAX_PAGE}")
        offset: int = Field(0, ge=0, le=2**31 - 1, description="How many items to skip")


class LazyPage[M: Model, T]:
    """A query paginated lazily: only the requested slice is read and turned into schemas by `convert`."""

    def __init__(self, queryset: QuerySet[M], convert: Callable[[M], T]) -> None:
        self.queryset = queryset
        self.convert = convert

    def __len__(self) -> int:
        return int(self.queryset.count())

    def count(self) -> int:
        return len(self)

    def __getitem__(self, item: slice) -> Sequence[T]:
        return [self.convert(record) for record in self.queryset[item]]
