"""Creating, editing and deleting actors through the pages."""

from django.test import Client
from django.urls import reverse

from egide.actors.models import Actor, Relationship
from tests.actors.html import field_errors, has_error_class, option_values, text
from tests.actors.pages import HTMX, actor_names, army_form, changed_message, messages_shown
from tests.conftest import ActorFactory, SmallMap


def test_new_actor_form_is_a_whole_page_on_a_plain_visit(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-create", kwargs={"code": "CF"})).content.decode()
    assert "<html" in html
    assert 'action="/countries/CF/actors/new/"' in html
    assert 'name="name_en"' in html


def test_new_actor_form_is_a_fragment_for_htmx(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-create", kwargs={"code": "CF"}), **HTMX).content.decode()
    assert "<html" not in html
    assert '<h2 id="dialog-title">New actor</h2>' in html
    assert 'hx-post="/countries/CF/actors/new/"' in html


def test_new_actor_form_offers_only_this_countrys_actors_as_parents(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    other = make_actor(country="CD", kind="police", name="Police nationale congolaise")
    html = member_client.get(reverse("actor-create", kwargs={"code": "CF"}), **HTMX).content.decode()
    parents = option_values(html, "parent")
    assert str(small_map.defence.pk) in parents
    assert str(other.pk) not in parents


def test_creating_an_actor_with_htmx_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {
            "name_en": "Gendarmerie",
            "name_fr": "Gendarmerie nationale",
            "acronym_en": "GN",
            "kind": "gendarmerie",
            "parent": small_map.defence.pk,
            "statutory": "on",
            "confidence": "high",
        },
        **HTMX,
    )
    assert changed_message(response) == "Actor “Gendarmerie” created."
    actor = Actor.objects.get(country="CF", name_en="Gendarmerie")
    assert (actor.reference, actor.family, actor.parent, actor.confidence, actor.statutory) == (
        "GN",
        "security_providers",
        small_map.defence,
        "high",
        True,
    )
    assert actor.name_fr == "Gendarmerie nationale"


def test_creating_an_actor_with_a_plain_post_redirects_to_it_with_a_message(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Court of Cassation", "kind": "court", "confidence": "medium"},
    )
    actor = Actor.objects.get(name_en="Court of Cassation")
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": actor.pk})
    page = member_client.get(response["Location"])
    assert messages_shown(page) == ["Actor “Court of Cassation” created."]
    assert actor.reference == "COURT-OF-CASSATION"
    assert actor.name_fr == "Court of Cassation"


def test_new_actors_appear_in_the_actors_table(member_client: Client, small_map: SmallMap) -> None:
    member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Customs", "kind": "customs", "confidence": "low"},
        **HTMX,
    )
    assert "Customs" in actor_names(member_client.get("/countries/CF/actors/table/", **HTMX))


def test_an_actor_without_a_name_is_refused_next_to_the_name(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}), {"kind": "police", "confidence": "medium"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert field_errors(html, "name_en") == ["Give the actor a name in English or French."]
    assert has_error_class(html, "name_en")
    assert Actor.objects.count() == 7


def test_an_actor_without_a_kind_is_refused_next_to_the_kind(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}), {"name_en": "Something", "confidence": "medium"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert field_errors(html, "kind") == ["This field is required."]
    assert 'value="Something"' in html


def test_an_actor_with_a_used_reference_is_refused_next_to_the_reference(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Another army", "kind": "armed_forces", "reference": "FACA", "confidence": "medium"},
        **HTMX,
    )
    assert field_errors(response.content.decode(), "reference") == [
        "“FACA” is already used by another actor of this country."
    ]


def test_an_actor_with_a_bad_reference_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Army", "kind": "armed_forces", "reference": "has spaces", "confidence": "medium"},
        **HTMX,
    )
    assert field_errors(response.content.decode(), "reference") == [
        "The reference must be 1 to 64 letters, digits, dots, dashes or underscores."
    ]


def test_a_parent_in_another_country_is_refused_next_to_the_parent(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    congolese = make_actor(country="CD", kind="ministry_of_defence", name="Ministère de la Défense (RDC)")
    response = member_client.post(
        reverse("actor-create", kwargs={"code": "CF"}),
        {"name_en": "Border guard", "kind": "border_guard", "parent": congolese.pk, "confidence": "medium"},
        **HTMX,
    )
    errors = field_errors(response.content.decode(), "parent")
    assert len(errors) == 1
    assert "valid choice" in errors[0]
    assert not Actor.objects.filter(name_en="Border guard").exists()


def test_a_parent_loop_is_refused_next_to_the_parent(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.presidency.pk}),
        {
            "name_en": "Presidency",
            "kind": "head_of_state",
            "reference": "PR",
            "parent": small_map.army.pk,
            "confidence": "medium",
        },
        **HTMX,
    )
    assert field_errors(response.content.decode(), "parent") == [
        "This parent would make a loop: the actor is already one of its ancestors."
    ]
    small_map.presidency.refresh_from_db()
    assert small_map.presidency.parent is None


def test_an_actor_cannot_be_chosen_as_its_own_parent(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-edit", kwargs={"pk": small_map.army.pk}), **HTMX).content.decode()
    parents = option_values(html, "parent")
    assert str(small_map.defence.pk) in parents
    assert str(small_map.army.pk) not in parents


def test_edit_actor_form_holds_the_current_values(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(reverse("actor-edit", kwargs={"pk": small_map.army.pk}), **HTMX).content.decode()
    assert '<h2 id="dialog-title">Edit Armed Forces</h2>' in html
    assert 'name="name_en" value="Armed Forces"' in html
    assert 'name="reference" value="FACA"' in html
    assert f'<option value="{small_map.defence.pk}" selected>' in html
    assert '<option value="armed_forces" selected>' in html


def test_editing_an_actor_with_htmx_saves_and_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}),
        army_form(
            small_map,
            name_en="Central African Armed Forces",
            legitimacy_disputed="on",
            mandate_text="Defend the territory.",
        ),
        **HTMX,
    )
    assert changed_message(response) == "Actor “Central African Armed Forces” saved."
    small_map.army.refresh_from_db()
    assert small_map.army.name_en == "Central African Armed Forces"
    assert small_map.army.legitimacy_disputed is True
    assert small_map.army.mandate_text == "Defend the territory."
    assert small_map.army.reference == "FACA"


def test_editing_an_actor_with_a_plain_post_redirects_with_a_message(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}), army_form(small_map, statutory=None, parent="")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": small_map.army.pk})
    assert messages_shown(member_client.get(response["Location"])) == ["Actor “Armed Forces” saved."]
    small_map.army.refresh_from_db()
    assert small_map.army.statutory is False
    assert small_map.army.parent is None


def test_editing_an_actors_kind_changes_its_family(member_client: Client, small_map: SmallMap) -> None:
    member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}), army_form(small_map, kind="military_court"), **HTMX
    )
    small_map.army.refresh_from_db()
    assert small_map.army.family == "justice"


def test_clearing_the_reference_keeps_the_old_one(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-edit", kwargs={"pk": small_map.army.pk}), army_form(small_map, reference=""), **HTMX
    )
    assert response.status_code == 204
    small_map.army.refresh_from_db()
    assert small_map.army.reference == "FACA"


def test_deleting_an_actor_from_its_page_goes_back_to_the_country(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("actor-delete", kwargs={"pk": small_map.army.pk}), {"next": "country"}, **HTMX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("country-detail", kwargs={"code": "CF"})
    assert not Actor.objects.filter(pk=small_map.army.pk).exists()
    assert not Relationship.objects.filter(pk=small_map.commands.pk).exists()
    assert messages_shown(member_client.get(response["HX-Redirect"])) == [
        "Actor “Armed Forces” deleted, with its relationships."
    ]


def test_deleting_an_actor_with_htmx_elsewhere_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(reverse("actor-delete", kwargs={"pk": small_map.newspaper.pk}), **HTMX)
    assert changed_message(response) == "Actor “Le Citoyen” deleted, with its relationships."
    assert Actor.objects.count() == 6


def test_deleting_an_actor_with_a_plain_post_redirects_to_the_country(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(reverse("actor-delete", kwargs={"pk": small_map.defence.pk}), {"next": "country"})
    assert response.status_code == 302
    assert response["Location"] == reverse("country-detail", kwargs={"code": "CF"})
    page = member_client.get(response["Location"])
    assert messages_shown(page) == ["Actor “Ministry of Defence” deleted, with its relationships."]
    small_map.army.refresh_from_db()
    assert small_map.army.parent is None
    assert "6 actors, 2 relationships" in text(page.content.decode())


def test_deleting_an_actor_needs_a_post(member_client: Client, small_map: SmallMap) -> None:
    assert member_client.get(reverse("actor-delete", kwargs={"pk": small_map.army.pk})).status_code == 405
    assert Actor.objects.filter(pk=small_map.army.pk).exists()
