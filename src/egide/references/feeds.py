"""The latest developments as RSS and Atom feeds, everywhere and per country: public records only, whoever asks
(a feed reader keeps and passes on what it reads, so the feed never depends on a session)."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _

from egide.core.reference import country_name
from egide.core.web import country_or_404
from egide.references.selectors import Development, developments

FEED_LENGTH = 50


class LatestDevelopmentsFeed(Feed):
    feed_type: type[feedgenerator.SyndicationFeed] = feedgenerator.Rss201rev2Feed

    def get_object(self, request: HttpRequest, code: str = "") -> str:
        return country_or_404(code) if code else ""

    def title(self, country: str) -> str:
        if country:
            return _("Latest developments in security sector reform: %(country)s") % {"country": country_name(country)}
        return _("Latest developments in security sector reform")

    def link(self, country: str) -> str:
        if country:
            return reverse("country-latest-developments", kwargs={"code": country})
        return reverse("latest-developments")

    def description(self, country: str) -> str:
        return _("Security Council debates and resolutions, statements, reports and missions started or ended.")

    def items(self, country: str) -> list[Development]:
        return developments(user=AnonymousUser(), country=country, limit=FEED_LENGTH, public_only=True)

    def item_title(self, item: Development) -> str:
        return f"{item.label}: {item.title}"

    def item_description(self, item: Development) -> str:
        return item.summary

    def item_link(self, item: Development) -> str:
        return item.url

    def item_guid(self, item: Development) -> str:
        return item.key

    item_guid_is_permalink = False

    def item_pubdate(self, item: Development) -> datetime.datetime:
        return datetime.datetime.combine(item.day, datetime.time(12), tzinfo=datetime.UTC)

    def item_categories(self, item: Development) -> list[str]:
        return [item.label, *item.countries]


class LatestDevelopmentsAtom(LatestDevelopmentsFeed):
    feed_type = feedgenerator.Atom1Feed

    def subtitle(self, country: str) -> str:
        return self.description(country)
