"""Who may see and change what: the one place that decides, used by every page, API call, export and count.

A user's reach is read once per request from their memberships; it turns into one filter (a `Q`) that the
record selectors add to their queries, so the permission check never multiplies the number of queries.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from egide.accounts.models import EDITING_ROLES, Confidentiality, Invitation, Membership, Organisation, Role, Share
from egide.core.users import AnyUser, Caller

OWNED_LEVELS = (Confidentiality.ORGANISATION, Confidentiality.RESTRICTED)


@dataclass(frozen=True, slots=True)
class Grant:
    """One membership, reduced to what it grants: an organisation, a role, and the countries it covers."""

    organisation_id: int
    role: str
    countries: frozenset[str]  # empty: every country

    def covers(self, country: str) -> bool:
        return not self.countries or country in self.countries


@dataclass(frozen=True, slots=True)
class Reach:
    authenticated: bool
    superuser: bool
    grants: tuple[Grant, ...]

    @property
    def scope(self) -> str:
        """Who reads, as far as the visibility rules tell readers apart: "all" for those who see every record,
        else a fingerprint of the reach (organisations, roles and countries), the rules' only input besides the
        records themselves. Two readers of the same scope see the same records, so what is computed from what a
        reader sees (findings, counts) may be kept under it."""
        if self.superuser:
            return "all"
        grants = sorted((grant.organisation_id, grant.role, sorted(grant.countries)) for grant in self.grants)
        return hashlib.sha256(repr((self.authenticated, grants)).encode()).hexdigest()[:24]

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(grant.organisation_id for grant in self.grants)

    def editing_grants(self, country: str) -> list[Grant]:
        return [grant for grant in self.grants if grant.role in EDITING_ROLES and grant.covers(country)]


PLATFORM: Final = None
"""The platform itself as the one who asks (management commands, the demo loader): `user=PLATFORM`, that is
`user=None`, everywhere. It sees and may change everything, like platform staff, and is recorded as nobody."""

ANONYMOUS = Reach(authenticated=False, superuser=False, grants=())
PLATFORM_REACH = Reach(authenticated=True, superuser=True, grants=())
REACH_ATTRIBUTE = "_egide_reach"


def reach_of(user: Caller) -> Reach:
    """The user's reach, read from the database once and kept on the user object for the request. A deactivated
    account reaches what an anonymous visitor does."""
    if user is PLATFORM:
        return PLATFORM_REACH
    if not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Reach | None = getattr(user, REACH_ATTRIBUTE, None)
    if cached is not None:
        return cached
    grants = tuple(
        Grant(organisation_id=organisation_id, role=role, countries=frozenset(countries or ()))
        for organisation_id, role, countries in Membership.objects.filter(user_id=user.pk).values_list(
            "organisation_id", "role", "countries"
        )
    )
    reach = Reach(authenticated=True, superuser=bool(user.is_superuser), grants=grants)
    setattr(user, REACH_ATTRIBUTE, reach)
    return reach


def forget_reach(user: AnyUser) -> None:
    """Drop the cached reach after the user's memberships change."""
    if hasattr(user, REACH_ATTRIBUTE):
        delattr(user, REACH_ATTRIBUTE)


def _content_type_id(model: type[Model]) -> int:
    return ContentType.objects.get_for_model(model).pk


def _group_by_countries(grants: Iterable[Grant]) -> dict[frozenset[str], set[int]]:
    groups: dict[frozenset[str], set[int]] = {}
    for grant in grants:
        groups.setdefault(grant.countries, set()).add(grant.organisation_id)
    return groups


def visibility_filter(*, user: Caller, model: type[Model], prefix: str = "", country: str | None = None) -> Q | None:
    """The condition a record of `model` must meet to be visible to the user; None means everything.

    `prefix` applies it to a related record instead (``"source__"`` for a relationship's source actor), as a join
    rather than a subquery. Whatever the number of memberships, the condition holds one clause for partners,
    one per distinct set of countries for the owner's levels, and a single subquery for shares, so that
    databases plan it as cheaply with twenty organisations as with one.

    `country` is for a query of one country's records only (the caller filters on it): the subquery then reads
    that country's shares alone (a share carries its record's country), never those of other countries. The
    condition is the same for the records of that country, and must not be used for records of another.
    """
    reach = reach_of(user)
    if reach.superuser:
        return None

    def field(name: str) -> str:
        return f"{prefix}{name}"

    condition = Q(**{field("confidentiality"): Confidentiality.PUBLIC})
    if not reach.authenticated or not reach.grants:
        return condition
    groups = _group_by_countries(reach.grants)
    everywhere = groups.get(frozenset(), set())
    covered = sorted(set().union(*(countries for countries in groups if countries)))
    if everywhere:
        condition |= Q(**{field("confidentiality"): Confidentiality.PARTNERS})
    elif covered:
        condition |= Q(**{field("confidentiality"): Confidentiality.PARTNERS, field("country__in"): covered})
    share_scope = Q()
    for countries, organisation_ids in groups.items():
        owned = {field("confidentiality__in"): OWNED_LEVELS, field("owner_id__in"): sorted(organisation_ids)}
        shared = Q(organisation_id__in=sorted(organisation_ids))
        if countries:
            owned[field("country__in")] = sorted(countries)
            shared &= Q(country__in=sorted(countries))
        condition |= Q(**owned)
        share_scope |= shared
    # A plain (not correlated) subquery: PostgreSQL costs a correlated EXISTS as if it ran once per row, and
    # then spends far longer compiling the query (JIT) than running it (benchmarks/RESULTS.md, access).
    shares = Share.objects.filter(share_scope, content_type_id=_content_type_id(model))
    if country is not None:
        shares = shares.filter(country=country)
    shared_ids = shares.values("object_id")
    condition |= Q(**{field("confidentiality"): Confidentiality.RESTRICTED, field("pk__in"): shared_ids})
    return condition


def partners_countries(*, user: Caller) -> frozenset[str] | None:
    """The countries in which the user reads every record for partners, as `visibility_filter` grants them: None
    for all countries (a membership that covers every country), none for anonymous visitors and users of no
    organisation. Superusers, who read every record, are the caller's to tell apart (`reach_of`)."""
    reach = reach_of(user)
    if not reach.authenticated or not reach.grants:
        return frozenset()
    groups = _group_by_countries(reach.grants)
    if frozenset() in groups:
        return None
    return frozenset().union(*groups)


GLOBAL = ""
"""The `country` of a record that belongs to no country (a framework, an indicator series)."""


def global_visibility_filter(*, user: Caller, model: type[Model]) -> Q | None:
    """`visibility_filter` for a model whose records may belong to no country (None: everything). No
    membership's countries can cover such a record, so it is read as follows: anybody reads it when it is public;
    a member of any organisation when it is for partners; a member of its owner organisation, whatever countries
    the membership covers, when it is for the organisation or restricted (and those it is shared with, when
    their membership covers every country)."""
    condition = visibility_filter(user=user, model=model)
    if condition is None:
        return None
    reach = reach_of(user)
    if reach.authenticated and reach.grants:
        organisations = sorted(reach.organisation_ids)
        condition |= Q(country=GLOBAL, confidentiality=Confidentiality.PARTNERS)
        condition |= Q(country=GLOBAL, confidentiality__in=OWNED_LEVELS, owner_id__in=organisations)
    return condition


def owned_by_reader_filter(*, user: Caller) -> Q:
    """Records (such as sources) whose `owner` is one of the user's organisations, in the countries their
    memberships cover; nothing for anonymous visitors and users of no organisation."""
    condition = Q(pk__in=[])
    for countries, organisation_ids in _group_by_countries(reach_of(user).grants).items():
        owned = Q(owner_id__in=sorted(organisation_ids))
        if countries:
            owned &= Q(country__in=sorted(countries))
        condition |= owned
    return condition


def visible[M: Model](queryset: QuerySet[M], *, user: Caller) -> QuerySet[M]:
    condition = visibility_filter(user=user, model=queryset.model)
    return queryset if condition is None else queryset.filter(condition)


class Record(Protocol):
    """A confidential record (Actor, Relationship, ...) as the rules see it."""

    @property
    def pk(self) -> Any: ...

    country: str
    owner_id: int | None
    confidentiality: str


def can_edit(*, user: Caller, record: Record) -> bool:
    """An editor (or administrator) of the owner organisation, or of an organisation it shares editing with."""
    reach = reach_of(user)
    if reach.superuser:
        return True
    grants = reach.editing_grants(record.country)
    if not grants:
        return False
    organisation_ids = {grant.organisation_id for grant in grants}
    if record.owner_id in organisation_ids:
        return True
    return Share.objects.filter(
        content_type_id=_content_type_id(type(record)),  # type: ignore[arg-type]
        object_id=record.pk,
        organisation_id__in=organisation_ids,
        can_edit=True,
    ).exists()


def can_manage(*, user: Caller, record: Record) -> bool:
    """May change who owns the record, who may read it and whom it is shared with.

    Only the owner organisation's editors (and platform staff): a share's "may edit" covers the record's content,
    so that an organisation a record was lent to can never take it over or pass it on.
    """
    reach = reach_of(user)
    if reach.superuser:
        return True
    if record.owner_id is None:
        return False
    return any(grant.organisation_id == record.owner_id for grant in reach.editing_grants(record.country))


def can_create(*, user: Caller, owner: Organisation | None, country: str) -> bool:
    reach = reach_of(user)
    if reach.superuser:
        return True
    if owner is None:
        return False
    return any(grant.organisation_id == owner.pk for grant in reach.editing_grants(country))


def editable_owners(*, user: Caller, country: str) -> QuerySet[Organisation]:
    """The organisations in whose name the user may create records in the country."""
    reach = reach_of(user)
    if reach.superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=[grant.organisation_id for grant in reach.editing_grants(country)])


def default_owner(*, user: Caller, country: str) -> Organisation | None:
    """The organisation a record is created for when none is named: the user's only editing one, if so."""
    owners = list(editable_owners(user=user, country=country)[:2])
    return owners[0] if len(owners) == 1 else None


def user_organisations(*, user: Caller) -> QuerySet[Organisation]:
    reach = reach_of(user)
    if reach.superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=sorted(reach.organisation_ids))


def record_shares(*, record: Record) -> QuerySet[Share]:
    return Share.objects.filter(content_type_id=_content_type_id(type(record)), object_id=record.pk).select_related(  # type: ignore[arg-type]
        "organisation"
    )


def administered_countries(*, user: Caller, organisation: Organisation) -> frozenset[str] | None:
    """Where the user administers the organisation: None if nowhere, an empty set for every country (platform
    staff, or a membership not limited to some countries), else the countries the membership covers."""
    reach = reach_of(user)
    if reach.superuser:
        return frozenset()
    for grant in reach.grants:
        if grant.organisation_id == organisation.pk and grant.role == Role.ADMINISTRATOR:
            return grant.countries
    return None


def is_administrator(*, user: Caller, organisation: Organisation) -> bool:
    """Manages the organisation's members and reads its audit log."""
    return administered_countries(user=user, organisation=organisation) is not None


def may_edit_in(*, user: Caller, country: str) -> bool:
    """An editing role covering the country (or platform staff): the least that any change in it needs."""
    reach = reach_of(user)
    return reach.superuser or bool(reach.editing_grants(country))


def may_edit_somewhere(*, user: Caller) -> bool:
    """An editing role in some organisation, for some country (or platform staff)."""
    reach = reach_of(user)
    return reach.superuser or any(grant.role in EDITING_ROLES for grant in reach.grants)


DECIDING_ROLES = EDITING_ROLES | {Role.REVIEWER}


def may_decide_on_findings(*, user: Caller, country: str) -> bool:
    """Acknowledging a country's findings or marking them as false positives is a review: reviewers, editors and
    administrators whose membership covers the country (and platform staff) may. Changing the rules' parameters
    changes what is found, and stays with those who may edit in the country (`may_edit_in`)."""
    reach = reach_of(user)
    return reach.superuser or any(grant.role in DECIDING_ROLES and grant.covers(country) for grant in reach.grants)


def editable_ids(*, user: Caller, records: Iterable[Record]) -> set[Any]:
    """The ids of the records the user may change, with at most one query whatever their number."""
    records = list(records)
    reach = reach_of(user)
    if reach.superuser:
        return {record.pk for record in records}
    editable: set[Any] = set()
    unsure: dict[type, list[Record]] = {}
    for record in records:
        organisation_ids = {grant.organisation_id for grant in reach.editing_grants(record.country)}
        if not organisation_ids:
            continue
        if record.owner_id in organisation_ids:
            editable.add(record.pk)
        else:
            unsure.setdefault(type(record), []).append(record)
    for model, candidates in unsure.items():
        shared = set(
            Share.objects.filter(
                content_type_id=_content_type_id(model),
                object_id__in=[record.pk for record in candidates],
                organisation_id__in=sorted(reach.organisation_ids),
                can_edit=True,
            ).values_list("object_id", "organisation_id")
        )
        for record in candidates:
            granted = {grant.organisation_id for grant in reach.editing_grants(record.country)}
            if any((record.pk, organisation_id) in shared for organisation_id in granted):
                editable.add(record.pk)
    return editable


def organisation_invitations(*, user: Caller, organisation: Organisation) -> QuerySet[Invitation]:
    """The organisation's invitations not used nor withdrawn yet, for its administrators; none for anyone else."""
    if not is_administrator(user=user, organisation=organisation):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.ADMINISTRATOR})


def may_review_results(*, user: Caller, record: Record) -> bool:
    """Approving or returning the values reported on a record's results (a programme's) is a review by its owner
    organisation: its reviewers and administrators whose membership covers the record's country (and platform staff).
    Editors submit values but do not approve them, and an organisation the record is shared with, even for editing,
    never reviews: the owner answers for the figures it publishes."""
    reach = reach_of(user)
    if reach.superuser:
        return True
    if record.owner_id is None:
        return False
    return any(
        grant.organisation_id == record.owner_id and grant.role in REVIEWING_ROLES and grant.covers(record.country)
        for grant in reach.grants
    )


def importing_owners(*, user: Caller) -> QuerySet[Organisation]:
    """The organisations in whose name the user may import records of several countries (IATI files): those they
    edit for in at least one country (each record is then checked against its own country). Everything for
    platform staff."""
    reach = reach_of(user)
    if reach.superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=[grant.organisation_id for grant in reach.grants if grant.role in EDITING_ROLES]
    )
