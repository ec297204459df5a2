"""The country's counts are kept per map version and per scope of readers: a change shows at once, and readers who
see different records never read each other's counts."""

from django.contrib.auth.models import User

from egide.accounts.models import Confidentiality, Organisation
from egide.actors import selectors, services
from tests.conftest import ActorFactory


def test_counts_follow_every_change(make_actor: ActorFactory, staff: User) -> None:
    ministry = make_actor(kind="ministry_of_interior", name="Ministry of the Interior", reference="MOI")
    assert selectors.country_counts(user=staff, country="CF").actors == 1
    make_actor(kind="police", name="National Police", reference="POL", parent=ministry)
    assert selectors.country_counts(user=staff, country="CF").actors == 2
    services.actor_delete(user=None, actor=ministry)
    assert selectors.country_counts(user=staff, country="CF").actors == 1


def test_readers_of_different_reach_never_share_counts(
    make_actor: ActorFactory, staff: User, member: User, outsider: User, organisation: Organisation
) -> None:
    make_actor(kind="police", name="National Police", reference="POL")
    make_actor(
        kind="gendarmerie",
        name="Gendarmerie",
        reference="GEN",
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
    )
    seen = {
        name: selectors.country_counts(user=user, country="CF").actors
        for name, user in (("staff", staff), ("member", member), ("outsider", outsider))
    }
    again = {
        name: selectors.country_counts(user=user, country="CF").actors
        for name, user in (("outsider", outsider), ("member", member), ("staff", staff))
    }
    assert seen == again == {"staff": 2, "member": 2, "outsider": 1}


def test_an_unreachable_cache_costs_a_count_not_an_error(
    make_actor: ActorFactory, staff: User, settings: object
) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1"}
    }  # type: ignore[attr-defined]
    make_actor(kind="police", name="National Police", reference="POL")
    assert selectors.country_counts(user=staff, country="CF").actors == 1
