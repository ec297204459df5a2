"""The command tree page (who sees which actors, on which day, in both languages) and the preferences endpoint."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.actors import services
from egide.actors.data import RelationshipData
from egide.audit.models import AuditEvent
from egide.core.fuzzy_dates import FuzzyDate
from egide.maps.context import SESSION_LAYOUT
from egide.maps.models import MapPreference
from tests.actors.html import element, elements, parse, text_of
from tests.conftest import SmallMap

pytestmark = pytest.mark.django_db


def tree_url(code: str = "CF") -> str:
    return reverse("country-command-tree", kwargs={"code": code})


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def branches(html: str) -> dict[str, list[str]]:
    """Each actor of the tree with the names of the actors hung directly below it."""
    found = {}
    for item in elements(html, "li.org-item"):
        name = text_of(item.select_one(".org-name"))
        group = item.find("ul", recursive=False)
        below = group.find_all("li", class_="org-item", recursive=False) if group else []
        found[name] = [text_of(child.select_one(".org-name")) for child in below]
    return found


def test_the_command_tree_hangs_from_the_executive(small_map: SmallMap, member: User) -> None:
    answer = client_of(member).get(tree_url())
    assert answer.status_code == 200
    html = answer.content.decode()
    tree = branches(html)
    # The presidency commands the army and is the parent of the ministry of defence (itself the army's parent).
    assert tree["Presidency"] == ["Armed Forces", "Ministry of Defence"]
    assert tree["Ministry of the Interior"] == ["National Police"]
    executive = element(html, "#tree-executive").find_parent("section")
    assert [text_of(a) for a in executive.select("ul.org-tree > li > .org-node .org-name")] == ["Presidency"]
    army = next(li for li in elements(html, "li.org-item") if text_of(li.select_one(".org-name")) == "Armed Forces")
    assert text_of(army.select_one(".org-link")) == "commands"
    assert "Ministry of Defence (part of)" in text_of(army.select_one(".org-others"))
    outside = [text_of(a) for a in element(html, "#tree-outside").find_parent("section").select("a")]
    assert outside == ["Le Citoyen", "National Assembly"]
    assert element(html, "#command-tree")["data-placed"] == "5"


def test_the_tree_shows_each_reader_what_they_may_see(
    small_map: SmallMap, owner: User, member: User, outsider: User
) -> None:
    army = small_map.army
    army.confidentiality = "organisation"
    army.save()
    for reader in (owner, member):
        assert "Armed Forces" in branches(client_of(reader).get(tree_url()).content.decode())
    for reader in (outsider, None):
        html = client_of(reader).get(tree_url()).content.decode()
        assert "Armed Forces" not in html
        assert "Presidency" in branches(html) or reader is None


def test_the_tree_is_public_for_public_records(small_map: SmallMap) -> None:
    for actor in (small_map.presidency, small_map.defence):
        actor.confidentiality = "public"
        actor.save()
    html = client_of(None).get(tree_url()).content.decode()
    assert branches(html) == {"Presidency": ["Ministry of Defence"], "Ministry of Defence": []}


def test_the_tree_stands_on_the_chosen_day(small_map: SmallMap, member: User) -> None:
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
    client = client_of(member)
    then = client.get(tree_url(), {"as_of": "2003-07-01"}).content.decode()
    assert "Also under: Ministry of the Interior (administers)" in text_of(parse(then))
    assert "As it stood on" in text_of(element(then, "hgroup"))
    now = client.get(tree_url(), {"as_of": "2020-01-01"}).content.decode()
    assert "Ministry of the Interior (administers)" not in text_of(parse(now))
    assert element(now, "#command-tree-as-of")["value"] == "2020-01-01"


def test_the_tree_speaks_french(small_map: SmallMap, member: User) -> None:
    client = client_of(member)
    html = client.get(tree_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert text_of(element(html, "h1")).startswith("Organigramme")
    army = next(li for li in elements(html, "li.org-item") if text_of(li.select_one(".org-name")) == "Armed Forces")
    assert text_of(army.select_one(".org-link")) == "commande"


def test_an_unknown_country_has_no_tree(member: User) -> None:
    assert client_of(member).get(tree_url("QQ")).status_code == 404


def test_the_country_page_links_to_the_tree(small_map: SmallMap, member: User) -> None:
    html = client_of(member).get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    assert element(html, "#map-command-tree")["href"] == tree_url()


# --- preferences ----------------------------------------------------------------------------------------------------


def test_a_user_s_layout_is_kept_with_the_account_and_audited(small_map: SmallMap, member: User) -> None:
    client = client_of(member)
    answer = client.post(reverse("map-preferences"), {"layout": "layered"})
    assert answer.status_code == 200
    assert answer.json() == {"layout": "layered", "as_of": None}
    assert MapPreference.objects.get(user=member).layout == "layered"
    event = AuditEvent.objects.get(content_type__model="mappreference", action="create")
    assert event.user == member
    assert event.after == {"layout": "layered"}
    # A new session of the same user opens the map in that layout.
    html = client_of(member).get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    assert element(html, "#map")["data-layout-choice"] == "layered"
    assert element(html, "#map-layout option[selected]")["value"] == "layered"
    client.post(reverse("map-preferences"), {"layout": "grouped"})
    assert MapPreference.objects.get(user=member).layout == "grouped"
    changed = AuditEvent.objects.get(content_type__model="mappreference", action="update")
    assert (changed.before, changed.after) == ({"layout": "layered"}, {"layout": "grouped"})


def test_each_user_has_their_own_layout(small_map: SmallMap, member: User, outsider: User) -> None:
    client_of(member).post(reverse("map-preferences"), {"layout": "grouped"})
    html = client_of(outsider).get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    assert element(html, "#map")["data-layout-choice"] == "force"


def test_a_visitor_s_layout_and_day_live_in_the_session(small_map: SmallMap) -> None:
    client = Client()
    answer = client.post(reverse("map-preferences"), {"layout": "grouped", "as_of": "2010-02-03"})
    assert answer.json() == {"layout": "grouped", "as_of": "2010-02-03"}
    assert client.session[SESSION_LAYOUT] == "grouped"
    assert not MapPreference.objects.exists()
    html = client.get(reverse("country-detail", kwargs={"code": "CF"})).content.decode()
    assert element(html, "#map")["data-layout-choice"] == "grouped"
    assert element(html, "#map")["data-as-of"] == "2010-02-03"
    assert client.post(reverse("map-preferences"), {"as_of": ""}).json()["as_of"] is None


def test_bad_preferences_are_refused_by_field_and_nothing_changes(member: User) -> None:
    client = client_of(member)
    answer = client.post(reverse("map-preferences"), {"layout": "spiral", "as_of": "2010-13-01"})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert errors["layout"] == ["Choose one of: force, layered, grouped."]
    assert "YYYY-MM-DD" in errors["as_of"][0]
    assert not MapPreference.objects.exists()
    assert client.get(reverse("map-preferences")).status_code == 405


def test_preferences_need_the_csrf_token(member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(reverse("map-preferences"), {"layout": "layered"}).status_code == 403
    assert not MapPreference.objects.exists()
