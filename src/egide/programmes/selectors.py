"""Every read of programmes, through the one visibility rule of accounts.selectors: pages, API, exports, imports
and the other apps (money, results, the timeline) read a programme and what it holds only through these."""

from django.db.models import QuerySet
from django.http import Http404

from egide.accounts.selectors import can_edit, visibility_filter
from egide.core.users import Caller
from egide.programmes.models import Programme


def programmes_visible(*, user: Caller, country: str | None = None) -> QuerySet[Programme]:
    """The programmes the user may see; of one lead country when `country` is given."""
    programmes = Programme.objects.all()
    if country is not None:
        programmes = programmes.filter(country=country)
    condition = visibility_filter(user=user, model=Programme, country=country)
    return programmes if condition is None else programmes.filter(condition)


def programme_visible(*, user: Caller, pk: int) -> Programme:
    """One programme the user may see, or 404 (never 403: a hidden programme does not show that it exists)."""
    try:
        return programmes_visible(user=user).get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404("No such programme.") from None


def programme_editable(*, user: Caller, programme: Programme) -> bool:
    """Whether the user may change the programme and what it holds (budgets, transactions, results): an editor of
    its owner organisation, or of one it shares editing with, as for the map's records."""
    return can_edit(user=user, record=programme)
