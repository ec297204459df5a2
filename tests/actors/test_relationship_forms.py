"""Creating, editing and deleting relationships through the pages."""

from django.test import Client
from django.urls import reverse

from egide.actors import services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor, Relationship
from tests.actors.html import element, elements, field_errors, text_of
from tests.actors.pages import HTMX, changed_message, messages_shown, relationship_form
from tests.conftest import ActorFactory, SmallMap


def test_new_relationship_form_preselects_the_source(member_client: Client, small_map: SmallMap) -> None:
    html = member_client.get(
        reverse("relationship-create", kwargs={"code": "CF"}), {"source": small_map.interior.pk}, **HTMX
    ).content.decode()
    (chosen,) = elements(html, 'select[name="source"] option[selected]')
    assert (chosen["value"], text_of(chosen)) == (str(small_map.interior.pk), "Ministry of the Interior")


def test_creating_a_relationship_with_htmx_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(
            small_map.defence,
            "administers",
            small_map.army,
            legal_basis="Law 17.011",
            start="2017-05",
            strength="strong",
        ),
        **HTMX,
    )
    assert changed_message(response) == "Relationship “Ministry of Defence administers Armed Forces” created."
    relationship = Relationship.objects.get(source=small_map.defence, target=small_map.army)
    assert (relationship.type, relationship.start, relationship.strength, relationship.country) == (
        "administers",
        "2017-05",
        "strong",
        "CF",
    )


def test_creating_a_relationship_with_a_plain_post_redirects_to_its_page(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(small_map.newspaper, "scrutinises", small_map.police),
    )
    assert response.status_code == 302
    created = Relationship.objects.get(source=small_map.newspaper, target=small_map.police)
    assert response["Location"] == reverse("relationship-detail", kwargs={"pk": created.pk})
    page = member_client.get(response["Location"])
    assert messages_shown(page) == ["Relationship “Le Citoyen scrutinises National Police” created."]
    assert text_of(element(page.content.decode(), "h1")) == "Le Citoyen scrutinises National Police"


def test_a_relationship_to_itself_is_refused_next_to_the_target(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(small_map.police, "coordinates_with", small_map.police),
        **HTMX,
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "target") == ["An actor cannot be related to itself."]
    assert Relationship.objects.count() == 3


def test_an_end_before_the_start_is_refused_next_to_the_end(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(small_map.defence, "administers", small_map.army, start="2016-03", end="2015", ongoing=""),
        **HTMX,
    )
    html = response.content.decode()
    assert field_errors(html, "end") == ["The end date comes before the start date."]
    assert 'name="start" value="2016-03"' in html


def test_an_ongoing_relationship_with_an_end_is_refused_next_to_the_end(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(small_map.defence, "administers", small_map.army, start="2016", end="2018"),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "end") == ["An ongoing relationship has no end date."]


def test_a_newspaper_commanding_the_police_is_refused_next_to_the_type(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(small_map.newspaper, "commands", small_map.police),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "type") == [
        "An actor of the family “Public information” cannot be the source of “commands”."
    ]
    assert not Relationship.objects.filter(source=small_map.newspaper).exists()


def test_an_unreadable_date_is_refused_next_to_its_field(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(small_map.defence, "administers", small_map.army, start="March 2016"),
        **HTMX,
    )
    assert field_errors(response.content.decode(), "start") == [
        "“March 2016” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
    ]


def test_a_relationship_with_an_actor_of_another_country_is_refused(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    congolese = make_actor(country="CD", kind="police", name="Police nationale congolaise")
    response = member_client.post(
        reverse("relationship-create", kwargs={"code": "CF"}),
        relationship_form(small_map.interior, "administers", congolese),
        **HTMX,
    )
    errors = field_errors(response.content.decode(), "target")
    assert len(errors) == 1
    assert "valid choice" in errors[0]


def test_edit_relationship_form_holds_the_current_values(member_client: Client, small_map: SmallMap) -> None:
    services.relationship_update(
        user=None,
        relationship=small_map.commands,
        data=RelationshipData(
            source=small_map.presidency,
            target=small_map.army,
            type="commands",
            start=services.fuzzy_or_none("2016", field="start"),
            legal_basis="Constitution",
            owner=small_map.presidency.owner,
        ),
    )
    html = member_client.get(
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}), **HTMX
    ).content.decode()
    assert 'name="start" value="2016"' in html
    assert 'name="legal_basis" value="Constitution"' in html
    assert '<option value="commands" selected>' in html
    assert 'hx-post="/relationships/' in html


def test_editing_a_relationship_with_htmx_saves_and_triggers_a_refresh(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}),
        relationship_form(
            small_map.presidency, "appoints", small_map.army, start="2016", end="2020-06", ongoing="", confidence="high"
        ),
        **HTMX,
    )
    assert changed_message(response) == "Relationship “Presidency appoints Armed Forces” saved."
    small_map.commands.refresh_from_db()
    assert (small_map.commands.type, small_map.commands.start, small_map.commands.end) == (
        "appoints",
        "2016",
        "2020-06",
    )
    assert (small_map.commands.ongoing, small_map.commands.confidence) == (False, "high")


def test_editing_a_relationship_with_a_plain_post_redirects_to_its_page(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("relationship-edit", kwargs={"pk": small_map.oversees.pk}),
        relationship_form(small_map.parliament, "oversees", small_map.defence, legal_basis="Art. 60"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("relationship-detail", kwargs={"pk": small_map.oversees.pk})
    assert messages_shown(member_client.get(response["Location"])) == [
        "Relationship “National Assembly oversees (parliamentary) Ministry of Defence” saved."
    ]
    small_map.oversees.refresh_from_db()
    assert small_map.oversees.legal_basis == "Art. 60"


def test_editing_a_relationship_with_bad_data_keeps_it(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(
        reverse("relationship-edit", kwargs={"pk": small_map.commands.pk}),
        relationship_form(small_map.newspaper, "commands", small_map.army),
        **HTMX,
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "type") == [
        "An actor of the family “Public information” cannot be the source of “commands”."
    ]
    small_map.commands.refresh_from_db()
    assert small_map.commands.source == small_map.presidency


def test_deleting_a_relationship_with_htmx_triggers_a_refresh(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.post(reverse("relationship-delete", kwargs={"pk": small_map.commands.pk}), **HTMX)
    assert changed_message(response) == "Relationship “Presidency commands Armed Forces” deleted."
    assert not Relationship.objects.filter(pk=small_map.commands.pk).exists()
    assert Actor.objects.count() == 7


def test_deleting_a_relationship_with_a_plain_post_redirects_to_its_source(
    member_client: Client, small_map: SmallMap
) -> None:
    response = member_client.post(reverse("relationship-delete", kwargs={"pk": small_map.administers.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("actor-detail", kwargs={"pk": small_map.interior.pk})
    assert messages_shown(member_client.get(response["Location"])) == [
        "Relationship “Ministry of the Interior administers National Police” deleted."
    ]


def test_deleting_a_relationship_needs_a_post(member_client: Client, small_map: SmallMap) -> None:
    assert member_client.get(reverse("relationship-delete", kwargs={"pk": small_map.commands.pk})).status_code == 405
    assert Relationship.objects.filter(pk=small_map.commands.pk).exists()
