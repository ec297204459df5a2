"""The Coordination tab's money charts in a real browser: the Sankey diagram and the timeline draw under the strict
CSP (a blocked script or style would be a console error), the print button works without an inline handler, and
the page fits a phone without a serious accessibility violation."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from egide.accounts.models import Organisation
from egide.programmes.models import Programme
from tests.browser.test_map import CHROMIUM, Visit, browser, static_root
from tests.browser.test_phones_and_accessibility import LAPTOP, PHONE, _overflow, _violations
from tests.conftest import SmallMap
from tests.coordination.test_flows_pages import funded

__all__ = ["browser", "funded", "static_root"]  # the fixtures this module shares

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"the browser tests need Chromium at {CHROMIUM}"),
]


@pytest.fixture(params=["en-GB", "fr-FR"])
def visit(
    request: pytest.FixtureRequest, browser: Any, live_server: Any, transactional_db: None, member: User
) -> Iterator[Visit]:
    context = browser.new_context(viewport=LAPTOP, locale=request.param)
    tab = Visit(context.new_page(), live_server.url)
    yield tab
    context.close()


def test_the_sankey_and_the_timeline_draw(
    visit: Visit, small_map: SmallMap, organisation: Organisation, funded: tuple[Programme, Programme]
) -> None:
    visit.log_in("/countries/CF/coordination/?year=2025")
    page = visit.page
    page.wait_for_selector("#coordination-sankey[data-links]", state="attached")
    page.wait_for_selector("#coordination-timeline[data-series]", state="attached")
    # France → Expertise France, EU → France; Expertise France → justice and prisons, France → justice.
    assert page.get_attribute("#coordination-sankey", "data-links") == "5"
    assert page.locator("#coordination-sankey svg path").count() >= 5
    assert page.get_attribute("#coordination-timeline", "data-series") == "2"
    assert page.locator("#coordination-print").is_visible()
    # The tooltip (HTML, built from imported names, escaped) shows without a CSP refusal.
    page.locator("#coordination-sankey").scroll_into_view_if_needed()
    box = page.locator("#coordination-sankey").bounding_box()
    tooltip = page.locator("#coordination-sankey div").filter(has_text="USD")
    for offset in range(12, int(box["height"]), 12):  # down the funders' column until a node is under the pointer
        page.mouse.move(box["x"] + 10, box["y"] + offset)
        page.wait_for_timeout(100)
        if tooltip.count() and tooltip.first.is_visible():
            break
    assert tooltip.first.is_visible()
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        page.reload()
        page.wait_for_selector("#coordination-sankey[data-links]", state="attached")
        measured = _overflow(page)
        assert measured["scrollWidth"] <= measured["innerWidth"], (size["width"], measured)
        assert _violations(page) == [], size["width"]
    assert visit.errors == []
