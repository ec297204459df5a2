"""The map's own pages: the reader's preferences (layout, day) and the command tree."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egide.core import as_of
from egide.core.reference import countries
from egide.core.web import country_or_404
from egide.duediligence.commanders import commanders_on
from egide.maps import selectors, services
from egide.maps.context import SESSION_LAYOUT, map_context
from egide.maps.models import Layout


@require_POST
def map_preferences(request: HttpRequest) -> HttpResponse:
    """Remember the reader's layout (`layout`: with the account, or in a visitor's session) and day (`as_of`,
    YYYY-MM-DD, empty to forget it: in the session, shared with the governance analysis). Answers what is now
    remembered, as JSON; 400 with the errors by field for what cannot be read, and nothing is changed then."""
    errors: dict[str, list[str]] = {}
    layout = request.POST.get("layout")
    day = None
    if "as_of" in request.POST:
        try:
            day = as_of.read_day(request.POST["as_of"], field="as_of")
        except ValidationError as error:
            errors.update(error.message_dict)
    if layout is not None and layout not in Layout.values:
        errors["layout"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Layout.values)}]
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    if layout is not None:
        if request.user.is_authenticated:
            services.map_preference_set(user=request.user, layout=layout)
        else:
            request.session[SESSION_LAYOUT] = layout
    if "as_of" in request.POST:
        as_of.remember(request, day)
    remembered = as_of.remembered(request)
    return JsonResponse(
        {
            "layout": selectors.map_layout(user=request.user) or request.session.get(SESSION_LAYOUT) or Layout.FORCE,
            "as_of": remembered.isoformat() if remembered else None,
        }
    )


def command_tree(request: HttpRequest, code: str) -> HttpResponse:
    """The country's chains of command and administration as an organisation chart, on the chosen day."""
    country = country_or_404(code)
    day = as_of.request_day(request)
    tree = selectors.country_command_tree(user=request.user, country=country, as_of=day)
    # Who commanded each unit on the tree's day (today without one), for a reader who may read those people.
    commanders_day = day or timezone.localdate()
    context = map_context(request, country, day) | {
        "country": country,
        "country_name": countries()[country].label,
        "tree": tree,
        "day": day,
        "commanders": commanders_on(user=request.user, country=country, day=commanders_day),
        "commanders_day": commanders_day,
    }
    return render(request, "maps/command_tree.html", context)
