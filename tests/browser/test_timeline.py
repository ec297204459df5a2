"""The country timeline in a real browser: the chart draws a bar for each programme's planned and actual dates,
under the strict CSP (a blocked style or script would be a console error), and the table lists the same items."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation
from egide.programmes.models import Programme
from egide.references.models import Mission
from tests.browser.test_map import CHROMIUM, Visit, browser, static_root
from tests.browser.test_phones_and_accessibility import LAPTOP, PHONE, _overflow, _violations

__all__ = ["browser", "static_root"]  # the fixtures this module shares with the map's tests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"the browser tests need Chromium at {CHROMIUM}"),
]

# The number of canvas pixels of a colour (RGB), whatever the device's pixel ratio.
PIXELS_OF = """
([red, green, blue]) => {
  const canvas = document.querySelector('#timeline-chart canvas');
  if (!canvas || !canvas.width) return 0;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let found = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const near = Math.abs(pixels[i] - red) < 4 && Math.abs(pixels[i + 1] - green) < 4;
    if (near && Math.abs(pixels[i + 2] - blue) < 4) found += 1;
  }
  return found;
}
"""
ACTUAL_COLOUR = [0x1D, 0x4E, 0x89]
PLANNED_COLOUR = [0x9D, 0xB4, 0xD6]
MISSION_COLOUR = [0x7A, 0x3E, 0x9D]


@pytest.fixture(params=["en-GB", "fr-FR"])
def timeline_visit(
    request: pytest.FixtureRequest, browser: Any, live_server: Any, transactional_db: None, member: User
) -> Iterator[Visit]:
    context = browser.new_context(viewport=LAPTOP, locale=request.param)
    tab = Visit(context.new_page(), live_server.url)
    yield tab
    context.close()


def _programmes(organisation: Organisation) -> None:
    day = datetime.date
    Programme.objects.create(
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
        country="CF",
        title_en="Support for strengthening the rule of law",
        status="4",
        planned_start=day(2007, 1, 1),
        planned_end=day(2009, 12, 31),
        actual_start=day(2007, 3, 1),
        actual_end=day(2010, 6, 30),
    )
    Programme.objects.create(
        owner=organisation, country="CF", title_en="Police training", planned_start=day(2015, 1, 1)
    )
    Mission.objects.create(
        owner=organisation,
        country="CF",
        kind="un_peace_operation",
        name_en="UN mission in the Central African Republic",
        name_fr="Mission des Nations unies en République centrafricaine",
        start_date=day(2014, 4, 10),
    )


def test_the_timeline_draws_planned_and_actual_bars(timeline_visit: Visit, organisation: Organisation) -> None:
    _programmes(organisation)

    timeline_visit.log_in("/countries/CF/timeline/")
    page = timeline_visit.page
    page.wait_for_selector("#timeline-chart[data-marks]", state="attached")

    assert page.get_attribute("#timeline-chart", "data-marks") == "4"
    assert page.evaluate(PIXELS_OF, ACTUAL_COLOUR) > 100
    assert page.evaluate(PIXELS_OF, PLANNED_COLOUR) > 100
    assert page.evaluate(PIXELS_OF, MISSION_COLOUR) > 100
    rows = page.locator(".timeline-table tbody tr")
    assert rows.count() == 3
    assert "Support for strengthening the rule of law" in rows.nth(0).inner_text()
    assert timeline_visit.errors == []


def test_the_timeline_fits_a_phone_and_has_no_serious_accessibility_violation(
    timeline_visit: Visit, organisation: Organisation
) -> None:
    _programmes(organisation)
    timeline_visit.log_in("/countries/CF/timeline/")
    page = timeline_visit.page
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        page.reload()
        page.wait_for_selector("#timeline-chart[data-marks]", state="attached")
        measured = _overflow(page)
        assert measured["scrollWidth"] <= measured["innerWidth"], (size["width"], measured)
        assert _violations(page) == [], size["width"]
    assert timeline_visit.errors == []
