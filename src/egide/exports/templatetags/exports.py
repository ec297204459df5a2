"""The export buttons of a list page: `{% export_buttons "actors" country=code %}` links to the list's CSV and XLSX
files with the page's current filters (its query string, without the page number)."""

from typing import Any

from django import template
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from egide.exports.services import export_query

register = template.Library()


@register.simple_tag(takes_context=True)
def export_buttons(context: template.Context, name: str, *, country: str = "", programme: Any = None) -> SafeString:
    request: HttpRequest = context["request"]
    query = export_query(request.GET).urlencode()
    addresses = {}
    for fmt in ("csv", "xlsx"):
        if country:
            address = reverse("export-country-list", kwargs={"code": country, "name": name, "fmt": fmt})
        elif programme is not None:
            address = reverse("export-programme-list", kwargs={"pk": int(programme), "name": name, "fmt": fmt})
        else:
            address = reverse("export-list", kwargs={"name": name, "fmt": fmt})
        addresses[fmt] = f"{address}?{query}" if query else address
    return render_to_string("exports/_buttons.html", {"id": f"export-{name}", **addresses}, request=request)
