"""Fixtures for the governance tests that use the database."""

import datetime
from typing import Any

import pytest

from egide.actors import services as map_services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor, Relationship
from egide.governance import selectors
from tests.conftest import ActorFactory


def relate(source: Actor, type: str, target: Actor, **fields: object) -> Relationship:
    return map_services.relationship_create(
        user=None, data=RelationshipData(source=source, target=target, type=type, owner=source.owner, **fields)
    )


@pytest.fixture
def layered(make_actor: ActorFactory) -> dict[str, Actor]:
    """Public ministries and forces, an intelligence service at the organisation level, and a partners-level
    guard."""
    actors = {
        "PR": make_actor(kind="head_of_state", name="Presidency", reference="PR", confidentiality="public"),
        "MOI": make_actor(kind="ministry_of_interior", name="Interior", reference="MOI", confidentiality="public"),
        "POL": make_actor(kind="police", name="Police", reference="POL", confidentiality="public"),
        "SECRET": make_actor(
            kind="civilian_intelligence", name="Secret service", reference="SECRET", confidentiality="organisation"
        ),
        "GUARD": make_actor(
            kind="presidential_guard",
            name="Guard",
            reference="GUARD",
            confidentiality="partners",
            mandate_text="Decree",
        ),
    }
    relate(actors["PR"], "commands", actors["GUARD"], legal_basis="Decree", confidentiality="public")
    # Public actors, but the link between them is known to the owner only.
    relate(actors["MOI"], "administers", actors["POL"], confidentiality="organisation")
    return actors


@pytest.fixture
def oversight_known_to_the_owner(make_actor: ActorFactory) -> Relationship:
    """A public map where parliament oversees nothing, and an organisation-level link by which it oversees the
    interior ministry: known to the owner organisation only."""

    def public(kind: str, name: str, reference: str) -> Actor:
        return make_actor(kind=kind, name=name, reference=reference, confidentiality="public", mandate_text="Law")

    interior = public("ministry_of_interior", "Ministry of the Interior", "MOI")
    police = public("police", "National Police", "POL")
    parliament = public("parliament", "National Assembly", "AN")
    relate(interior, "administers", police, legal_basis="Decree 12", confidentiality="public")
    return relate(parliament, "oversees", interior, legal_basis="Rules", confidentiality="organisation")


@pytest.fixture
def rule_runs(monkeypatch: pytest.MonkeyPatch) -> list[datetime.date | None]:
    """The days the rules engine was run on by the selectors, in order."""
    runs: list[datetime.date | None] = []
    original = selectors.run

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(kwargs.get("as_of"))
        return original(*args, **kwargs)

    monkeypatch.setattr(selectors, "run", counted)
    return runs
