"""The open findings of several countries at once (the dashboard's reading) are those each country's own reading
gives the same reader, cached or not, decisions and hidden records included."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache as shared_cache

from egide.actors.models import Relationship
from egide.governance import cache, services
from egide.governance.selectors import country_findings, open_findings_by_country, open_severities_by_country
from tests.conftest import ActorFactory
from tests.governance.test_visibility import KEY, hidden_oversight  # noqa: F401  (the fixture)


def _one_by_one(user: User | AnonymousUser | None, countries: list[str]) -> dict[str, list[str]]:
    return {
        country: sorted(item.key for item in country_findings(user=user, country=country).open())
        for country in countries
    }


def _at_once(user: User | AnonymousUser | None, countries: list[str]) -> dict[str, list[str]]:
    return {
        country: sorted(item.key for item in found)
        for country, found in open_findings_by_country(user=user, countries=countries).items()
    }


def test_the_same_open_findings_as_each_country_read_alone(
    hidden_oversight: Relationship,  # noqa: F811
    make_actor: ActorFactory,
    owner: User,
    outsider: User,
) -> None:
    make_actor(country="CD", kind="armed_forces", name="FARDC", reference="FARDC", confidentiality="public")
    decided = country_findings(user=None, country="CD").open()[0]
    services.finding_decide(
        user=None, country="CD", key=decided.key, rule=decided.rule, status="acknowledged", comment="Known."
    )
    countries = ["CD", "CF", "TD"]
    for reader in (None, owner, outsider, AnonymousUser()):
        for cached in (False, True):
            if not cached:
                cache.memory.clear()
                shared_cache.clear()
            at_once = _at_once(reader, countries)
            assert at_once == _one_by_one(reader, countries)
            assert at_once["CD"]  # an army answering to no civilian authority makes findings
            assert decided.key not in at_once["CD"]  # decided: not open
            # The hidden oversight resolves the finding for the owner's organisation only.
            assert (KEY in at_once["CF"]) == (reader in (outsider,) or isinstance(reader, AnonymousUser))
    assert open_findings_by_country(user=None, countries=[]) == {}


def _counted(user: User | AnonymousUser | None, countries: list[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for country, found in open_findings_by_country(user=user, countries=countries).items():
        for item in found:
            counts.setdefault(country, {}).setdefault(item.severity, 0)
            counts[country][item.severity] += 1
    return counts


def test_the_open_findings_counted_by_severity_from_what_is_kept_beside_each_answer(
    hidden_oversight: Relationship,  # noqa: F811
    make_actor: ActorFactory,
    owner: User,
    outsider: User,
) -> None:
    """Counted with nothing kept, with only the answers kept (in this process or the shared cache: the severities
    are then read from them), and with the severities kept beside them; a decision taken afterwards counts."""
    make_actor(country="CD", kind="armed_forces", name="FARDC", reference="FARDC", confidentiality="public")
    countries = ["CD", "CF", "TD"]
    for reader in (None, owner, outsider, AnonymousUser()):
        cache.memory.clear()
        shared_cache.clear()
        expected = _counted(reader, countries)
        assert expected["CD"]
        assert open_severities_by_country(user=reader, countries=countries) == expected  # answers kept only
        assert open_severities_by_country(user=reader, countries=countries) == expected  # severities kept
        cache.memory.clear()
        assert open_severities_by_country(user=reader, countries=countries) == expected  # the shared cache's
        shared_cache.clear()
        assert open_severities_by_country(user=reader, countries=countries) == expected  # computed
    before = open_severities_by_country(user=None, countries=countries)
    decided = country_findings(user=None, country="CD").open()[0]
    services.finding_decide(
        user=None, country="CD", key=decided.key, rule=decided.rule, status="acknowledged", comment="Known."
    )
    after = open_severities_by_country(user=None, countries=countries)
    assert after == _counted(None, countries)
    assert sum(after.get("CD", {}).values()) == sum(before["CD"].values()) - 1
    assert open_severities_by_country(user=None, countries=[]) == {}
