"""The permission vocabulary, defined once in egide.accounts.selectors: the platform itself, who administers an
organisation, who may decide on a country's findings, who may edit somewhere. Owner, member, viewer and outsider."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from egide.accounts.models import Confidentiality, Membership, Organisation, Role
from egide.accounts.selectors import (
    PLATFORM,
    administered_countries,
    can_create,
    can_edit,
    can_manage,
    is_administrator,
    may_decide_on_findings,
    may_edit_somewhere,
    reach_of,
)
from egide.actors import selectors
from egide.actors.exporter import map_document
from tests.conftest import ActorFactory, make_user


def test_the_platform_is_user_none_and_reaches_everything(make_actor: ActorFactory, organisation: Organisation) -> None:
    assert PLATFORM is None
    hidden = make_actor(name="Hidden unit", confidentiality=Confidentiality.RESTRICTED)
    assert reach_of(PLATFORM).superuser
    assert list(selectors.actors_visible(user=PLATFORM)) == [hidden]
    assert can_edit(user=PLATFORM, record=hidden)
    assert can_manage(user=PLATFORM, record=hidden)
    assert can_create(user=PLATFORM, owner=None, country="CF")
    assert is_administrator(user=PLATFORM, organisation=organisation)
    assert may_decide_on_findings(user=PLATFORM, country="CF")


def test_the_platforms_export_holds_every_record(make_actor: ActorFactory) -> None:
    """What the command line exports: restricted records too (it used a fake staff user before)."""
    make_actor(name="Hidden unit", confidentiality=Confidentiality.RESTRICTED)
    make_actor(name="Open unit", confidentiality=Confidentiality.PUBLIC)
    names = {actor["name_en"] for actor in map_document(user=PLATFORM, country="CF")["actors"]}
    assert names == {"Hidden unit", "Open unit"}
    assert {actor["name_en"] for actor in map_document(user=AnonymousUser(), country="CF")["actors"]} == {"Open unit"}


def test_administrators(owner: User, member: User, viewer: User, outsider: User, organisation: Organisation) -> None:
    assert administered_countries(user=owner, organisation=organisation) == frozenset()
    assert is_administrator(user=owner, organisation=organisation)
    for user in (member, viewer, outsider, AnonymousUser()):
        assert administered_countries(user=user, organisation=organisation) is None
        assert not is_administrator(user=user, organisation=organisation)


def test_an_administrator_limited_to_some_countries(organisation: Organisation) -> None:
    limited = make_user("limited", organisation, Role.ADMINISTRATOR, countries=["CF", "ML"])
    assert administered_countries(user=limited, organisation=organisation) == frozenset({"CF", "ML"})


def test_a_deactivated_account_reaches_what_a_visitor_does(owner: User, organisation: Organisation) -> None:
    owner.is_active = False
    owner.save()
    assert reach_of(owner) == reach_of(AnonymousUser())
    assert not is_administrator(user=owner, organisation=organisation)
    assert not may_edit_somewhere(user=owner)


@pytest.mark.parametrize(
    ("who", "country", "decides"),
    [
        ("owner", "CF", True),
        ("member", "CF", True),
        ("viewer", "CF", False),
        ("outsider", "CF", True),  # an editor of another organisation that works on every country
        ("staff", "CF", True),
        ("limited", "CF", True),
        ("limited", "ML", False),
        ("reviewer", "CF", True),  # a review is what the role is for, although it edits nothing
        ("limited reviewer", "CF", True),
        ("limited reviewer", "ML", False),
    ],
)
def test_who_decides_on_findings(
    request: pytest.FixtureRequest, organisation: Organisation, who: str, country: str, decides: bool
) -> None:
    if who == "limited":
        user = make_user("limited", organisation, Role.EDITOR, countries=["CF"])
    elif who == "reviewer":
        user = make_user("reviewer", organisation, Role.REVIEWER)
    elif who == "limited reviewer":
        user = make_user("limited-reviewer", organisation, Role.REVIEWER, countries=["CF"])
    else:
        user = request.getfixturevalue(who)
    assert may_decide_on_findings(user=user, country=country) is decides
    assert may_edit_somewhere(user=user) is (who not in ("viewer", "reviewer", "limited reviewer"))


@pytest.mark.parametrize(
    ("role", "decides"),
    [(Role.ADMINISTRATOR, True), (Role.EDITOR, True), (Role.REVIEWER, True), (Role.VIEWER, False)],
)
def test_each_role_on_findings(organisation: Organisation, role: str, decides: bool) -> None:
    user = make_user(f"a-{role}", organisation, role)
    assert may_decide_on_findings(user=user, country="CF") is decides
    assert may_decide_on_findings(user=user, country="ML") is decides  # a membership without countries: all


def test_nobody_and_visitors_edit_nowhere(nobody: User) -> None:
    for user in (nobody, AnonymousUser()):
        assert not may_edit_somewhere(user=user)
        assert not may_decide_on_findings(user=user, country="CF")


def test_a_viewer_who_is_also_an_editor_elsewhere_edits_there_only(
    viewer: User, other_organisation: Organisation
) -> None:
    Membership.objects.create(user=viewer, organisation=other_organisation, role=Role.EDITOR, countries=["ML"])
    assert may_edit_somewhere(user=viewer)
    assert may_decide_on_findings(user=viewer, country="ML")
    assert not may_decide_on_findings(user=viewer, country="CF")
