"""The read replica's router: public reads of anonymous visitors and exports from the replica; writes, reads after a
write, and a client that wrote a moment ago, from the primary; migrations on the primary only.

Both aliases lead to the one test database (TEST MIRROR); what is checked is which connection each query took."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egide.operations import routing
from egide.operations.routing import PIN_COOKIE, PRIMARY, REPLICA, ReplicaRouter, Routing

BOTH = ["default", "replica"]


@pytest.fixture
def replica_on(settings: LazySettings) -> None:
    settings.DATABASE_ROUTERS = ["egide.operations.routing.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "egide.operations.routing.ReplicaMiddleware",
    )
    settings.MIDDLEWARE = middleware


@contextmanager
def queries() -> Iterator[dict[str, CaptureQueriesContext]]:
    captured = {alias: CaptureQueriesContext(connections[alias]) for alias in BOTH}
    for context in captured.values():
        context.__enter__()
    try:
        yield captured
    finally:
        for context in captured.values():
            context.__exit__(None, None, None)


def written(context: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in context.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_the_rule() -> None:
    assert routing.reads_from_replica(method="GET", anonymous=True, view_name="home", pinned=False)
    assert routing.reads_from_replica(method="GET", anonymous=False, view_name="country-export", pinned=False)
    assert not routing.reads_from_replica(method="GET", anonymous=False, view_name="home", pinned=False)
    assert not routing.reads_from_replica(method="POST", anonymous=True, view_name="home", pinned=False)
    assert not routing.reads_from_replica(method="GET", anonymous=True, view_name="home", pinned=True)


def test_reads_after_a_write_in_a_request_go_to_the_primary() -> None:
    router = ReplicaRouter()
    state = Routing(replica=True)
    token = routing._current.set(state)
    try:
        assert router.db_for_read(User) == REPLICA
        assert router.db_for_write(User) == PRIMARY
        assert router.db_for_read(User) == PRIMARY
    finally:
        routing._current.reset(token)
    # Outside a request (commands, the worker): the primary.
    assert router.db_for_read(User) == PRIMARY


def test_migrations_run_on_the_primary_only() -> None:
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "actors")
    assert not router.allow_migrate(REPLICA, "actors")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_anonymous_public_page_reads_from_the_replica(replica_on: None, small_map: object) -> None:
    with queries() as captured:
        answer = Client().get(reverse("home"))
    assert answer.status_code == 200
    assert captured["replica"].captured_queries
    assert not captured["default"].captured_queries
    assert PIN_COOKIE not in answer.cookies


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_logged_in_page_reads_from_the_primary(replica_on: None, member_client: Client) -> None:
    with queries() as captured:
        assert member_client.get(reverse("home")).status_code == 200
    assert not captured["replica"].captured_queries


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_export_reads_from_the_replica_and_writes_its_record_to_the_primary(
    replica_on: None, member_client: Client, small_map: object
) -> None:
    with queries() as captured:
        answer = member_client.get(reverse("country-export", kwargs={"code": "CD", "fmt": "json"}))
    assert answer.status_code == 200
    assert captured["replica"].captured_queries
    assert not written(captured["replica"])
    assert written(captured["default"])  # the export's record in the audit log
    # Every query after the first write went to the primary.
    first_write = next(
        index for index, query in enumerate(captured["default"].captured_queries) if query["sql"] in written(captured["default"])
    )
    assert captured["default"].captured_queries[first_write:]
    assert answer.cookies[PIN_COOKIE]["max-age"] == 10


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_post_writes_and_reads_on_the_primary_and_pins_the_client(replica_on: None) -> None:
    client = Client()
    with queries() as captured:
        answer = client.post(reverse("login"), {"username": "nobody", "password": "wrong password"})
    assert answer.status_code == 200
    assert not captured["replica"].captured_queries
    assert written(captured["default"])  # the failed attempt, for the throttle
    assert PIN_COOKIE in answer.cookies
    # The same visitor's next page, a moment later: from the primary, so that it sees what it wrote.
    with queries() as captured:
        assert client.get(reverse("home")).status_code == 200
    assert not captured["replica"].captured_queries
    assert captured["default"].captured_queries
