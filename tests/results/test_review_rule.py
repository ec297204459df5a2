"""The review rule (accounts.selectors.may_review_results) against an independent reading of it, on generated
memberships: a reviewer or administrator of the record's owner, whose membership covers its country, reviews;
nobody else does, whatever else they hold (editing rights, shares, other organisations' review roles)."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from hypothesis import given, settings
from hypothesis import strategies as st

from egide.accounts.models import Role
from egide.accounts.selectors import REACH_ATTRIBUTE, Grant, Reach, may_review_results

OWNER, OTHER = 1, 2
COUNTRY = "CF"


@dataclass
class Record:
    pk: int
    country: str
    owner_id: int | None
    confidentiality: str = "organisation"


grants = st.builds(
    Grant,
    organisation_id=st.sampled_from([OWNER, OTHER]),
    role=st.sampled_from(list(Role.values)),
    countries=st.frozensets(st.sampled_from(["CF", "CD", "ML"]), max_size=2),
)


def reader(memberships: list[Grant], *, superuser: bool = False) -> User:
    user = User(username="generated", is_active=True, is_superuser=superuser)
    setattr(user, REACH_ATTRIBUTE, Reach(authenticated=True, superuser=superuser, grants=tuple(memberships)))
    return user


def expected(memberships: list[Grant], record: Record) -> bool:
    for grant in memberships:
        owns = grant.organisation_id == record.owner_id
        reviews = grant.role in ("reviewer", "administrator")
        covers = not grant.countries or record.country in grant.countries
        if owns and reviews and covers:
            return True
    return False


@settings(deadline=None, max_examples=300)
@given(st.lists(grants, max_size=4), st.sampled_from([OWNER, OTHER, None]))
def test_the_review_rule_matches_its_reading(memberships: list[Grant], owner: int | None) -> None:
    record = Record(pk=1, country=COUNTRY, owner_id=owner)
    assert may_review_results(user=reader(memberships), record=record) is expected(memberships, record)


def test_platform_staff_and_the_platform_review_everything() -> None:
    record = Record(pk=1, country=COUNTRY, owner_id=None)
    assert may_review_results(user=reader([], superuser=True), record=record)
    assert may_review_results(user=None, record=record)


def test_the_generated_cases_reach_both_answers() -> None:
    record = Record(pk=1, country=COUNTRY, owner_id=OWNER)
    assert expected([Grant(OWNER, "reviewer", frozenset())], record)
    assert not expected([Grant(OWNER, "editor", frozenset())], record)
    assert not expected([Grant(OWNER, "reviewer", frozenset({"ML"}))], record)
