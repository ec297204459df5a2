"""Files already found unchanged: an import that checked every row of a file against the country's records and
found nothing to create, change or cite is remembered, so that importing the same file again into the same map is
answered without reading or checking it again.

What is remembered is an answer computed from its inputs, kept under a key made of all of them, so that it is
never given for other inputs:

- the file: its bytes (SHA-256), its name (which says its format, and the table of a lone CSV file) and the
  mapping of its unknown headers;
- the country's records: the country's map version (egide.actors.versions), replaced by every write to its
  actors, relationships, sources, citations and shares, through the pages, the API, the admin or an import alike.
  A record changed in any way since the file was checked therefore makes the file be checked again, row by row,
  against the records as they are now: nothing changed since is ever skipped;
- who imports, as far as the rules tell users apart: the reach's scope (organisations, roles and countries, the
  visibility and editing rules' only input besides the records), so that a user who sees other records, or may
  change others, is never given another's answer;
- what reading and checking depend on besides: the limits in the settings and the version of Égide.

An import that wrote records primes the answer for the map it leaves (`primed_key`): every row of the file is
then a record as the file says it, which the user sees (the new records belong to the owner the user may create
records for, an existing record changed by the file was one the user sees and may change, and only its owner's
editors may change who reads it), so that importing the same file again finds every row unchanged. That answer
is kept under the version the import gave the map: a write since, of any record, makes the file be checked again.

The right to create records for the chosen owner does not depend on the map: it is checked again by every import.
The answer is kept in the configured cache, shared by the web processes and the worker; a cache that cannot be
read or written costs a full import, never an error.
"""

import hashlib
import json
import logging

from django.conf import settings
from django.core.cache import cache

import egide
from egide.accounts.selectors import reach_of
from egide.actors.tabular import ColumnMapping
from egide.actors.versions import KEPT_SECONDS, map_version
from egide.core.users import AnyUser as User

logger = logging.getLogger(__name__)

Counts = dict[str, int]


def memo_key(
    *,
    user: User | None,
    country: str,
    filename: str,
    data: bytes,
    mapping: ColumnMapping | None,
    version: str | None = None,
) -> str:
    """The key of the answer to importing `data` now; to be made before the import reads any record (the map
    version first, as every reader of a version does). `version`, when given, is the map version to key it under
    instead of the current one (see `primed_key`)."""
    if version is None:
        version = map_version(country=country)
    inputs = {
        "scope": reach_of(user).scope,
        "file": hashlib.sha256(data).hexdigest(),
        "filename": filename,
        "mapping": {table: dict(headers) for table, headers in (mapping or {}).items()},
        "limits": [
            settings.EGIDE_IMPORT_MAX_BYTES,
            settings.EGIDE_IMPORT_MAX_ROWS,
            settings.EGIDE_IMPORT_MAX_COLUMNS,
            settings.EGIDE_IMPORT_MAX_UNPACKED_BYTES,
            settings.EGIDE_IMPORT_MAX_PROBLEMS,
        ],
        "egide": egide.__version__,
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return ":".join(("egide", "import-unchanged", country, version, digest))


def primed_key(*, user: User | None, country: str, filename: str, data: bytes, mapping: ColumnMapping | None) -> str:
    """The key of the answer to importing `data` again into the map that an import of it has just written, before
    that import's transaction ends: under the version the import gave the map (`map_changed`), read in the same
    transaction, so that no other write can come in between (PostgreSQL's row lock on the version, SQLite's single
    writer). An import rolled back takes its version with it, and the key is then never asked for."""
    return memo_key(
        user=user,
        country=country,
        filename=filename,
        data=data,
        mapping=mapping,
        version=map_version(country=country),
    )


def recalled(key: str) -> Counts | None:
    """The counts of an import found unchanged under this key, or None."""
    try:
        found: Counts | None = cache.get(key)
    except Exception:
        logger.warning("The cache could not be read; the import checks the file again", exc_info=True)
        return None
    return found


def remember(key: str, counts: Counts) -> None:
    """Keep the counts of an import that found nothing to change."""
    try:
        cache.set(key, counts, KEPT_SECONDS)
    except Exception:
        logger.warning("The cache could not be written; the next import of the file checks it again", exc_info=True)
