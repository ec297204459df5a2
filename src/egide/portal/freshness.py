"""When the public portal's pages last changed: a cheap reading, per country or for the whole platform, of what
the pages are made of. Its digest is the pages' ETag and the key they are kept under in the cache; its time is
their Last-Modified.

Each table the pages read gives its latest change and its number of rows (a deletion lowers the count when it
leaves the latest change unchanged); the map adds its version (`actors.versions`), replaced by every write to
it, shares included. A handful of aggregate queries on indexed columns, whatever the number of records: a
conditional request that is answered 304 reads nothing else.
"""

import datetime
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, Max, Model, Q
from django.utils import timezone

import egide
from egide.actors.models import Actor, MapVersion, Relationship
from egide.actors.versions import map_version
from egide.assessments.models import Assessment
from egide.context.models import Indicator, Observation, SourceLoad
from egide.governance.models import FindingDecision, RuleSetting
from egide.money.models import Budget, Transaction
from egide.portal.models import OpenDataLicence
from egide.programmes.models import Programme
from egide.references.models import Mission, ReferenceDocument

PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_fingerprint() -> str:
    """A digest of the portal's own code, templates and translations, read once per process: a platform upgraded
    (or a template changed) under the same version number never serves a page kept by the code before it."""
    digest = hashlib.sha256(egide.__version__.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".html", ".mo"):
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Change:
    digest: str
    modified: datetime.datetime | None


# (model, the field of its latest change, the path to its country)
_BY_COUNTRY: tuple[tuple[type[Model], str, str], ...] = (
    (Actor, "updated_at", "country"),
    (Relationship, "updated_at", "country"),
    (Programme, "updated_at", "country"),
    (Budget, "updated_at", "programme__country"),
    (Transaction, "updated_at", "programme__country"),
    (Assessment, "updated_at", "country"),
    (FindingDecision, "decided_at", "country"),
    (RuleSetting, "updated_at", "country"),
)
# What every page shows, whatever its country: the owners' licences, and the references of the latest developments.
_EVERYWHERE: tuple[tuple[type[Model], str], ...] = (
    (OpenDataLicence, "updated_at"),
    (ReferenceDocument, "updated_at"),
    (Mission, "updated_at"),
)


def _latest(model: type[Model], field: str, condition: Q) -> tuple[datetime.datetime | None, int]:
    found = model._default_manager.filter(condition).aggregate(latest=Max(field), count=Count("pk"))
    return found["latest"], found["count"]


def _change(parts: Iterable[object], times: Iterable[datetime.datetime | None]) -> Change:
    digest = hashlib.sha256(repr((code_fingerprint(), *parts)).encode()).hexdigest()[:32]
    known = [moment for moment in times if moment is not None]
    return Change(digest=digest, modified=max(known) if known else None)


def last_change(*, country: str = "") -> Change:
    """The last change of one country's public pages, or with no country, of every page (the home page, the
    latest developments, the sitemap)."""
    parts: list[object] = []
    times: list[datetime.datetime | None] = []
    for model, field, path in _BY_COUNTRY:
        latest, count = _latest(model, field, Q(**{path: country}) if country else Q())
        parts.append((model.__name__, latest, count))
        times.append(latest)
    for model, field in _EVERYWHERE:
        latest, count = _latest(model, field, Q())
        parts.append((model.__name__, latest, count))
        times.append(latest)
    if country:
        parts.append(map_version(country=country))
    else:
        parts.append(tuple(MapVersion.objects.order_by("country").values_list("country", "token")))
    return _change(parts, times)


def brief_inputs(country: str) -> tuple[object, ...]:
    """What a country's public brief holds beyond the records `last_change` follows: its day (the brief is as of
    today), the context indicators' loads and series, and the country's observations."""
    return (
        timezone.localdate().isoformat(),
        _latest(SourceLoad, "loaded_at", Q()),
        _latest(Indicator, "updated_at", Q()),
        Observation.objects.filter(country=country).count(),
    )
