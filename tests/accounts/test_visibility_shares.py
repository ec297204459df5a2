"""The visibility filter's shares: a restricted record is seen through a share of that very record, made with one
of the reader's organisations in a country the membership covers; the cases the mutation run checked last."""

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from egide.accounts import selectors
from egide.accounts.models import Membership, Organisation, Role, Share
from egide.actors.models import Actor, Relationship
from tests.conftest import SmallMap, make_user


def _seen(user: User) -> set[str]:
    return set(selectors.visible(Actor.objects.filter(country="CF"), user=user).values_list("reference", flat=True))


def _restrict(*actors: Actor) -> None:
    for actor in actors:
        actor.confidentiality = "restricted"
        actor.save(update_fields=["confidentiality"])


def test_a_share_of_another_kind_of_record_with_the_same_number_shows_nothing(
    outsider: User, other_organisation: Organisation, small_map: SmallMap
) -> None:
    army, police = small_map.army, small_map.police
    _restrict(army, police)
    # A relationship's share whose number is the army's: it must not open the army.
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Relationship),
        object_id=army.pk,
        organisation=other_organisation,
        country="CF",
    )
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Actor),
        object_id=police.pk,
        organisation=other_organisation,
        country="CF",
    )
    seen = _seen(outsider)
    assert "POL" in seen
    assert "FACA" not in seen


def test_shares_count_for_every_organisation_of_the_reader_whatever_their_countries(
    other_organisation: Organisation, small_map: SmallMap
) -> None:
    third = Organisation.objects.create(name_en="Third party", name_fr="Tiers", acronym="THIRD")
    # One membership for every country, another limited to CF: the filter groups them by their countries.
    reader = make_user("reader", other_organisation, Role.VIEWER)
    Membership.objects.create(user=reader, organisation=third, role=Role.VIEWER, countries=["CF"])
    army, police, parliament = small_map.army, small_map.police, small_map.parliament
    _restrict(army, police, parliament)
    actor_type = ContentType.objects.get_for_model(Actor)
    Share.objects.create(content_type=actor_type, object_id=army.pk, organisation=other_organisation, country="CF")
    Share.objects.create(content_type=actor_type, object_id=police.pk, organisation=third, country="CF")
    seen = _seen(reader)
    assert {"FACA", "POL"} <= seen
    assert "AN" not in seen
    # A reader of neither organisation sees neither.
    assert not {"FACA", "POL"} & _seen(make_user("stranger", Organisation.objects.create(acronym="X", name_en="X")))
