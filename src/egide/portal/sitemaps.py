"""The public portal's sitemap: its home, its latest developments and each country's page, in every language."""

import datetime
from dataclasses import dataclass

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from egide.portal.caching import languages
from egide.portal.freshness import last_change
from egide.portal.selectors import published_countries


@dataclass(frozen=True, slots=True)
class Page:
    name: str
    language: str
    code: str = ""


class PortalSitemap(Sitemap[Page]):
    changefreq = "daily"

    def items(self) -> list[Page]:
        codes = [country.code for country in published_countries()]
        pages = []
        for language in languages():
            pages += [Page("portal:home", language), Page("portal:latest", language)]
            pages += [Page("portal:country", language, code) for code in codes]
        return pages

    def location(self, item: Page) -> str:
        arguments = {"language": item.language} | ({"code": item.code} if item.code else {})
        return reverse(item.name, kwargs=arguments)

    def lastmod(self, item: Page) -> datetime.datetime | None:
        # The pages that show every country change with the platform; a country's page is left without (reading
        # each country's last change would cost a dozen queries per country).
        if item.code:
            return None
        if not hasattr(self, "_modified"):
            self._modified = last_change().modified
        return self._modified
