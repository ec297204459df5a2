"""`field__any_of=[...]`: a column among a list of integer keys, as one parameter on PostgreSQL.

`field__in=[...]` writes one placeholder per value, each resolved by Django's compiler and then found again by
psycopg's query parser: a page reading the rows of a few hundred programmes in five queries spent about a sixth of
its time there (benchmarks/coordination.py). Here PostgreSQL gets `= ANY(%s)` with the list as one array; other
databases get the same `IN (...)` as `__in`. Registered on every field and relation (egide.core.apps)."""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations read their own lookups only
