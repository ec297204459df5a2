"""The access selectors' rules one by one, with the records and memberships each rule turns on: the cases the
mutation run (`make mutation`) found untested."""

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from egide.accounts import selectors, services
from egide.accounts.models import Organisation, Role, Share
from egide.actors.models import Actor, Relationship
from tests.conftest import ActorFactory, SmallMap, make_user


def test_editing_follows_the_countries_of_the_membership(
    organisation: Organisation,
    other_organisation: Organisation,
    member: User,
    outsider: User,
    make_actor: ActorFactory,
) -> None:
    agency = other_organisation
    limited = make_user("limited", organisation, Role.EDITOR, countries=["CF"])
    here, there = make_actor(country="CF"), make_actor(country="CD")
    for user, expected in ((member, [True, True]), (limited, [True, False]), (outsider, [False, False])):
        assert [selectors.can_edit(user=user, record=record) for record in (here, there)] == expected, user
        assert [selectors.can_manage(user=user, record=record) for record in (here, there)] == expected, user
        assert [
            selectors.can_create(user=user, owner=organisation, country=country) for country in ("CF", "CD")
        ] == expected, user
        assert selectors.editable_ids(user=user, records=[there, here]) == {
            record.pk for record, allowed in zip((here, there), expected, strict=True) if allowed
        }, user
    # The organisations a user may create records for, country by country.
    for user, owners in ((member, [[organisation]] * 2), (limited, [[organisation], []]), (outsider, [[agency]] * 2)):
        assert [list(selectors.editable_owners(user=user, country=country)) for country in ("CF", "CD")] == owners


def test_staff_may_create_manage_and_edit_without_an_organisation(staff: User, make_actor: ActorFactory) -> None:
    ownerless = make_actor(owner=None)
    assert selectors.can_create(user=staff, owner=None, country="CF")
    assert selectors.can_manage(user=staff, record=ownerless)
    assert selectors.can_edit(user=staff, record=ownerless)


def test_a_record_without_an_owner_is_managed_by_staff_only(
    organisation: Organisation, owner: User, member: User, make_actor: ActorFactory
) -> None:
    ownerless = make_actor(owner=None)
    for user in (owner, member):
        assert not selectors.can_manage(user=user, record=ownerless)
        assert not selectors.can_create(user=user, owner=None, country="CF")
        assert selectors.can_create(user=user, owner=organisation, country="CF")


def test_only_an_editing_share_of_this_very_record_lets_an_outsider_edit(
    owner: User, outsider: User, other_organisation: Organisation, small_map: SmallMap
) -> None:
    read_only, edited, other = small_map.army, small_map.police, small_map.parliament
    for record in (read_only, edited, other):
        record.confidentiality = "restricted"
        record.save(update_fields=["confidentiality"])
    selectors.forget_reach(owner)
    services.record_share(user=owner, record=read_only, organisation=other_organisation, can_edit_too=False)
    services.record_share(user=owner, record=edited, organisation=other_organisation, can_edit_too=True)
    # An editing share of a relationship whose id is the actor's: a share names its record's type as well.
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Relationship),
        object_id=other.pk,
        organisation=other_organisation,
        can_edit=True,
        country="CF",
    )
    assert [selectors.can_edit(user=outsider, record=record) for record in (read_only, edited, other)] == [
        False,
        True,
        False,
    ]
    assert selectors.editable_ids(user=outsider, records=[read_only, edited, other]) == {edited.pk}
    assert [selectors.can_manage(user=outsider, record=record) for record in (read_only, edited, other)] == [
        False,
        False,
        False,
    ]
    assert [selectors.can_edit(user=owner, record=record) for record in (read_only, edited, other)] == [
        True,
        True,
        True,
    ]


def test_a_records_shares_are_its_own(
    owner: User, other_organisation: Organisation, small_map: SmallMap, django_assert_num_queries: object
) -> None:
    army, police = small_map.army, small_map.police
    for record in (army, police):
        record.confidentiality = "restricted"
        record.save(update_fields=["confidentiality"])
    army_share = services.record_share(user=owner, record=army, organisation=other_organisation, can_edit_too=False)
    services.record_share(user=owner, record=police, organisation=other_organisation, can_edit_too=True)
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Relationship),
        object_id=army.pk,
        organisation=other_organisation,
        country="CF",
    )
    ContentType.objects.get_for_model(Actor)  # cached, as it is in every request after the first
    with django_assert_num_queries(1):  # type: ignore[operator]
        # The organisations come with the shares, for the record's page to name them.
        shown = [(share.pk, share.organisation.acronym) for share in selectors.record_shares(record=army)]
    assert shown == [(army_share.pk, "AGENCY")]


def test_a_country_limited_reader_sees_only_what_is_shared_with_their_own_organisation(
    owner: User, member: User, other_organisation: Organisation, small_map: SmallMap
) -> None:
    third = Organisation.objects.create(name_en="Third party", name_fr="Tiers", acronym="THIRD")
    limited = make_user("limited-reader", other_organisation, Role.VIEWER, countries=["CF"])
    stranger = make_user("stranger", third, Role.VIEWER, countries=["CF"])
    army = small_map.army
    army.confidentiality = "restricted"
    army.save(update_fields=["confidentiality"])
    services.record_share(user=owner, record=army, organisation=third, can_edit_too=False)
    seen = {
        user.username: set(
            selectors.visible(Actor.objects.filter(country="CF"), user=user).values_list("pk", flat=True)
        )
        for user in (member, limited, stranger)
    }
    assert army.pk in seen["member"]
    assert army.pk in seen["stranger"]
    assert army.pk not in seen["limited-reader"]
