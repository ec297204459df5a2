"""The main pages on a phone (390 px wide) and a laptop, in English and French: nothing widens the page past the
screen, and axe-core finds no serious or critical accessibility violation."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.browser import test_map
from tests.browser.test_map import Visit
from tests.conftest import SmallMap

# The browser and the static root, as the map's tests set them up.
browser = test_map.browser
static_root = test_map.static_root

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
AXE = "/static/vendor/axe-core/axe.min.js"


def _incident(small_map: SmallMap) -> int:
    """An incident of the map's country with its unit alleged responsible (made the first time it is asked for)."""
    from egide.duediligence import incident_services
    from egide.duediligence.models import Incident

    found = Incident.objects.values_list("pk", flat=True).first()
    if found is not None:
        return found
    incident = incident_services.incident_create(
        user=None,
        country="CF",
        data=incident_services.IncidentData(
            title_en="Night raid on the market", violation="attack_on_civilians", owner=small_map.army.owner
        ),
    )
    incident_services.responsibility_create(
        user=None, incident=incident, data=incident_services.ResponsibilityData(actor=small_map.army)
    )
    return incident.pk


def _pages(small_map: SmallMap) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "incidents": reverse("incidents:list") + "?country=CF",
        "incident": reverse("incidents:detail", kwargs={"pk": _incident(small_map)}),
        "new incident": reverse("incidents:create", kwargs={"code": "CF"}),
        "country": reverse("country-detail", kwargs={"code": "CF"}),
        "actor": reverse("actor-detail", kwargs={"pk": small_map.army.pk}),
        "findings": reverse("country-governance", kwargs={"code": "CF"}),
        "import": reverse("country-import", kwargs={"code": "CF"}),
        "not found": "/no/such/page/",
    }


@pytest.fixture(params=["en-GB", "fr-FR"])
def tab(
    request: pytest.FixtureRequest,
    browser: Any,
    live_server: Any,
    transactional_db: None,
    member: User,
    small_map: SmallMap,
) -> Iterator[Visit]:
    context = browser.new_context(viewport=PHONE, locale=request.param)
    visit = Visit(context.new_page(), live_server.url)
    visit.log_in("/")
    yield visit
    context.close()


def _overflow(page: Any) -> dict[str, Any]:
    """How wide the document is against the screen, and the first elements that reach past its right edge."""
    result: dict[str, Any] = page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            beyond: [...document.querySelectorAll("body *")]
                .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 12)
                .map((element) => element.tagName + "." + element.className),
        })"""
    )
    return result


def _violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands."""
    page.add_script_tag(url=AXE)
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter((violation) => ["serious", "critical"].includes(violation.impact))
            .map((violation) => ({id: violation.id, nodes: violation.nodes.map((node) => node.target.join(" "))}))"""
    )
    return [f"{item['id']}: {', '.join(item['nodes'][:3])}" for item in found]


def test_no_page_is_wider_than_a_phone_or_a_laptop(tab: Visit, small_map: SmallMap) -> None:
    page = tab.page
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        for name, path in _pages(small_map).items():
            page.goto(tab.url(path))
            page.wait_for_load_state("networkidle")
            if name == "country":
                tab.wait_for_map()
            measured = _overflow(page)
            assert measured["scrollWidth"] <= measured["innerWidth"], (name, size["width"], measured)
            if name == "not found":
                tab.errors = [error for error in tab.errors if "404 (Not Found)" not in error]
    assert tab.errors == []


def test_the_main_pages_have_no_serious_accessibility_violation(tab: Visit, small_map: SmallMap) -> None:
    page = tab.page
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        for name, path in _pages(small_map).items():
            page.goto(tab.url(path))
            page.wait_for_load_state("load")
            if name == "country":
                tab.wait_for_map()
            assert _violations(page) == [], (name, size["width"])


def test_a_wide_table_on_a_phone_scrolls_in_its_box_and_takes_the_focus(tab: Visit, small_map: SmallMap) -> None:
    page = tab.page
    page.set_viewport_size(PHONE)
    page.goto(tab.url(reverse("actor-detail", kwargs={"pk": small_map.defence.pk})))
    page.wait_for_load_state("load")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll(".table-scroll, main table")]
            .filter((box) => box.scrollWidth > box.clientWidth + 1)
            .map((box) => box.getAttribute("tabindex"))"""
    )
    assert boxes, "a table of the actor page is wider than a phone and scrolls in its box"
    assert set(boxes) == {"0"}
    assert _overflow(page)["scrollWidth"] == 390
