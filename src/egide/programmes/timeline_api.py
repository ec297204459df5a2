"""The country timeline in the API: the same items, filters and visibility rules as its page
(egide.programmes.timeline_views), for tools that draw their own chart."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from ninja import Query, Router, Schema
from pydantic import Field

from egide.api.common import country_or_404
from egide.api.errors import answers
from egide.programmes.timeline_selectors import country_timeline, timeline_partners
from egide.programmes.timeline_views import TimelineFilterForm

router = Router(tags=["country timeline"])


class TimelineBarOut(Schema):
    phase: str = Field(description="planned or actual")
    phase_label: str
    start: datetime.date
    end: datetime.date
    open: bool = Field(description="The end is not known yet: the bar runs to today")


class TimelineRowOut(Schema):
    key: str
    kind: str = Field(description="programme, mission or document")
    kind_label: str
    label: str
    detail: str = Field(description="An IATI identifier, a mission's acronym or a document's symbol")
    link: str = Field(description="The item's page on this site, if any")
    status: str
    status_label: str
    illustrative: bool
    day: datetime.date | None = Field(description="A document's date (documents are points, not bars)")
    bars: list[TimelineBarOut]


class TimelineOut(Schema):
    country: str
    start: datetime.date | None = Field(description="The first day of the first year shown")
    end: datetime.date | None = Field(description="The last day of the last year shown")
    today: datetime.date
    totals: dict[str, int] = Field(
        description="For each kind, how many items the filters kept (the rows show 100 at most)"
    )
    rows: list[TimelineRowOut]


class TimelineQuery(Schema):
    """The page's filters, checked as the page checks them (an unknown value is refused with 422, naming it)."""

    kinds: str = Field("", description="Comma-separated kinds to show: programme, mission, document (all by default)")
    status: str = Field("", description="A programme status code (IATI ActivityStatus)")
    partner: str = Field("", description="An organisation's id: the programmes it takes part in, the missions it leads")
    first_year: str = Field("", description="Items whose dates overlap this year or later ones")
    last_year: str = Field("", description="Items whose dates overlap this year or earlier ones")


@router.get(
    "/countries/{code}/timeline",
    response=answers({200: TimelineOut}, 404, 422),
    summary="A country's timeline: programmes, missions and key documents",
)
def get_country_timeline(request: HttpRequest, code: str, filters: Query[TimelineQuery]) -> TimelineOut:
    country = country_or_404(code)
    data = QueryDict(mutable=True)
    data.setlist("kinds", [kind.strip() for kind in filters.kinds.split(",") if kind.strip()])
    for name in ("status", "partner", "first_year", "last_year"):
        data[name] = getattr(filters, name)
    form = TimelineFilterForm(data, partners=timeline_partners(user=request.user, country=country))
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    timeline = country_timeline(user=request.user, country=country, filters=form.filters())
    return TimelineOut.model_validate(timeline.as_data() | {"country": country})
