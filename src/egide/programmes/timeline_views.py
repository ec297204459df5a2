"""The country timeline's page and its JSON: thin views over timeline_selectors, under the same visibility rule."""

import datetime
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from egide.core import iati_codes
from egide.core.reference import countries
from egide.core.web import country_or_404
from egide.programmes.timeline import KINDS, Span, Timeline
from egide.programmes.timeline_selectors import TimelineFilters, country_timeline, timeline_partners

FIRST_YEAR, LAST_YEAR = 1945, 2100


class TimelineFilterForm(forms.Form):
    kinds = forms.MultipleChoiceField(label=_("Show"), required=False, widget=forms.CheckboxSelectMultiple, choices=())
    status = forms.ChoiceField(label=_("Programme status"), required=False, choices=())
    partner = forms.TypedChoiceField(label=_("Partner"), required=False, coerce=int, empty_value=None, choices=())
    first_year = forms.IntegerField(label=_("From year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    last_year = forms.IntegerField(label=_("To year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def __init__(self, data: Any, *, partners: list[tuple[int, str]]) -> None:
        super().__init__(data)
        kinds = self.fields["kinds"]
        assert isinstance(kinds, forms.MultipleChoiceField)
        kinds.choices = [(kind.code, kind.label) for kind in KINDS]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("Any status")), *((term.code, term.label) for term in iati_codes.STATUSES)]
        partner = self.fields["partner"]
        assert isinstance(partner, forms.TypedChoiceField)
        partner.choices = [("", _("Any partner")), *((str(pk), name) for pk, name in partners)]
        for name in ("first_year", "last_year"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "placeholder": _("Year")})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first is not None and last is not None and first > last:
            self.add_error("last_year", _("The last year comes before the first one."))
        return cleaned

    def filters(self) -> TimelineFilters:
        """The filters chosen; those that are not valid are left out (and the form says why)."""
        self.is_valid()
        values = getattr(self, "cleaned_data", {})
        kinds = frozenset(values.get("kinds") or ()) or TimelineFilters().kinds
        return TimelineFilters(
            status=values.get("status") or "",
            partner=values.get("partner"),
            first_year=values.get("first_year"),
            last_year=values.get("last_year") if "last_year" not in self.errors else None,
            kinds=kinds,
        )


def _timeline(request: HttpRequest, code: str) -> tuple[str, TimelineFilterForm, Timeline]:
    country = country_or_404(code)
    partners = timeline_partners(user=request.user, country=country)
    data = request.GET.copy()
    if not data.getlist("kinds"):
        # Every kind is shown unless the reader ticks some: the boxes say so.
        data.setlist("kinds", [kind.code for kind in KINDS])
    form = TimelineFilterForm(data, partners=partners)
    timeline = country_timeline(user=request.user, country=country, filters=form.filters())
    return country, form, timeline


def country_timeline_page(request: HttpRequest, code: str) -> HttpResponse:
    country, form, timeline = _timeline(request, code)
    context = {
        "country": country,
        "country_name": countries()[country].label,
        "tab": "timeline",
        "form": form,
        "timeline": timeline,
        "chart": timeline.as_data(),
        "kinds": [
            {
                "code": kind.code,
                "label": kind.label,
                "total": timeline.totals.get(kind.code, 0),
                "shown": timeline.shown(kind.code),
            }
            for kind in KINDS
        ],
        "table": _table(timeline),
        "query": request.GET.urlencode(),
    }
    return render(request, "programmes/timeline.html", context)


def _table(timeline: Timeline) -> list[dict[str, Any]]:
    """The table's rows with their dates written out here rather than in the template, which would take as long
    again for the largest timelines (a hundred rows)."""
    ongoing = str(_("ongoing"))

    def day(value: datetime.date | None, missing: str) -> str:
        return date_format(value, "j F Y") if value is not None else missing

    def span(value: Span | None) -> str:
        return f"{day(value.start, '?')} – {day(value.end, ongoing)}" if value is not None else "—"

    return [
        {
            "item": row.item,
            "kind_label": row.kind_label,
            "day": day(row.item.day, "") if row.item.day is not None else "",
            "planned": span(row.item.planned),
            "actual": span(row.item.actual),
        }
        for row in timeline.rows
    ]


def country_timeline_data(request: HttpRequest, code: str) -> JsonResponse:
    """The same items as the page, as the chart reads them: filters in the address, as on the page."""
    country, form, timeline = _timeline(request, code)
    data = timeline.as_data() | {
        "country": country,
        "errors": {name: list(errors) for name, errors in form.errors.items()},
    }
    return JsonResponse(data, status=200)
