"""Who may read the records of due diligence: the map's rules (egide.accounts.selectors), made stricter.

People, incidents and due-diligence assessments are never shown to anonymous visitors, and a record marked public
is read as a record for partners, unless the platform allows publishing them (`EGIDE_PUBLISH_PEOPLE`, off by
default): a person's name and the allegations against them must not reach a public page, brief, API answer or
open-data file because someone chose the wrong level. Posts, names and evidence are read with their person or
incident, responsibilities with their incident, alerts with their assessment (pass the `prefix` to reach them).
"""

from django.conf import settings
from django.db.models import Model, Q

from egide.accounts.levels import Confidentiality
from egide.accounts.selectors import reach_of, visibility_filter
from egide.core.users import Caller

NOTHING = Q(pk__in=[])


def publishing_allowed() -> bool:
    """Whether the platform lets owners publish people and allegations at all (a deployment's choice)."""
    return bool(getattr(settings, "EGIDE_PUBLISH_PEOPLE", False))


def allowed_levels() -> list[Confidentiality]:
    """The levels an editor may choose for a record of due diligence."""
    return [level for level in Confidentiality if level != Confidentiality.PUBLIC or publishing_allowed()]


def readable_filter(*, user: Caller, model: type[Model], prefix: str = "", country: str | None = None) -> Q | None:
    """The condition a record of `model` (Person, Incident, DiligenceAssessment), or a record reached from one
    through `prefix` ("person__" for a post), must meet for the user to read it; None means everything (platform
    staff)."""
    reach = reach_of(user)
    if reach.superuser:
        return None
    if not reach.authenticated and not publishing_allowed():
        return Q(**{f"{prefix}pk__in": []})
    condition = visibility_filter(user=user, model=model, prefix=prefix, country=country)
    assert condition is not None  # only platform staff read everything
    if publishing_allowed():
        return condition
    public = Q(**{f"{prefix}confidentiality": Confidentiality.PUBLIC})
    return (condition & ~public) | (public & _partner_scope(user=user, prefix=prefix))


def _partner_scope(*, user: Caller, prefix: str) -> Q:
    """Where a record for partners is read by the user: every country, the countries their memberships cover, or
    nowhere."""
    grants = reach_of(user).grants
    if not grants:
        return Q(**{f"{prefix}pk__in": []})
    if any(not grant.countries for grant in grants):
        return Q()
    covered = sorted(set().union(*(grant.countries for grant in grants)))
    return Q(**{f"{prefix}country__in": covered})
