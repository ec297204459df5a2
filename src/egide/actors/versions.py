"""The version of a country's map: a random token replaced by every write that changes the map.

What is computed from a map and cached (the governance findings, egide.governance.cache) is keyed by this token,
so that a cached answer can never outlive the records it was computed from:

- each record save or delete of an actor, a relationship, a citation, a source or a share replaces the token of
  its country in the same transaction, through the signals below: the services, the admin and the demo loader
  alike (a rolled-back write rolls its new token back with it);
- writes that send no signals (bulk creates and updates, such as the importer's) call `map_changed` themselves,
  once, before their transaction ends;
- after `migrate`, every token is replaced, since a data migration may change records without signals.

A reader reads the token first, then the records: with the write's row lock on the token (PostgreSQL) or the
database's single writer (SQLite), an answer cached under a token was computed from that map or a later one,
never an earlier one. Tokens are random, so two databases, or two test runs that roll their writes back, never
share one.
"""

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_delete, post_migrate, post_save

from egide.accounts.models import Share
from egide.actors.models import Actor, Citation, MapVersion, Relationship, Source


def _new_token() -> str:
    return secrets.token_hex(16)


def map_changed(*, country: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give the country's map a new version: what was cached for the old one is never read again."""
    if not country:
        return
    MapVersion.objects.using(using).bulk_create(
        [MapVersion(country=country, token=_new_token())],
        update_conflicts=True,
        unique_fields=["country"],
        update_fields=["token"],
    )


def map_version(*, country: str) -> str:
    """The token of the country's map as it is now; made on the first read of a country never written to."""
    token = MapVersion.objects.filter(country=country).values_list("token", flat=True).first()
    if token is None:
        MapVersion.objects.bulk_create([MapVersion(country=country, token=_new_token())], ignore_conflicts=True)
        token = MapVersion.objects.filter(country=country).values_list("token", flat=True).get()
    return token


def map_versions(*, countries: list[str]) -> dict[str, str]:
    """`map_version` of several countries, in one query (two more the first time some are read)."""
    tokens = dict(MapVersion.objects.filter(country__in=countries).values_list("country", "token"))
    if len(tokens) < len(set(countries)):
        MapVersion.objects.bulk_create(
            [MapVersion(country=country, token=_new_token()) for country in countries if country not in tokens],
            ignore_conflicts=True,
        )
        tokens = dict(MapVersion.objects.filter(country__in=countries).values_list("country", "token"))
    return tokens


KEPT_SECONDS = 7 * 24 * 3600  # what was kept for an old version is never read again: it only waits to be dropped

logger = logging.getLogger(__name__)


def kept_for_version[T](
    *, country: str, name: str, scope: str, compute: Callable[[], T], version: str | None = None
) -> T:
    """`compute()` kept in the shared cache under the country's map version: read again only once the map has
    changed. `name` says what it is and `scope` who it was computed for (`Reach.scope`), so that readers who see
    different records never share a value. An unreachable cache costs a computation, never an error page.

    `version` is the map version the caller has just read (`map_version`), so that a page keeping several values
    reads it once; it must have been read before anything `compute` reads."""
    if version is None:
        version = map_version(country=country)
    key = ":".join(("egide", name, country, version, scope))
    try:
        found: T | None = cache.get(key)
    except Exception:
        logger.warning("The cache could not be read; %s computed again", name, exc_info=True)
        found = None
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, KEPT_SECONDS)
    except Exception:
        logger.warning("The cache could not be written; %s not kept", name, exc_info=True)
    return value


def _citation_country(citation: Citation) -> str:
    # The graph reads a country's citations through their source's country (egide.governance.selectors).
    if Citation.source.is_cached(citation):
        return citation.source.country
    found = Source.objects.filter(pk=citation.source_id).values_list("country", flat=True).first()
    return found or ""


def _record_changed(sender: type[Any], instance: Any, using: str, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loading fixtures: the token is replaced after `migrate`, and `loaddata` writes no cached answer
    country = _citation_country(instance) if sender is Citation else instance.country
    map_changed(country=country, using=using)


def _after_migrate(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if sender.label != "actors":
        return
    if MapVersion._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back before the table existed
    # One new token for every country: the country is part of every key anyway.
    MapVersion.objects.using(using).update(token=_new_token())


def connect() -> None:
    """Called once, when the app is ready."""
    for model in (Actor, Relationship, Citation, Source, Share):
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"map-version-save-{model.__name__}")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"map-version-delete-{model.__name__}")
    post_migrate.connect(_after_migrate, dispatch_uid="map-version-migrate")
