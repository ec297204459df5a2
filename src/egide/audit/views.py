"""The organisation's audit log page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from egide.accounts.models import Organisation
from egide.audit import selectors
from egide.audit.history import history_entries

PAGE_SIZE = 50


@require_safe
@login_required
def organisation_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The log of the organisation's records, for its administrators (and superusers); others get 403."""
    organisation = get_object_or_404(Organisation, pk=pk)
    filters = {
        "action": request.GET.get("action", "").strip(),
        "model": request.GET.get("model", "").strip(),
        "q": request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_LENGTH],
    }
    events = selectors.organisation_log(
        user=request.user,
        organisation=organisation,
        action=filters["action"],
        model=filters["model"],
        search=filters["q"],
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    choices = selectors.organisation_log_choices(organisation=organisation)
    return render(
        request,
        "audit/organisation_log.html",
        {
            "organisation": organisation,
            "page": page,
            "history": history_entries(user=request.user, events=page.object_list),
            "filters": filters,
            "action_choices": choices["actions"],
            "model_choices": choices["models"],
        },
    )
