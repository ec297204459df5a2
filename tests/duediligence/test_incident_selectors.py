# ruff: noqa: F811 (the fixtures imported from incident_fixtures are parameters of the tests)
"""The incidents' reads: those linked to an actor, the counts per violation and year, and pages whose number of
queries does not grow with the number of incidents."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egide.core.fuzzy_dates import FuzzyDate
from egide.duediligence import incident_selectors as selectors
from egide.duediligence import incident_services as services
from egide.duediligence.models import Evidence
from tests.duediligence.incident_fixtures import (  # noqa: F401 (fixtures)
    Scene,
    client_of,
    incident_data,
    partner,
    partner_user,
    scene,
)

pytestmark = pytest.mark.django_db


def test_the_incidents_linked_to_an_actor(scene: Scene, member: User, partner_user: User, outsider: User) -> None:
    later = services.incident_create(
        user=None, country="CF", data=incident_data(scene.incident.owner, occurred=FuzzyDate.parse("2023"))
    )
    services.responsibility_create(user=None, incident=later, data=services.ResponsibilityData(actor=scene.battalion))
    services.incident_create(user=None, country="CF", data=incident_data(scene.incident.owner))  # not linked
    linked = selectors.actor_incidents(user=member, actor_id=scene.battalion.pk)
    assert list(linked) == [later, scene.incident]  # latest first
    assert list(selectors.actor_incidents(user=partner_user, actor_id=scene.battalion.pk)) == [scene.incident]
    assert list(selectors.actor_incidents(user=outsider, actor_id=scene.battalion.pk)) == []
    assert list(selectors.actor_incidents(user=AnonymousUser(), actor_id=scene.battalion.pk)) == []


def test_counts_per_violation_and_year(scene: Scene, member: User, outsider: User) -> None:
    services.incident_create(
        user=None, country="CF", data=incident_data(scene.incident.owner, violation="torture", occurred=None)
    )
    services.incident_create(
        user=None,
        country="CF",
        data=incident_data(scene.incident.owner, violation="torture", occurred=FuzzyDate.parse("2019-05-02")),
    )
    counts = selectors.incident_counts(user=member, country="CF")
    assert counts.total == 3
    assert counts.by_violation == [
        ("torture", "Torture or ill-treatment", 2),
        ("attack_on_civilians", "Attack on civilians", 1),
    ]
    assert counts.by_year == [(2019, 1), (2021, 1), (None, 1)]
    nothing = selectors.incident_counts(user=outsider, country="CF")
    assert (nothing.total, nothing.by_violation, nothing.by_year) == (0, [], [])
    assert selectors.incident_counts(user=AnonymousUser(), country="CF").total == 0


def test_evidence_is_read_through_its_incident(scene: Scene, member: User, outsider: User) -> None:
    for evidence in Evidence.objects.all():
        assert selectors.evidence_get(user=member, pk=evidence.pk) == evidence
        with pytest.raises(Evidence.DoesNotExist):
            selectors.evidence_get(user=outsider, pk=evidence.pk)


def _queries(client: object, url: str) -> int:
    client.get(url)  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200
    return len(queries)


def _grow(scene: Scene, count: int) -> None:
    for number in range(count):
        incident = services.incident_create(
            user=None, country="CF", data=incident_data(scene.incident.owner, title_en=f"Incident {number}")
        )
        services.responsibility_create(
            user=None, incident=incident, data=services.ResponsibilityData(actor=scene.battalion)
        )


def test_the_list_makes_as_many_queries_for_many_incidents(scene: Scene, member: User) -> None:
    client = client_of(member)
    small = _queries(client, "/incidents/?country=CF")
    _grow(scene, 12)
    assert _queries(client, "/incidents/?country=CF") == small


def test_the_detail_makes_as_many_queries_for_many_responsibilities(
    scene: Scene, member: User, make_actor: object
) -> None:
    client = client_of(member)
    url = f"/incidents/{scene.incident.pk}/"
    small = _queries(client, url)
    for number in range(8):
        unit = make_actor(kind="police", name=f"Unit {number}")  # type: ignore[operator]
        link = services.responsibility_create(
            user=None, incident=scene.incident, data=services.ResponsibilityData(actor=unit)
        )
        services.evidence_add(user=None, responsibility=link, data=services.EvidenceData(source=scene.source))
    assert _queries(client, url) == small
