"""Every read of country context, through the access rules of egide.accounts.

Indicators belong to no country: a public source's indicator is public; an organisation's own series follows the
rule for global records (egide.accounts.selectors.global_visibility_filter).
"""

from django.db.models import QuerySet

from egide.accounts.selectors import global_visibility_filter, reach_of
from egide.context.models import Indicator, Observation, SourceLoad
from egide.core.users import Caller


def may_load_sources(*, user: Caller) -> bool:
    """Platform staff (and the command line): a public source's values are shown to every organisation."""
    return reach_of(user).superuser


def indicators_visible(*, user: Caller) -> QuerySet[Indicator]:
    condition = global_visibility_filter(user=user, model=Indicator)
    indicators = Indicator.objects.all()
    return indicators if condition is None else indicators.filter(condition)


def observations_visible(*, user: Caller) -> QuerySet[Observation]:
    return Observation.objects.filter(indicator__in=indicators_visible(user=user))


def source_loads(*, source: str = "") -> QuerySet[SourceLoad]:
    loads = SourceLoad.objects.select_related("loaded_by")
    return loads.filter(source=source) if source else loads
