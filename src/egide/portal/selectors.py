"""Every read of the public portal: the platform's own selectors asked as an anonymous visitor (`VISITOR`), so
that the portal shows exactly what the access rules give anyone without an account, and nothing else. No page,
download or sitemap of the portal reads a record any other way."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.actors.models import Actor, Relationship
from egide.actors.selectors import actors_visible, country_actors, country_relationships, relationships_visible
from egide.assessments.models import Assessment, Status
from egide.assessments.selectors import assessments_visible
from egide.core.reference import countries
from egide.governance.models import DecisionStatus
from egide.governance.presentation import FindingRow, Presenter
from egide.governance.selectors import country_findings
from egide.portal import licences
from egide.portal.models import OpenDataLicence
from egide.programmes.models import Programme
from egide.programmes.selectors import programmes_visible
from egide.references.selectors import Development, developments

VISITOR = AnonymousUser()
"""Who the portal reads as: anyone, without an account."""


# --- the countries ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublishedCountry:
    code: str
    name: str
    actors: int = 0
    programmes: int = 0
    assessments: int = 0

    @property
    def records(self) -> int:
        return self.actors + self.programmes + self.assessments


def _counts_by_country(queryset: QuerySet[Any]) -> dict[str, int]:
    return dict(queryset.values("country").annotate(count=Count("pk")).order_by().values_list("country", "count"))


def public_assessments(*, country: str | None = None) -> QuerySet[Assessment]:
    """The published assessments a visitor may read (a public draft is not published), latest first."""
    return (
        assessments_visible(user=VISITOR, country=country)
        .filter(status=Status.PUBLISHED)
        .select_related("framework_version__framework", "owner")
        .order_by("-as_of", "-pk")
    )


def published_countries() -> list[PublishedCountry]:
    """The countries with at least one public actor, public programme or published assessment, with their counts,
    by name in the active language; three queries."""
    actors = _counts_by_country(actors_visible(user=VISITOR))
    programmes = _counts_by_country(programmes_visible(user=VISITOR))
    assessments = _counts_by_country(public_assessments())
    names = countries()
    found = [
        PublishedCountry(
            code=code,
            name=names[code].label,
            actors=actors.get(code, 0),
            programmes=programmes.get(code, 0),
            assessments=assessments.get(code, 0),
        )
        for code in {*actors, *programmes, *assessments}
        if code in names
    ]
    return sorted(found, key=lambda country: country.name)


def published_country(*, country: str) -> PublishedCountry | None:
    """The country's counts, or None when it has published nothing (its portal page then does not exist)."""
    counts = PublishedCountry(
        code=country,
        name=countries()[country].label,
        actors=actors_visible(user=VISITOR, country=country).count(),
        programmes=programmes_visible(user=VISITOR, country=country).count(),
        assessments=public_assessments(country=country).count(),
    )
    return counts if counts.records else None


# --- a country's records ----------------------------------------------------------------------------------------


def public_actors(*, country: str) -> QuerySet[Actor]:
    return country_actors(user=VISITOR, country=country, sort="reference").select_related("owner")


def public_relationships(*, country: str) -> QuerySet[Relationship]:
    return country_relationships(user=VISITOR, country=country).select_related("owner")


def public_relationship_count(*, country: str) -> int:
    return relationships_visible(user=VISITOR, country=country).count()


def public_programmes(*, country: str) -> QuerySet[Programme]:
    return programmes_visible(user=VISITOR, country=country).select_related("owner").order_by("title_en", "pk")


def public_findings(*, country: str) -> list[FindingRow]:
    """The governance findings of the public map (computed on what a visitor sees of it, and kept in the findings
    cache under the visitor's scope), in the Governance tab's order, without those the country's team marked as
    false positives."""
    found = country_findings(user=VISITOR, country=country)
    dismissed = {key for key, decision in found.decisions.items() if decision.status == DecisionStatus.FALSE_POSITIVE}
    kept = [finding for finding in found.in_page_order() if finding.key not in dismissed]
    # Decisions are the team's notes: the public sees the findings, not who decided what about them.
    return Presenter(found.graph).rows(kept, {})


def severity_counts(rows: Iterable[FindingRow]) -> list[tuple[str, int]]:
    counts = Counter(row.severity_label for row in rows)
    return sorted(counts.items(), key=lambda item: -item[1])


# --- licences ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnerLicence:
    organisation: Organisation
    licence: str

    @property
    def label(self) -> str:
        return licences.label(self.licence)

    @property
    def url(self) -> str:
        return licences.URLS[self.licence]


def organisation_licence(*, organisation: Organisation) -> str:
    chosen = OpenDataLicence.objects.filter(organisation=organisation).values_list("licence", flat=True).first()
    return chosen or licences.DEFAULT


def licences_of(organisation_ids: Iterable[int | None]) -> dict[int, OwnerLicence]:
    """The licence of each organisation named (the owners of the records shown), in two queries."""
    ids = sorted({pk for pk in organisation_ids if pk is not None})
    chosen = dict(OpenDataLicence.objects.filter(organisation_id__in=ids).values_list("organisation_id", "licence"))
    return {
        organisation.pk: OwnerLicence(organisation, chosen.get(organisation.pk, licences.DEFAULT))
        for organisation in Organisation.objects.filter(pk__in=ids)
    }


def country_owner_ids(*, country: str) -> set[int]:
    """The organisations that own the country's public records: whose licences its pages and files carry."""
    owners: set[int] = set()
    for queryset in (
        actors_visible(user=VISITOR, country=country),
        relationships_visible(user=VISITOR, country=country),
        programmes_visible(user=VISITOR, country=country),
        public_assessments(country=country),
    ):
        owners.update(queryset.exclude(owner=None).order_by().values_list("owner_id", flat=True).distinct())
    return owners


# --- the latest developments ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LatestItem:
    development: Development
    countries: list[tuple[str, str]] = field(default_factory=list)  # (code, name) of the countries it concerns


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(moment, "DATE_FORMAT")


def _record_development(
    kind: str, moment: datetime.datetime, title: str, address: str, pk: int, label: str, country: str
) -> Development:
    return Development(
        kind=kind,
        day=moment.date(),
        when=_when(moment),
        title=title,
        summary="",
        url=reverse(address, kwargs={"pk": pk}),
        label=label,
        countries=[country],
        key=f"{kind}-{pk}",
    )


def _recent_records(country: str, limit: int) -> list[Development]:
    scope = country or None
    programmes = programmes_visible(user=VISITOR, country=scope).order_by("-updated_at", "-pk")[:limit]
    assessments = public_assessments(country=scope).exclude(published_at=None).order_by("-published_at")[:limit]
    actors = actors_visible(user=VISITOR, country=scope).order_by("-updated_at", "-pk")[:limit]
    return [
        *(
            _record_development(
                "programme",
                item.updated_at,
                item.title,
                "programme-detail",
                item.pk,
                _("Programme published or updated"),
                item.country,
            )
            for item in programmes
        ),
        *(
            _record_development(
                "assessment",
                item.published_at,
                str(item),
                "assessment-detail",
                item.pk,
                _("Assessment published"),
                item.country,
            )
            for item in assessments
            if item.published_at is not None
        ),
        *(
            _record_development(
                "actor",
                item.updated_at,
                item.name,
                "actor-detail",
                item.pk,
                _("Institution added to the map or updated"),
                item.country,
            )
            for item in actors
        ),
    ]


def latest_developments(*, country: str = "", limit: int = 40) -> list[LatestItem]:
    """What changed lately among public records, newest first: programmes, published assessments and institutions
    of the map changed, with the public reference documents issued and missions started or ended."""
    items = _recent_records(country, limit)
    items += developments(user=VISITOR, country=country, limit=limit, public_only=True)
    items.sort(key=lambda item: (item.day, item.key), reverse=True)
    names = countries()
    return [
        LatestItem(item, [(code, names[code].label) for code in item.countries if code in names])
        for item in items[:limit]
    ]


def actor_owners(*, country: str) -> dict[int, int | None]:
    """The owner of each public actor of the country, by the actor's id (whose licence a finding about it carries)."""
    return dict(actors_visible(user=VISITOR, country=country).values_list("pk", "owner_id"))
