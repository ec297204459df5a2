"""The country page in a real browser: the interactive map and the dialog forms, in English and French.

Drives Debian's Chromium through Playwright against pytest-django's live server.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test.utils import override_settings

from egide.actors import services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor
from egide.core.fuzzy_dates import FuzzyDate
from tests.conftest import ActorFactory, SmallMap

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a-long-test-password"  # the `member` fixture's password
TIMEOUT_MS = 20_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"the browser tests need Chromium at {CHROMIUM}"),
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Python playwright")


@pytest.fixture(scope="session", autouse=True)
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The live server's WhiteNoise warns when the static root is missing: give it an empty one.

    Session-scoped and automatic so that it is in place before the live server starts.
    """
    with override_settings(STATIC_ROOT=str(tmp_path_factory.mktemp("static"))):
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's synchronous API keeps an event loop on this thread; the tests' own ORM calls are still
    # synchronous, so Django may run them beside it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Visit:
    """A browser tab on the live server, noting the page's script errors."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_in(self, next_path: str) -> None:
        self.page.goto(self.url(f"/login/?next={next_path}"))
        self.page.fill("#id_username", "member")
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_url(self.url(next_path))

    def wait_for_map(self) -> Any:
        """The map drawn and its layout finished, so that actors stay where the pointer is sent."""
        self.page.wait_for_selector('#map[data-layout="done"]', state="attached")
        return self.page.wait_for_selector('#map[data-ready="true"]', state="attached")

    def map_attribute(self, name: str) -> str:
        value = self.page.get_attribute("#map", name)
        assert value is not None, name
        return str(value)


@pytest.fixture
def visit(browser: Any, live_server: Any, transactional_db: None, member: User, small_map: SmallMap) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    tab = Visit(page, live_server.url)
    yield tab
    context.close()


def _select_and_read_card(visit: Visit, actor_id: int) -> str:
    assert visit.page.evaluate("id => window.egideMap.selectNode(id)", actor_id) is True
    visit.page.wait_for_selector("#map-card", state="visible")
    return str(visit.page.inner_text("#map-card-title"))


CANVAS_IS_DRAWN = """
() => {
  const canvases = Array.from(document.querySelectorAll('#map-canvas canvas'));
  return canvases.some(canvas => {
    if (!canvas.width || !canvas.height) return false;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4 * 7) { if (pixels[i] !== 0) return true; }
    return false;
  });
}
"""

NODE_POSITION = "id => window.egideMap.nodePosition(id)"


def test_the_map_draws_every_actor(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    assert visit.map_attribute("data-node-count") == "7"
    assert visit.map_attribute("data-edge-count") == "3"
    assert visit.page.evaluate(CANVAS_IS_DRAWN) is True
    assert visit.page.is_hidden("#map-card")
    assert visit.errors == []


def test_selecting_an_actor_opens_its_card(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    assert _select_and_read_card(visit, small_map.army.pk) == "Armed Forces"
    card = visit.page.inner_text("#map-card")
    assert "Security providers" in card
    assert "Presidency" in card  # it commands the army
    assert visit.page.get_attribute("#map-card a.map-card-open", "href") == f"/actors/{small_map.army.pk}/"
    assert visit.errors == []


def test_the_card_names_who_commanded_the_unit_on_the_maps_day(visit: Visit, small_map: SmallMap) -> None:
    import datetime

    from egide.duediligence.models import NameKind, Person, PersonName, Post, PostRole

    person = Person.objects.create(country="CF", owner=small_map.army.owner)
    PersonName.objects.create(person=person, name="General Exemplar Testperson", kind=NameKind.PRIMARY)
    Post.objects.create(
        person=person,
        actor=small_map.army,
        country="CF",
        role=PostRole.COMMANDER,
        start_date=datetime.date(2015, 1, 1),
        start_precision="year",
    )
    visit.log_in("/countries/CF/?as_of=2020-06-30")
    visit.wait_for_map()
    _select_and_read_card(visit, small_map.army.pk)
    card = visit.page.inner_text("#map-card")
    assert "Commanded on June 30, 2020 by" in card
    assert "General Exemplar Testperson (Commander)" in card
    _select_and_read_card(visit, small_map.police.pk)
    assert "General Exemplar Testperson" not in visit.page.inner_text("#map-card")
    assert visit.errors == []


def test_clicking_an_actor_on_the_map_opens_its_card(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    # The whole canvas in the window, so that the actor is where the pointer can reach it.
    visit.page.evaluate("() => document.getElementById('map-canvas').scrollIntoView({ block: 'center' })")
    # On a loaded machine the canvas may still be settling its viewport when the first click lands: read the
    # actor's place again and click again, a few times at most, until the card opens.
    for _attempt in range(4):
        point = visit.page.evaluate(NODE_POSITION, small_map.police.pk)
        assert point is not None
        visit.page.mouse.move(point["x"], point["y"])
        visit.page.wait_for_timeout(100)
        visit.page.mouse.click(point["x"], point["y"])
        try:
            visit.page.wait_for_selector("#map-card", state="visible", timeout=3000)
        except playwright_api.TimeoutError:
            continue
        break
    assert visit.page.is_visible("#map-card"), "clicking the actor never opened its card"
    assert visit.page.inner_text("#map-card-title") == "National Police"
    assert visit.errors == []


def test_the_map_card_speaks_french_after_switching_language(visit: Visit, small_map: SmallMap) -> None:
    small_map.army.name_fr = "Forces armées centrafricaines"
    small_map.army.save(update_fields=["name_fr"])
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    assert _select_and_read_card(visit, small_map.army.pk) == "Armed Forces"

    with visit.page.expect_navigation():
        visit.page.click('form.language-switcher button[value="fr"]')
    assert visit.page.get_attribute("html", "lang") == "fr"
    assert visit.page.url == visit.url("/countries/CF/")
    visit.wait_for_map()
    assert visit.map_attribute("data-node-count") == "7"
    assert _select_and_read_card(visit, small_map.army.pk) == "Forces armées centrafricaines"
    assert "Forces de sécurité" in visit.page.inner_text("#map-card")
    assert "République centrafricaine" in visit.page.inner_text("h1")

    with visit.page.expect_navigation():
        visit.page.click('form.language-switcher button[value="en"]')
    visit.wait_for_map()
    assert _select_and_read_card(visit, small_map.army.pk) == "Armed Forces"
    assert visit.errors == []


def test_searching_the_map_finds_an_actor(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    visit.page.fill("#map-search", "assembly")
    visit.page.press("#map-search", "Enter")
    visit.page.wait_for_selector("#map-card", state="visible")
    assert visit.page.inner_text("#map-card-title") == "National Assembly"
    assert visit.errors == []


def test_creating_an_actor_in_the_dialog_updates_the_page_without_reloading(visit: Visit, small_map: SmallMap) -> None:
    page = visit.page
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    page.evaluate("() => { window.egideNoReload = true; }")

    page.click("#new-actor")
    page.wait_for_selector("#dialog[open] #id_name_en")
    page.fill("#id_name_en", "Customs Service")
    page.fill("#id_name_fr", "Service des douanes")
    page.select_option("#id_kind", "customs")
    page.click("#dialog button[type=submit]")

    toast = page.wait_for_selector("#toasts .toast")
    assert toast is not None
    assert toast.inner_text() == "Actor “Customs Service” created."
    page.wait_for_selector("#dialog:not([open])", state="attached")
    # The map tab holds no actors table: the counts in the heading and the map show the new actor.
    page.wait_for_selector("#country-counts:has-text('8 actors')")
    page.wait_for_selector('#map[data-node-count="8"]', state="attached")
    assert page.evaluate("() => window.egideNoReload") is True
    assert visit.errors == []


def test_a_dialog_form_with_bad_data_shows_the_error_in_place(visit: Visit, small_map: SmallMap) -> None:
    page = visit.page
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    page.click("#new-relationship")
    page.wait_for_selector("#dialog[open] #id_source")
    page.select_option("#id_source", str(small_map.newspaper.pk))
    page.select_option("#id_type", "commands")
    page.select_option("#id_target", str(small_map.police.pk))
    page.click("#dialog button[type=submit]")
    error = page.wait_for_selector("#dialog #id_type-error")
    assert error is not None
    assert "cannot be the source of “commands”" in error.inner_text()
    assert page.is_visible("#dialog")
    assert visit.errors == []


ELEMENT_STATE = """
([id, name]) => {
  const cy = window.egideMap.view.cy;
  const element = cy.getElementById(String(id));
  return element.length ? { shown: element.visible(), marked: element.hasClass(name) } : null;
}
"""


def _element(visit: Visit, element_id: str, mark: str = "selected") -> dict[str, bool]:
    state = visit.page.evaluate(ELEMENT_STATE, [element_id, mark])
    assert state is not None, element_id
    return dict(state)


def _shown_becomes(visit: Visit, element_id: str, shown: bool) -> None:
    """Cytoscape applies a filter's style on a later frame than the one that updates the counts: wait (at most 5 s)
    for the element to be shown or hidden, rather than read its state at once."""
    expected = "true" if shown else "false"
    visit.page.wait_for_function(
        f"(args) => {{ const state = ({ELEMENT_STATE})(args); return state !== null && state.shown === {expected}; }}",
        arg=[element_id, "selected"],
        timeout=5000,
    )


def test_filters_hide_actors_and_their_relationships(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    army, commands = str(small_map.army.pk), f"e{small_map.commands.pk}"
    assert _element(visit, army)["shown"]
    assert _element(visit, commands)["shown"]

    # Hiding the security providers hides the army, the police, and the relationships that reach them.
    visit.page.uncheck('#map-filter-families input[value="security_providers"]')
    visit.page.wait_for_selector('#map[data-node-count="5"]', state="attached")
    assert visit.map_attribute("data-edge-count") == "1"  # only parliament oversees defence is left
    _shown_becomes(visit, army, False)
    _shown_becomes(visit, commands, False)
    assert _element(visit, str(small_map.parliament.pk))["shown"]
    assert "Actors shown: 5 of 7" in visit.page.inner_text("#map-counts")

    # Hiding a relationship type hides its relationships, not their actors.
    visit.page.click('#map-filter-families [data-map-check="all"]')
    visit.page.uncheck('#map-filter-types input[value="commands"]')
    visit.page.wait_for_selector('#map[data-edge-count="2"]', state="attached")
    assert visit.map_attribute("data-node-count") == "7"
    _shown_becomes(visit, army, True)
    _shown_becomes(visit, commands, False)
    assert visit.errors == []


def test_searching_selects_the_actor_from_the_list_and_opens_its_card(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    visit.page.fill("#map-search", "minis")
    visit.page.wait_for_selector("#map-search-results:not([hidden]) button")
    names = visit.page.locator("#map-search-results button").all_inner_texts()
    assert len(names) == 2
    assert all("Ministry" in name for name in names)
    assert "Actors found: 2" in visit.page.inner_text("#map-search-status")

    visit.page.click(f'#map-search-results button[data-node-id="{small_map.interior.pk}"]')
    visit.page.wait_for_selector("#map-card", state="visible")
    assert visit.page.inner_text("#map-card-title") == "Ministry of the Interior"
    assert "National Police" in visit.page.inner_text("#map-card")  # it administers the police
    assert _element(visit, str(small_map.interior.pk))["marked"]
    assert not _element(visit, str(small_map.defence.pk))["marked"]
    assert visit.page.is_hidden("#map-search-results")
    assert visit.errors == []


def test_the_governance_highlight_marks_the_findings_actors(visit: Visit, small_map: SmallMap) -> None:
    """The contract governance.js relies on: highlight(actors, relationships) brings them out and fades the rest."""
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    # A relationship brings out its two ends with it.
    shown = visit.page.evaluate("ids => window.egideMap.highlight(ids[0], ids[1])", [[], [small_map.administers.pk]])
    assert shown is True
    assert (visit.map_attribute("data-highlight-nodes"), visit.map_attribute("data-highlight-edges")) == ("2", "1")
    for actor in (small_map.interior, small_map.police):
        assert _element(visit, str(actor.pk), "lit")["marked"]
    assert _element(visit, f"e{small_map.administers.pk}", "lit")["marked"]
    assert _element(visit, str(small_map.army.pk), "faded")["marked"]
    assert _element(visit, f"e{small_map.commands.pk}", "faded")["marked"]

    # A highlighted actor whose family is hidden is shown again.
    visit.page.uncheck('#map-filter-families input[value="public_information"]')
    assert visit.page.evaluate("id => window.egideMap.highlight([id], [])", small_map.newspaper.pk) is True
    assert visit.page.is_checked('#map-filter-families input[value="public_information"]')
    assert _element(visit, str(small_map.newspaper.pk), "lit") == {"shown": True, "marked": True}

    assert visit.page.evaluate("() => window.egideMap.highlight([999999], [])") is False
    visit.page.evaluate("() => window.egideMap.clearHighlight()")
    assert visit.map_attribute("data-highlight-nodes") == "0"
    assert not _element(visit, str(small_map.army.pk), "faded")["marked"]
    assert visit.errors == []


# --- layouts, the day of the map, the search list (issue: a readable map) -----------------------------------------

CY_NODE = """
id => {
  const node = window.egideMap.view.cy.getElementById(String(id));
  const parent = node.data('parent') || null;
  return { x: node.position('x'), y: node.position('y'), label: node.data('label'), parent };
}
"""


def _switch_layout(visit: Visit, name: str) -> None:
    visit.page.select_option("#map-layout", name)
    visit.page.wait_for_selector(f'#map[data-layout-name="{name}"][data-layout="done"]', state="attached")


def test_the_layouts_place_authority_on_top_group_families_and_are_remembered(
    visit: Visit, small_map: SmallMap
) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    assert visit.map_attribute("data-layout-name") == "force"
    # Whole names under the actors: nothing cut.
    assert visit.page.evaluate(CY_NODE, small_map.interior.pk)["label"] == "Ministry of the Interior"

    _switch_layout(visit, "layered")
    at = {
        actor.name_en: visit.page.evaluate(CY_NODE, actor.pk)
        for actor in vars(small_map).values()
        if hasattr(actor, "kind")
    }
    # The presidency above its ministry and the army it commands; the interior above the police it administers.
    assert at["Presidency"]["y"] < at["Ministry of Defence"]["y"] < at["Armed Forces"]["y"]
    assert at["Ministry of the Interior"]["y"] < at["National Police"]["y"]
    # Bodies in no chain of command (parliament, media) stand beside the layers.
    chains = ("Presidency", "Ministry of Defence", "Armed Forces", "Ministry of the Interior", "National Police")
    rightmost_chain = max(at[name]["x"] for name in chains)
    assert at["National Assembly"]["x"] > rightmost_chain
    assert at["Le Citoyen"]["x"] > rightmost_chain

    _switch_layout(visit, "grouped")
    boxes = visit.page.evaluate("() => window.egideMap.view.cy.nodes('.family-group').map(n => n.data('label')).sort()")
    assert boxes == ["Management and oversight", "Public information", "Security providers", "Supervisory bodies"]
    assert visit.page.evaluate(CY_NODE, small_map.army.pk)["parent"] == "family:security_providers"
    assert visit.map_attribute("data-node-count") == "7"

    # The choice is kept with the account: the next visit opens grouped.
    visit.page.wait_for_function(
        "() => fetch('/countries/CF/').then(r => r.text()).then(t => t.includes('data-layout-choice=\"grouped\"'))"
    )
    visit.page.reload()
    visit.wait_for_map()
    assert visit.map_attribute("data-layout-name") == "grouped"
    assert visit.page.input_value("#map-layout") == "grouped"
    _switch_layout(visit, "force")
    assert visit.page.evaluate("() => window.egideMap.view.cy.nodes('.family-group').length") == 0
    assert visit.page.evaluate(CY_NODE, small_map.army.pk)["parent"] is None
    assert visit.errors == []


def test_the_date_control_shows_the_map_of_that_day_and_carries_it(visit: Visit, small_map: SmallMap) -> None:
    services.relationship_create(
        user=None,
        data=RelationshipData(
            source=small_map.interior,
            target=small_map.army,
            type="administers",
            start=FuzzyDate.parse("2001"),
            end=FuzzyDate.parse("2004"),
            ongoing=False,
            owner=small_map.interior.owner,
        ),
    )
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    assert visit.map_attribute("data-edge-count") == "4"

    visit.page.fill("#map-as-of", "2010-01-01")
    visit.page.wait_for_selector(
        '#map[data-as-of="2010-01-01"][data-edge-count="3"][data-ready="true"]', state="attached"
    )
    assert visit.page.url.endswith("/countries/CF/?as_of=2010-01-01")
    assert visit.page.get_attribute("#map-command-tree", "href") == "/countries/CF/command-tree/?as_of=2010-01-01"
    assert visit.page.get_attribute("#map-governance", "href") == "/countries/CF/governance/?as_of=2010-01-01"
    assert "Relationships that held on" in visit.page.inner_text("#map-date-status")

    # The year slider: the end of 2003, when the interior still administered the army.
    visit.page.fill("#map-year", "2003")
    visit.page.wait_for_selector(
        '#map[data-as-of="2003-12-31"][data-edge-count="4"][data-ready="true"]', state="attached"
    )
    assert visit.page.input_value("#map-as-of") == "2003-12-31"

    # The governance page opens on the same day, and its map follows its own date field.
    visit.page.click("#map-governance")
    visit.page.wait_for_url("**/governance/?as_of=2003-12-31")
    assert visit.page.input_value("#id_as_of") == "2003-12-31"
    visit.wait_for_map()
    assert visit.map_attribute("data-edge-count") == "4"

    # Back on the country page without a day in the address: the day chosen is remembered; "All dates" forgets it.
    visit.page.goto(visit.url("/countries/CF/"))
    visit.wait_for_map()
    assert visit.map_attribute("data-as-of") == "2003-12-31"
    visit.page.click("#map-all-dates")
    visit.page.wait_for_selector('#map[data-as-of=""][data-edge-count="4"][data-ready="true"]', state="attached")
    assert "as_of" not in visit.page.url
    assert "Every relationship recorded" in visit.page.inner_text("#map-date-status")
    assert visit.errors == []


TYPE_AND_ENTER = """
text => {
  const input = document.getElementById('map-search');
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
}
"""


def test_the_search_list_closes_when_an_actor_is_chosen(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    # Chosen with the keyboard: Enter goes to the first match, and the list stays closed afterwards (the
    # browser's "search" event and the typing's delayed run used to open it again).
    # Typed and chosen at once, as a quick typist does (Enter within the typing's delay of 120 ms): the list
    # must not appear afterwards.
    visit.page.evaluate(TYPE_AND_ENTER, "assembly")
    visit.page.wait_for_selector("#map-card", state="visible")
    visit.page.wait_for_timeout(600)
    assert visit.page.is_hidden("#map-search-results")
    assert visit.page.inner_text("#map-card-title") == "National Assembly"
    # Chosen from the list that was shown.
    visit.page.fill("#map-search", "minis")
    visit.page.wait_for_selector("#map-search-results:not([hidden]) button")
    visit.page.press("#map-search", "Enter")
    visit.page.wait_for_timeout(600)
    assert visit.page.is_hidden("#map-search-results")
    # Chosen with the pointer, from a list opened by typing.
    visit.page.fill("#map-search", "nation")
    visit.page.wait_for_selector("#map-search-results:not([hidden]) button")
    visit.page.click(f'#map-search-results button[data-node-id="{small_map.police.pk}"]')
    visit.page.wait_for_timeout(600)
    assert visit.page.is_hidden("#map-search-results")
    assert visit.page.inner_text("#map-card-title") == "National Police"
    # Typing again opens it again.
    visit.page.fill("#map-search", "natio")
    visit.page.wait_for_selector("#map-search-results:not([hidden]) button")
    assert visit.errors == []


# --- the large map (sigma.js, WebGL): its shapes, and hovering after a drag -----------------------------------------


@pytest.fixture
def large_map(make_actor: ActorFactory, small_map: SmallMap) -> dict[str, Actor]:
    """More than 400 actors (a large map), and three media beside the small map's newspaper: a non-statutory one
    whose legitimacy is disputed (a diamond with a dashed ring), a disputed statutory one (a disc with a dashed
    ring) and a plain one."""
    for number in range(400):
        make_actor(kind="police", name=f"Police station {number}")
    return {
        "diamond": make_actor(kind="media", name="Free Radio", statutory=False, legitimacy_disputed=True),
        "ringed": make_actor(kind="media", name="State Broadcaster", legitimacy_disputed=True),
        "plain": make_actor(kind="media", name="Daily Record"),
    }


# The colours of the large map's WebGL layer of actors on circles around an actor, seen close up: for each
# fraction of its radius, 72 points at 5 degrees from one another, each "fill" (its centre's colour), "clear"
# (nothing drawn) or "mark" (another colour: its ring).
SHAPE_AROUND = """
id => {
  const view = window.egideMap.view;
  view.center(String(id), 30);
  const renderer = view.renderer;
  renderer.render();
  const data = renderer.getNodeDisplayData(String(id));
  const centre = renderer.framedGraphToViewport(data);
  const radius = renderer.scaleSize(data.size);
  const layer = renderer.getCanvases().nodes;
  const scale = layer.width / layer.clientWidth;
  const copy = document.createElement('canvas');
  copy.width = layer.width;
  copy.height = layer.height;
  const context = copy.getContext('2d', { willReadFrequently: true });
  context.drawImage(layer, 0, 0);  // in the same task as the drawing, before the layer is shown and cleared
  const at = (x, y) => context.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data;
  const fill = at(centre.x, centre.y);
  const kind = (pixel) => {
    if (pixel[3] < 40) return 'clear';
    const far = Math.max(...[0, 1, 2].map((i) => Math.abs(pixel[i] - fill[i])));
    return far < 40 ? 'fill' : 'mark';
  };
  const circles = {};
  for (const fraction of [0.3, 0.85, 0.9, 1.4]) {
    circles[fraction] = [];
    for (let step = 0; step < 72; step++) {
      const angle = (step * 5 * Math.PI) / 180;
      const x = centre.x + fraction * radius * Math.cos(angle);
      circles[fraction].push(kind(at(x, centre.y + fraction * radius * Math.sin(angle))));
    }
  }
  return { radius, circles };
}
"""


def _changes(kinds: list[str]) -> int:
    """How many times the colour changes going once around a circle."""
    return sum(kinds[i] != kinds[i - 1] for i in range(len(kinds)))


def _show_only_media(visit: Visit) -> None:
    visit.page.click('#map-filter-families [data-map-check="none"]')
    visit.page.check('#map-filter-families input[value="public_information"]')
    visit.page.wait_for_selector('#map[data-node-count="4"]', state="attached")


def test_the_large_map_draws_diamonds_and_dashed_rings(visit: Visit, large_map: dict[str, Actor]) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    assert visit.map_attribute("data-large") == "true"
    _show_only_media(visit)  # nothing else drawn near them

    plain = visit.page.evaluate(SHAPE_AROUND, large_map["plain"].pk)
    assert plain["radius"] > 8
    assert set(plain["circles"]["0.3"]) == {"fill"}
    assert set(plain["circles"]["0.85"]) == {"fill"}  # a disc, no ring
    assert set(plain["circles"]["1.4"]) == {"clear"}

    ringed = visit.page.evaluate(SHAPE_AROUND, large_map["ringed"].pk)
    assert set(ringed["circles"]["0.3"]) == {"fill"}
    near_edge = ringed["circles"]["0.85"]
    assert "clear" not in near_edge
    # Ten dashes: the ring's colour and the fill take turns twenty times, the dashes covering about half.
    assert 16 <= _changes(near_edge) <= 24, near_edge
    assert 0.35 <= near_edge.count("mark") / len(near_edge) <= 0.75, near_edge

    diamond = visit.page.evaluate(SHAPE_AROUND, large_map["diamond"].pk)
    assert set(diamond["circles"]["0.3"]) == {"fill"}
    rim = diamond["circles"]["0.9"]  # every 5 degrees: the axes at 0, 18, 36, 54; the diagonals at 9, 27, 45, 63
    assert all(rim[step] != "clear" for step in (0, 18, 36, 54)), rim  # the corners of a diamond...
    assert all(rim[step] == "clear" for step in (9, 27, 45, 63)), rim  # ... and no disc between them
    assert "mark" in rim  # its dashed ring
    assert "fill" in rim
    assert visit.errors == []


def test_the_large_map_shows_an_actor_under_the_pointer_after_a_drag(visit: Visit, large_map: dict[str, Actor]) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    _show_only_media(visit)
    visit.page.evaluate("() => document.getElementById('map-canvas').scrollIntoView({ block: 'center' })")
    actor = large_map["plain"].pk
    visit.page.evaluate("id => window.egideMap.view.center(String(id), 8)", actor)
    box = visit.page.locator("#map-canvas").bounding_box()
    assert box is not None
    # Drag the map by the empty top-left corner (while it moves, nothing is looked up under the pointer).
    visit.page.mouse.move(box["x"] + 30, box["y"] + 30)
    visit.page.mouse.down()
    visit.page.mouse.move(box["x"] + 90, box["y"] + 70, steps=8)
    visit.page.mouse.up()
    visit.page.wait_for_timeout(800)  # the drag's glide ends and the map is drawn still
    point = visit.page.evaluate(NODE_POSITION, actor)
    assert point is not None
    visit.page.mouse.move(point["x"], point["y"])
    visit.page.wait_for_selector(".map-tooltip:not([hidden])")
    assert "Daily Record" in visit.page.inner_text(".map-tooltip")
    visit.page.mouse.click(point["x"], point["y"])
    visit.page.wait_for_selector("#map-card", state="visible")
    assert visit.page.inner_text("#map-card-title") == "Daily Record"
    assert visit.errors == []


# The colour of the large map's WebGL layer of actors at an actor's centre, [r, g, b, a].
CENTRE_COLOUR = """
id => {
  const renderer = window.egideMap.view.renderer;
  renderer.render();
  const centre = renderer.framedGraphToViewport(renderer.getNodeDisplayData(String(id)));
  const layer = renderer.getCanvases().nodes;
  const scale = layer.width / layer.clientWidth;
  const copy = document.createElement('canvas');
  copy.width = layer.width;
  copy.height = layer.height;
  const context = copy.getContext('2d', { willReadFrequently: true });
  context.drawImage(layer, 0, 0);
  return Array.from(context.getImageData(Math.round(centre.x * scale), Math.round(centre.y * scale), 1, 1).data);
}
"""


def test_the_governance_highlight_fades_the_rest_of_the_large_map(visit: Visit, large_map: dict[str, Actor]) -> None:
    visit.log_in("/countries/CF/")
    visit.wait_for_map()
    _show_only_media(visit)
    plain, other = large_map["plain"].pk, large_map["ringed"].pk
    visit.page.evaluate("id => window.egideMap.view.center(String(id), 4)", other)
    before = visit.page.evaluate(CENTRE_COLOUR, other)
    assert visit.page.evaluate("id => window.egideMap.highlight([id], [], { frame: false })", plain) is True
    faded = visit.page.evaluate(CENTRE_COLOUR, other)
    assert sum(faded[:3]) > sum(before[:3]) + 60, (before, faded)  # paler: seen through the background
    visit.page.evaluate("() => window.egideMap.clearHighlight()")
    assert visit.page.evaluate(CENTRE_COLOUR, other) == before
    assert visit.errors == []
