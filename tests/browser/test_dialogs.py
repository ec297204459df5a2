"""The edit dialogs opened from inside a part of the page that refreshes itself, in a real browser.

Such a part (the actor page's body, the actors and relationships tables) carries htmx attributes of its own; a
button inside it must open the form dialog, not inherit them (an inherited hx-select emptied the dialog).
"""

from typing import Any

from django.urls import reverse

from tests.browser import test_map
from tests.browser.test_map import Visit
from tests.conftest import SmallMap

# The browser, its live-server tab and the static root, as the map's tests set them up.
browser = test_map.browser
static_root = test_map.static_root
visit = test_map.visit


def _actor_page(visit: Visit, small_map: SmallMap, *, width: int = 1280) -> Any:
    visit.page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
    path = reverse("actor-detail", kwargs={"pk": small_map.army.pk})
    visit.log_in(path)
    return visit.page


def test_the_edit_button_on_the_actor_page_opens_the_form(visit: Visit, small_map: SmallMap) -> None:
    page = _actor_page(visit, small_map)
    page.click("#edit-actor")
    page.wait_for_selector("#dialog[open] #id_name_en")
    assert page.input_value("#id_name_en") == "Armed Forces"
    assert visit.errors == []


def test_a_relationship_edit_button_on_the_actor_page_opens_its_form(visit: Visit, small_map: SmallMap) -> None:
    page = _actor_page(visit, small_map)
    page.click("#incoming button.link-button:text-is('Edit')")
    page.wait_for_selector("#dialog[open] #id_source")
    assert page.input_value("#id_source") == str(small_map.presidency.pk)
    assert visit.errors == []


def test_a_relationship_edit_button_in_the_country_table_opens_its_form(visit: Visit, small_map: SmallMap) -> None:
    visit.log_in("/countries/CF/relationships/")
    page = visit.page
    page.click("#relationships-table button.link-button:text-is('Edit')")
    page.wait_for_selector("#dialog[open] #id_source")
    assert page.locator("#dialog-content").count() == 1
    assert visit.errors == []


def test_a_stale_edit_shows_who_changed_what_where_a_phone_user_sees_it(visit: Visit, small_map: SmallMap) -> None:
    first = _actor_page(visit, small_map, width=390)
    second = first.context.new_page()
    second.goto(first.url)
    for page in (first, second):
        page.click("#edit-actor")
        page.wait_for_selector("#dialog[open] #id_notes")
    first.fill("#id_notes", "Saved first.")
    first.click("#dialog button[type=submit]")
    first.wait_for_selector("#dialog:not([open])", state="attached")
    second.fill("#id_notes", "Saved second.")
    second.click("#dialog button[type=submit]")
    notice = second.wait_for_selector("#edit-conflict")
    assert notice is not None
    assert "Notes: Saved first." in notice.inner_text()
    assert second.evaluate("() => document.activeElement.id") == "edit-conflict"
    top = second.evaluate("() => document.getElementById('edit-conflict').getBoundingClientRect().top")
    assert 0 <= top < 844
    assert second.input_value("#id_notes") == "Saved second."
    assert visit.errors == []
